"""Rule 16 of docs/rules.md: one withdrawal rule for the page, the API and the service;
withdrawing a team on its unit's open recommendation list tells the unit."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.api.conftest import api_for
from tests.conftest import close_phase
from tests.recommendation.factories import make_application
from xinban.applications import services
from xinban.applications.models import ApplicationState
from xinban.campaigns.models import PhaseKind
from xinban.core.errors import ServiceError
from xinban.recommendation.models import Recommendation, ReportStatus, UnitRecommendationReport

pytestmark = pytest.mark.django_db


def test_withdrawing_a_listed_team_tells_the_unit(
    campaign: Any,
    org_a: Any,
    unit_x: Any,
    unit_x_admin: Any,
    applicant_a: Any,
    staff: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    app = make_application(
        organisation=org_a, unit=unit_x, campaign=campaign, state=ApplicationState.SUBMITTED
    )
    report = UnitRecommendationReport.objects.create(
        unit=unit_x, campaign=campaign, status=ReportStatus.DRAFT
    )
    Recommendation.objects.create(
        report=report, application=app, opinion="推荐", position=1, created_by=unit_x_admin
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_withdraw(actor=applicant_a, application=app, reason="团队调整")
    assert not Recommendation.objects.filter(application=app).exists()
    (to_unit,) = [m for m in mail.outbox if m.to == [unit_x_admin.email]]
    assert app.team_name in to_unit.subject and "团队调整" in to_unit.body


def test_unlisted_withdrawal_does_not_mail_the_unit(
    campaign: Any,
    org_a: Any,
    unit_x: Any,
    unit_x_admin: Any,
    applicant_a: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    app = make_application(
        organisation=org_a, unit=unit_x, campaign=campaign, state=ApplicationState.SUBMITTED
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_withdraw(actor=applicant_a, application=app)
    assert not [m for m in mail.outbox if m.to == [unit_x_admin.email]]


@pytest.mark.parametrize(
    ("state", "closed"),
    [
        (ApplicationState.SUBMITTED, False),
        (ApplicationState.DRAFT, False),
        (ApplicationState.SUBMITTED, True),
        (ApplicationState.RECOMMENDED, False),
        (ApplicationState.NOT_RECOMMENDED, False),
    ],
)
def test_page_api_and_service_agree(
    campaign: Any, org_a: Any, unit_x: Any, applicant_a: Any, state: str, closed: bool
) -> None:
    app = make_application(organisation=org_a, unit=unit_x, campaign=campaign, state=state)
    if closed:
        close_phase(campaign, PhaseKind.APPLICATION)
        close_phase(campaign, PhaseKind.RECOMMENDATION)
    client = Client()
    client.force_login(applicant_a)
    page = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    page_offers = reverse("applications:withdraw", args=[app.pk]) in page
    api_offers = api_for(applicant_a).get(f"/applications/{app.pk}").json()["can_withdraw"]
    try:
        services.application_withdraw(actor=applicant_a, application=app)
    except ServiceError as refusal:
        accepted = False
        if state in services.WITHDRAWABLE_STATES:
            assert refusal.message in page  # the page says why
    else:
        accepted = True
    assert page_offers == api_offers == accepted
    assert accepted == (state in {"draft", "submitted"} and not closed)
