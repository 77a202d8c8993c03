"""List pages run a constant number of SQL queries, whatever the number of rows: no query
per row (N+1) on the staff list, on the applicant's dashboard or in the API's list of the
applicant's applications."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign, TeamType
from xinban.organisations.models import Organisation, RecommendingUnit

pytestmark = pytest.mark.django_db

S = ApplicationState
# A mix of what a list shows: drafts, submitted, returned, decided, withdrawn.
STATES = [
    S.DRAFT,
    S.SUBMITTED,
    S.RETURNED,
    S.RECOMMENDED,
    S.NOT_RECOMMENDED,
    S.FORMAL_PASSED,
    S.SELECTED,
    S.TYPICAL,
    S.WITHDRAWN,
]
_serial = itertools.count(1)


def bulk_applications(
    *,
    campaigns: Sequence[Campaign],
    organisations: Sequence[Organisation],
    units: Sequence[RecommendingUnit],
    count: int,
) -> None:
    """``count`` more applications, at most one per (campaign, organisation, team type), so
    that the rules' database constraint holds."""
    types = list(TeamType.objects.order_by("position"))
    taken = set(Application.objects.values_list("campaign_id", "organisation_id", "team_type_id"))
    rows: list[Application] = []
    slots = itertools.product(campaigns, organisations, types)
    for campaign, organisation, team_type in slots:
        if len(rows) == count:
            break
        if (campaign.pk, organisation.pk, team_type.pk) in taken:
            continue
        n = next(_serial)
        state = STATES[n % len(STATES)]
        rows.append(
            Application(
                campaign=campaign,
                organisation=organisation,
                recommending_unit=units[n % len(units)],
                number=f"{campaign.year}{n:05d}",
                state=state,
                team_name=f"质检{n}班",
                team_type=team_type,
                team_size=10 + n % 20,
                completion_rate=Decimal("98.50"),
                accidents_per_year=0,
                material_composition="班组共12人。" * 20,
                organisation_snapshot={"name": organisation.name} if state != S.DRAFT else {},
                return_reason="请补充材料。" if state == S.RETURNED else "",
            )
        )
    assert len(rows) == count, "not enough (campaign, organisation, team type) slots"
    Application.objects.bulk_create(rows, batch_size=500)


def queries_for(client: Client, url: str) -> int:
    assert client.get(url).status_code == 200  # warm: session, caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def units(unit_x: Any, unit_y: Any) -> list[RecommendingUnit]:
    return [unit_x, unit_y]


def test_staff_list_queries_do_not_grow_with_rows(
    staff: Any, campaign: Campaign, units: list[RecommendingUnit]
) -> None:
    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"上海测试{i}号机械有限公司", short_name=f"测试{i}") for i in range(110)]
    )
    client = Client()
    client.force_login(staff)
    url = reverse("applications:staff_list")

    bulk_applications(campaigns=[campaign], organisations=organisations, units=units, count=10)
    at_10 = queries_for(client, url)
    bulk_applications(campaigns=[campaign], organisations=organisations, units=units, count=490)
    assert Application.objects.filter(campaign=campaign).count() == 500
    at_500 = queries_for(client, url)

    assert at_500 == at_10, f"staff list: {at_10} queries with 10 rows, {at_500} with 500"


def test_dashboard_queries_do_not_grow_with_rows(
    applicant_a: Any, org_a: Organisation, campaign: Campaign, units: list[RecommendingUnit]
) -> None:
    # One organisation keeps every year's applications: this year's and many past years'.
    past = Campaign.objects.bulk_create(
        [Campaign(year=campaign.year - i, title=f"{campaign.year - i}年") for i in range(1, 101)]
    )
    campaigns = [campaign, *past]
    client = Client()
    client.force_login(applicant_a)
    url = reverse("applications:dashboard")

    bulk_applications(campaigns=campaigns, organisations=[org_a], units=units, count=10)
    at_10 = queries_for(client, url)
    bulk_applications(campaigns=campaigns, organisations=[org_a], units=units, count=490)
    assert Application.objects.filter(organisation=org_a).count() == 500
    at_500 = queries_for(client, url)

    assert at_500 == at_10, f"dashboard: {at_10} queries with 10 rows, {at_500} with 500"


def test_api_list_queries_do_not_grow_with_rows(
    applicant_a: Any, org_a: Organisation, campaign: Campaign, units: list[RecommendingUnit]
) -> None:
    # GET /api/applications: every summary's version, updated_at and organisation short
    # name come with the list's one query (the load run found one query per row for each).
    past = Campaign.objects.bulk_create(
        [Campaign(year=campaign.year - i, title=f"{campaign.year - i}年") for i in range(1, 11)]
    )
    client = Client()
    client.force_login(applicant_a)
    url = "/api/applications"

    bulk_applications(campaigns=[campaign, *past], organisations=[org_a], units=units, count=2)
    at_2 = queries_for(client, url)
    bulk_applications(campaigns=[campaign, *past], organisations=[org_a], units=units, count=30)
    rows = client.get(url).json()
    assert len(rows) == 32
    assert {row["organisation"]["short_name"] for row in rows} == {org_a.short_name}
    assert all(row["version"] >= 1 and row["updated_at"] for row in rows)
    at_32 = queries_for(client, url)

    assert at_32 == at_2, f"API list: {at_2} queries with 2 rows, {at_32} with 32"
