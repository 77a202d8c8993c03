"""The export of 结果公布 (published results): anyone, logged in or not, published data
only, with the page's filters; read back with openpyxl."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.evaluation.conftest import make_org_app
from tests.exports.kit import rows_of
from xinban.applications.models import Application
from xinban.campaigns.models import Campaign
from xinban.publication import services

pytestmark = pytest.mark.django_db


URL = reverse("exports:download", args=["public_results"])


@pytest.fixture
def published(results: list[Application], campaign: Any, staff: Any, unit_x: Any) -> Any:
    """This year's results published (one team name looks like a formula); next year
    has a selected team that is not published yet."""
    Application.objects.filter(pk=results[1].pk).update(team_name='=HYPERLINK("http://x","y")组')
    services.results_publish(actor=staff, campaign=campaign)
    later = Campaign.objects.create(year=campaign.year + 1, title="明年")
    make_org_app(later, unit_x, "上海未公布有限公司", state="selected", team_name="未公布班")
    return results


def test_anyone_exports_the_published_results_as_the_page_lists_them(published: Any) -> None:
    anonymous = Client()
    page = anonymous.get(reverse("publication:results"))
    listed = [(e["year"], e["team_name"]) for e in page.context["page"].object_list]
    assert URL in page.content.decode()
    rows = rows_of(anonymous.get(URL))
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
    assert teams == {"质检一班", '\'=HYPERLINK("http://x","y")组'}  # not selected: absent
    assert "未公布班" not in teams  # an unpublished year: never
    levels = {r[3]: r[1] for r in rows[1:]}
    assert levels["质检一班"] == "建设经验"
    assert levels['\'=HYPERLINK("http://x","y")组'] == "推荐全国质量信得过班组典型经验"


def test_the_results_export_keeps_the_pages_filters(
    published: Any, campaign: Any, applicant_b: Any
) -> None:
    client = Client()
    client.force_login(applicant_b)  # a logged-in visitor: the same public list
    for params, teams in (
        ({"level": "national"}, {'\'=HYPERLINK("http://x","y")组'}),
        ({"year": str(campaign.year), "unit": "浦东新区"}, {"质检一班"}),
        ({"q": "质检"}, {"质检一班"}),
        ({"year": str(campaign.year - 5)}, set()),
    ):
        page = client.get(reverse("publication:results"), params)
        assert {e["team_name"] for e in page.context["page"].object_list} == {
            t.lstrip("'") for t in teams
        }
        assert {r[3] for r in rows_of(client.get(URL, params))[1:]} == teams


def test_an_anonymous_export_is_streamed_even_when_large(settings: Any, published: Any) -> None:
    settings.XINBAN_EXPORT_BACKGROUND_ROWS = 1
    assert len(rows_of(Client().get(URL))) == 3


def test_the_results_export_through_the_api(published: Any, applicant_b: Any) -> None:
    anonymous = Client()
    rows = rows_of(anonymous.get("/api/exports/public/results.xlsx", {"level": "selected"}))
    assert [r[3] for r in rows[1:]] == ["质检一班"]
    assert anonymous.get("/api/exports/public_results.xlsx").status_code == 401
    client = Client()
    client.force_login(applicant_b)
    assert len(rows_of(client.get("/api/exports/public_results.xlsx"))) == 3


def test_an_address_downloading_too_often_is_told_when_to_retry(
    settings: Any, published: Any, applicant_b: Any
) -> None:
    settings.XINBAN_API_RATE_LIMIT_ANON = 2
    anonymous = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(2):
        assert anonymous.get(URL).status_code == 200
    refused = anonymous.get(URL)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= settings.XINBAN_API_RATE_WINDOW_SECONDS
    assert "请求过于频繁" in refused.content.decode()
    # The same address's public API calls share the counter; another address does not.
    assert anonymous.get("/api/exports/public/results.xlsx").status_code == 429
    assert Client(REMOTE_ADDR="203.0.113.8").get(URL).status_code == 200
    # A logged-in user is not limited by the address's count here.
    member = Client(REMOTE_ADDR="203.0.113.7")
    member.force_login(applicant_b)
    assert member.get(URL).status_code == 200
