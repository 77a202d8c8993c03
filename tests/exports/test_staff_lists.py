"""Exports of the association's lists: 全部报名 (organisations:staff_registrations, with
its filters), 推荐单位 (recommendation:staff_units) and 推荐材料报送情况 (reports:staff,
by year). Every file is read back with openpyxl; it holds the page's rows, formulas
neutralised, and is refused as the page is."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.dashboards.conftest import World
from tests.exports.kit import client_for, download, rows_of
from xinban.organisations.models import Organisation, UnitMembership, UnitRole
from xinban.recommendation.models import ReportStatus, UnitRecommendationReport
from xinban.reports import services as report_services
from xinban.reports.models import FilingStatus, StatisticsReport
from xinban.scoring.models import Judge
from xinban.tasks.testing import drain

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- 全部报名


def test_registrations_export_holds_the_pages_rows_with_its_filters(
    world: World, staff: Any
) -> None:
    client = client_for(staff)
    page_url = reverse("organisations:staff_registrations")
    cases: list[dict[str, Any]] = [
        {},
        {"nature": world.ids["private"]},
        {"industry": world.ids["auto"], "unit_kind": "district"},
        {"q": "乙服务"},
        {"year": world.past.year},
    ]
    for params in cases:
        page = client.get(page_url, params)
        rows = rows_of(client.get(download("registrations"), params))
        assert [r[0] for r in rows[1:]] == [row.organisation for row in page.context["rows"]]
        assert len(rows) - 1 == page.context["page"].paginator.count, params
    rows = rows_of(client.get(download("registrations")))
    assert rows[0][:4] == ("单位名称", "单位简称", "会员单位", "单位性质")
    assert rows[0][-2:] == ("报名时间", "申报数")
    by_name = {r[0]: r for r in rows[1:]}
    a = by_name["上海甲制造有限公司"]
    assert a[3:5] == ("国有", "制造") and set(a[5].split("、")) == {"汽车", "集成电路"}
    assert a[6] == "浦东新区" and a[7] == "王芳" and a[9] == "13912345678"
    assert isinstance(a[11], datetime) and a[12] == 2
    assert by_name["上海戊未申报有限公司"][6] is None and by_name["上海戊未申报有限公司"][12] == 0
    # The export link on the page keeps the page's filters.
    html = client.get(page_url, {"domain": world.ids["services"]}).content.decode()
    assert f"{download('registrations')}?domain={world.ids['services']}" in html


def test_registrations_export_neutralises_formulas(world: World, staff: Any) -> None:
    org = Organisation.objects.get(name="上海乙服务有限公司")
    org.name = "=1+1"
    org.short_name = "@SUM(1)"
    org.save()
    registration = org.registrations.get()
    registration.promoter_name = "+CMD"
    registration.save()
    rows = rows_of(client_for(staff).get(download("registrations"), {"q": "=1+1"}))
    assert len(rows) == 2
    assert rows[1][:2] == ("'=1+1", "'@SUM(1)") and rows[1][7] == "'+CMD"
    cells = [value for row in rows for value in row if isinstance(value, str)]
    assert not any(value.startswith(("=", "@", "+")) for value in cells)


def test_registrations_export_is_refused_as_the_page(
    world: World, staff: Any, applicant_a: Any, unit_x_admin: Any, guide: Any
) -> None:
    judge = Judge.objects.get(name="评委丁").user
    for user in (applicant_a, unit_x_admin, guide, judge):
        assert client_for(user).get(download("registrations")).status_code == 403
        assert client_for(user).get("/api/exports/registrations.xlsx").status_code == 403
    anonymous = Client().get(download("registrations"))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_registrations_through_the_api_and_in_the_background(
    world: World, staff: Any, settings: Any
) -> None:
    client = client_for(staff)
    rows = rows_of(client.get("/api/exports/registrations.xlsx", {"domain": world.ids["services"]}))
    assert [r[0] for r in rows[1:]] == ["上海乙服务有限公司"]
    settings.XINBAN_EXPORT_BACKGROUND_ROWS = 2
    response = client.get(download("registrations"))
    assert response.status_code == 302
    drain()
    started = client.post("/api/exports/registrations")
    assert started.status_code == 202 and started.json()["rows"] == 5
    drain()
    status = client.get(started.json()["status_url"]).json()
    assert status["state"] == "done"
    assert len(rows_of(client.get(status["download"]))) == 6


# --------------------------------------------------------------------------- 推荐单位


def test_staff_units_export_holds_the_pages_rows(
    world: World, staff: Any, unit_x: Any, unit_y: Any, unit_x_admin: Any
) -> None:
    UnitRecommendationReport.objects.create(
        unit=unit_x, campaign=world.campaign, status=ReportStatus.SUBMITTED
    )
    client = client_for(staff)
    page = client.get(reverse("recommendation:staff_units"))
    expected = [
        (unit.name, unit.received, unit.recommended) for unit, _report in page.context["units"]
    ]
    html = page.content.decode()
    assert download("staff_units") in html
    rows = rows_of(client.get(download("staff_units")))
    assert rows[0] == ("推荐单位", "收到申报", "已推荐", "推荐表")
    assert [r[:3] for r in rows[1:]] == expected
    assert {r[0]: r[3] for r in rows[1:]} == {
        "浦东新区": "已报送",
        "黄浦区": "未填写",
        "其他-市质协会员与质量推进部": "未填写",  # reference data (organisations 0003)
    }
    # 浦东新区: 4 submitted (the draft is not counted), 3 recommended (已推荐 and the two
    # the association has gone on with: the dashboards' count, docs/rules.md "Counts").
    assert rows[1][:3] == ("浦东新区", 4, 3)
    assert client_for(unit_x_admin).get(download("staff_units")).status_code == 403
    assert client.get("/api/exports/staff_units.xlsx").status_code == 200


def test_staff_units_export_neutralises_formulas(world: World, staff: Any, unit_x: Any) -> None:
    unit_x.name = "=HYPERLINK(1)"
    unit_x.save()
    rows = rows_of(client_for(staff).get(download("staff_units")))
    assert "'=HYPERLINK(1)" in {r[0] for r in rows[1:]}


# --------------------------------------------------------------------------- 报送情况


def test_report_filings_export_holds_the_pages_rows_by_year(
    world: World, staff: Any, unit_x: Any, unit_y: Any, unit_x_admin: Any
) -> None:
    UnitRecommendationReport.objects.create(
        unit=unit_x, campaign=world.campaign, status=ReportStatus.SUBMITTED
    )
    report = report_services.statistics_report_for(unit=unit_x, campaign=world.campaign)
    StatisticsReport.objects.filter(pk=report.pk).update(status=FilingStatus.SUBMITTED)
    report_services.work_summary_for(unit=unit_y, campaign=world.campaign)  # a draft
    assert UnitMembership.objects.filter(unit=unit_x, role=UnitRole.ADMIN).exists()
    client = client_for(staff)
    page = client.get(reverse("reports:staff"))
    html = page.content.decode()
    assert f"{download('report_filings')}?year={world.campaign.year}" in html
    rows = rows_of(client.get(download("report_filings"), {"year": world.campaign.year}))
    assert rows[0][:4] == (
        "推荐单位",
        "推荐表（附件5）",
        "成果统计表（附件6）",
        "工作总结（附件7）",
    )
    assert [r[0] for r in rows[1:]] == [row.unit.name for row in page.context["rows"]]
    by_unit = {r[0]: r for r in rows[1:]}
    assert by_unit["浦东新区"][1:6] == ("已报送", "已报送", "未填写", "x@example.com", "附件7")
    assert by_unit["黄浦区"][1:4] == ("未填写", "未填写", "填写中")
    assert by_unit["黄浦区"][5] == "附件5、附件6、附件7"
    # Last year: nothing filed.
    past = rows_of(client.get(download("report_filings"), {"year": world.past.year}))
    assert {r[1] for r in past[1:]} == {"未填写"}
    # As the page: an unknown year 404, other users 403.
    assert client.get(download("report_filings"), {"year": 1999}).status_code == 404
    assert client.get(reverse("reports:staff"), {"year": 1999}).status_code == 404
    assert client_for(unit_x_admin).get(download("report_filings")).status_code == 403
    assert client.get(
        "/api/exports/report_filings.xlsx", {"year": world.past.year}
    ).status_code == (200)
