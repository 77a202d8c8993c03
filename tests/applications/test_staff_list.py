"""The staff's 全部申报 list pages through a year's applications in 编号 order, each page
the same rows the plain ordered query gives, whatever the filter (the page's rows are
found by their numbers first: docs/benchmarks.md, "The staff list on PostgreSQL")."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.applications.test_query_counts import bulk_applications
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign
from xinban.organisations.models import Organisation, RecommendingUnit

pytestmark = pytest.mark.django_db

NUMBER = re.compile(r"<tr><td>(\d+)</td>")


def shown_numbers(client: Client, params: dict[str, Any]) -> tuple[list[str], int]:
    """The numbers of the page's rows and the total the page shows."""
    response = client.get(reverse("applications:staff_list"), params)
    assert response.status_code == 200
    return NUMBER.findall(response.content.decode()), response.context["page"].paginator.count


@pytest.mark.parametrize(
    "filters",
    [{}, {"state": ApplicationState.SUBMITTED}, {"unit": "unit_x"}],
    ids=["all", "state", "unit"],
)
def test_each_page_shows_the_ordered_rows_of_the_year(
    staff: Any,
    campaign: Campaign,
    unit_x: RecommendingUnit,
    unit_y: RecommendingUnit,
    filters: dict[str, str],
) -> None:
    past = Campaign.objects.create(year=campaign.year - 1, title=f"{campaign.year - 1}年")
    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"上海分页{i}号有限公司", short_name=f"分页{i}") for i in range(60)]
    )
    units = [unit_x, unit_y]
    bulk_applications(campaigns=[campaign], organisations=organisations, units=units, count=130)
    bulk_applications(campaigns=[past], organisations=organisations, units=units, count=20)
    params = {k: str(unit_x.pk) if v == "unit_x" else v for k, v in filters.items()}
    expected = Application.objects.filter(campaign=campaign).order_by("number")
    if "state" in params:
        expected = expected.filter(state=params["state"])
    if "unit" in params:
        expected = expected.filter(recommending_unit=unit_x)
    numbers = list(expected.values_list("number", flat=True))
    assert len(numbers) > 50 or "state" in params  # all: three pages; a unit's: two
    client = Client()
    client.force_login(staff)

    pages = []
    for page in range(1, (len(numbers) + 49) // 50 + 1):
        shown, total = shown_numbers(client, {**params, "page": page})
        pages.append(shown)
        assert total == len(numbers)

    assert [n for page in pages for n in page] == numbers
    assert all(len(page) == 50 for page in pages[:-1])
