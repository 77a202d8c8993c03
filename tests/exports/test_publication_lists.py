"""Exports of publication's lists: 结果发布与证书 (staff: every year, published or not, its
experiences and its certificate batch) and the case library's search (案例库: anyone,
published data only, with the page's filters). Every file read back with openpyxl."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.evaluation.conftest import make_org_app
from tests.exports.kit import client_for, rows_of
from xinban.applications.models import Application
from xinban.campaigns.models import Campaign
from xinban.publication import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _chinese() -> Any:
    with translation.override("zh-hans"):
        yield


YEARS = reverse("exports:download", args=["publication_years"])
CASES = reverse("exports:download", args=["public_cases"])
EVIL = '=HYPERLINK("http://x","y")组'


@pytest.fixture
def published(results: list[Application], campaign: Any, staff: Any, unit_x: Any) -> Any:
    """This year's results published (one team name looks like a formula), its
    certificate batch started; next year has a selected team, not published yet."""
    Application.objects.filter(pk=results[1].pk).update(team_name=EVIL)
    services.results_publish(actor=staff, campaign=campaign)
    campaign.refresh_from_db()
    services.certificates_batch_start(actor=staff, campaign=campaign)
    later = Campaign.objects.create(year=campaign.year + 1, title="明年")
    make_org_app(later, unit_x, "上海未公布有限公司", state="selected", team_name="未公布班")
    return later


def test_only_staff_export_the_publication_years(
    published: Any, applicant_a: Any, unit_x_admin: Any, guide: Any, staff: Any
) -> None:
    for user in (applicant_a, unit_x_admin, guide):
        client = client_for(user)
        assert client.get(reverse("publication:staff")).status_code == 403
        assert client.get(YEARS).status_code == 403
        assert client.get("/api/exports/publication_years.xlsx").status_code == 403
    assert Client().get(YEARS).status_code == 302  # to the login page
    assert Client().get("/api/exports/publication_years.xlsx").status_code == 401
    assert client_for(staff).get("/api/exports/publication_years.xlsx").status_code == 200


def test_the_publication_years_export(published: Any, campaign: Any, staff: Any) -> None:
    client = client_for(staff)
    page = client.get(reverse("publication:staff"))
    assert YEARS in page.content.decode()
    rows = rows_of(client.get(YEARS))
    assert rows[0] == ("年度", "状态", "公开成果", "证书")
    assert [r[0] for r in rows[1:]] == [row["campaign"].year for row in page.context["rows"]]
    assert rows[1:] == [
        (published.year, "未发布", 0, None),
        (campaign.year, "已发布", 2, "排队中"),  # the batch, not yet run
    ]
    assert [r[2] for r in rows[1:]] == [row["entries"] for row in page.context["rows"]]


def test_anyone_exports_the_case_library_as_the_page_lists_it(
    published: Any, applicant_b: Any
) -> None:
    for client in (Client(), client_for(applicant_b)):
        page = client.get(reverse("publication:cases"))
        listed = [(e["year"], e["team_name"]) for e in page.context["page"].object_list]
        assert CASES in page.content.decode()
        rows = rows_of(client.get(CASES))
        assert rows[0] == (
            "年度",
            "评价结果",
            "单位名称",
            "班组名称",
            "推荐单位",
            "领域",
            "行业",
            "成果摘要",
        )
        assert [(r[0], r[3].lstrip("'")) for r in rows[1:]] == listed
        teams = {r[3] for r in rows[1:]}
        assert teams == {"质检一班", "'" + EVIL}  # neutralised; not selected: absent
        assert "未公布班" not in teams  # an unpublished year: never
        assert {r[3]: r[1] for r in rows[1:]}["质检一班"] == "建设经验"


def test_the_case_library_export_keeps_the_pages_filters(published: Any, campaign: Any) -> None:
    client = Client()
    for params, teams in (
        ({"level": "national"}, {"'" + EVIL}),
        ({"year": str(campaign.year), "unit": "浦东新区"}, {"质检一班"}),
        ({"q": "质检"}, {"质检一班"}),
        ({"q": "外滩"}, {"'" + EVIL}),
        ({"year": str(campaign.year - 5)}, set()),
    ):
        page = client.get(reverse("publication:cases"), params)
        assert {e["team_name"] for e in page.context["page"].object_list} == {
            t.lstrip("'") for t in teams
        }
        if teams:  # the link carries the page's filters
            assert f"{CASES}?{page.context['query']}".replace("&", "&amp;") in (
                page.content.decode()
            )
        assert {r[3] for r in rows_of(client.get(CASES, params))[1:]} == teams


def test_the_case_library_is_also_exported_by_the_api_without_login(
    published: Any, campaign: Any
) -> None:
    client = Client()
    for params in ({}, {"level": "national"}, {"q": "质检"}):
        via_api = rows_of(client.get("/api/exports/public/cases.xlsx", params))
        assert via_api == rows_of(client.get(CASES, params))
        assert "未公布班" not in {r[3] for r in via_api}
    # A bad filter is a field error, not a server error.
    response = client.get("/api/exports/public/cases.xlsx", {"year": "x" * 10})
    assert response.status_code == 422
