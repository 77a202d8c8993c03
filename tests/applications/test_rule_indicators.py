"""Rule 12 of docs/rules.md: indicators are plausible — cross-field checks shown to the
applicant as warnings and to reviewers as flags (never a refusal)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.api.conftest import api_for
from tests.conftest import application_data
from xinban.applications import services
from xinban.applications.models import indicator_warnings

pytestmark = pytest.mark.django_db


def implausible(unit: Any) -> dict[str, Any]:
    return application_data(
        unit,
        nonconformity_rate=Decimal("5.00"),
        first_pass_rate=Decimal("99.20"),
        team_size=12,
        trainees_per_year=500,
    )


def test_the_cross_field_checks(unit_x: Any) -> None:
    class Row:
        pass

    row = Row()
    for name, value in implausible(unit_x).items():
        setattr(row, name, value)
    flags = indicator_warnings(row)
    assert set(flags) == {"nonconformity_rate", "trainees_per_year"}
    assert "100" in flags["nonconformity_rate"] and "500" in flags["trainees_per_year"]
    row.nonconformity_rate = Decimal("0.35")  # type: ignore[attr-defined]
    row.trainees_per_year = 60  # type: ignore[attr-defined]
    assert indicator_warnings(row) == {}


def test_saved_through_the_service_warned_not_refused(
    applicant_a: Any, org_a: Any, campaign: Any, unit_x: Any
) -> None:
    application = services.application_create(
        actor=applicant_a, organisation=org_a, campaign=campaign, data=implausible(unit_x)
    )
    assert set(application.indicator_flags) == {"nonconformity_rate", "trainees_per_year"}


def test_applicant_sees_warnings_in_the_api_and_on_the_page(
    applicant_a: Any, org_a: Any, campaign: Any, unit_x: Any
) -> None:
    application = services.application_create(
        actor=applicant_a, organisation=org_a, campaign=campaign, data=implausible(unit_x)
    )
    body = api_for(applicant_a).get(f"/applications/{application.pk}").json()
    assert set(body["indicator_warnings"]) == {"nonconformity_rate", "trainees_per_year"}
    client = Client()
    client.force_login(applicant_a)
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "indicator-flags" in page and "一次合格率" in page


def test_a_plausible_application_has_none(draft_a: Any, applicant_a: Any) -> None:
    body = api_for(applicant_a).get(f"/applications/{draft_a.pk}").json()
    assert body["indicator_warnings"] == {}


def test_reviewers_see_flags_in_the_formal_queue_and_on_the_review_page(
    staff: Any, org_a: Any, campaign: Any, unit_x: Any
) -> None:
    from tests.recommendation.factories import make_application
    from xinban.applications.models import ApplicationState

    application = make_application(
        organisation=org_a,
        unit=unit_x,
        campaign=campaign,
        state=ApplicationState.RECOMMENDED,
        nonconformity_rate=Decimal("5.00"),
        first_pass_rate=Decimal("99.20"),
    )
    rows = api_for(staff).get("/evaluation/formal").json()
    (row,) = [r for r in rows if r["application"]["id"] == application.pk]
    assert set(row["indicator_flags"]) == {"nonconformity_rate"}
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("evaluation:formal_review", args=[application.pk]))
    assert page.status_code == 200
    assert "indicator-flags" in page.content.decode()
