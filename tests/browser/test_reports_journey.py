"""A recommending unit files 附件6 and 附件7 in a real browser: the platform's figures sit
beside the declared ones and a differing figure lights up as it is typed; the statistics
are saved, submitted and downloaded as Excel and Word; the work summary's character count
follows the typing, a row is added to the table of events (and one removed), submission
below 3,000 characters is refused with the count, then accepted; the Word file is read back."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import docx
import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.test_applicant_journey import click_button, visit
from tests.conftest import make_user, pdf_bytes
from tests.reports.conftest import long_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-123"
UNIT = "浦东新区"


@pytest.fixture
def reports_world(taxonomies: None) -> dict[str, Any]:
    from tests.recommendation.factories import make_application
    from xinban.applications.models import ApplicationState
    from xinban.campaigns.models import Campaign, Phase, PhaseKind
    from xinban.organisations.models import (
        Organisation,
        RecommendingUnit,
        UnitKind,
        UnitMembership,
        UnitRole,
    )

    now = timezone.now()
    year = timezone.localdate().year
    campaign = Campaign.objects.create(year=year, title=f"{year}年活动")
    for kind in PhaseKind:
        Phase.objects.create(
            campaign=campaign,
            kind=kind,
            starts_at=now - timedelta(days=10),
            ends_at=now + timedelta(days=30),
        )
    last = Campaign.objects.create(year=year - 1, title="去年", results_published=True)
    unit = RecommendingUnit.objects.create(name=UNIT, kind=UnitKind.DISTRICT)
    admin = make_user("pudong@example.com", "浦东管理员")
    UnitMembership.objects.create(unit=unit, user=admin, role=UnitRole.ADMIN)
    organisation = Organisation.objects.create(name="上海甲精密机械有限公司", short_name="甲精密")
    make_application(
        organisation=organisation, unit=unit, campaign=last, state=ApplicationState.SELECTED
    )
    make_application(
        organisation=organisation,
        unit=unit,
        campaign=last,
        team_type="服务型",
        team_name="装配二组",
        state=ApplicationState.NOT_RECOMMENDED,
    )
    return {"campaign": campaign, "unit": unit, "admin": admin}


def download(page: Any, link: str, target: Path) -> str:
    with page.expect_download() as info:
        page.locator("#main").get_by_role("link", name=link, exact=True).click()
    got = info.value
    assert got.failure() is None
    got.save_as(target)
    return str(got.suggested_filename)


def test_unit_fills_and_downloads_both_forms(
    live_server: Any,
    page: Any,
    js_errors: list[str],
    reports_world: dict[str, Any],
    tmp_path: Path,
) -> None:
    base = live_server.url
    year = reports_world["campaign"].year
    dialogs: list[str] = []

    def accept(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    visit(page, f"{base}/accounts/login/")
    page.fill("#id_username", "pudong@example.com")
    page.fill("#id_password", PASSWORD)
    click_button(page, "登录")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    # --- 附件6 -------------------------------------------------------------------------------
    visit(page, f"{base}/reports/")
    expect(page).to_have_url(re.compile(r"/reports/unit/\d+/$"))
    page.locator("#main").get_by_role("link", name="成果统计表（附件6）").first.click()
    page.wait_for_load_state("load")  # the page's deferred script compares as one types
    expect(page.locator("#item-teams")).to_have_attribute("data-platform", "2")
    teams_row = page.locator("#item-teams")
    page.fill("#id_teams", "2")
    expect(teams_row).not_to_have_class(re.compile("table-warning"))
    page.fill("#id_teams", "5")  # the unit knows of teams beyond the platform
    expect(teams_row).to_have_class(re.compile("table-warning"))
    expect(teams_row.locator("[data-differs]")).to_be_visible()
    values = {
        "enterprises": "2",
        "cumulative_teams": "9",
        "participants": "620",
        "recommended": "1",
        "funding": "8.5",
        "rewards": "2",
        "certified_judges": "3",
        "features_and_problems": "制造业班组参与踊跃，服务业班组参与偏少。",
        "session_registered_teams": "12",
        "session_presented_teams": "10",
        "session_time": f"{year - 1}-06-18",
        "session_place": "浦东新区市民中心",
        "session_attendees": "150",
        "department_and_head": "区市场监管局质量发展科 李强",
        "contact_name": "王敏",
        "contact_mobile": "13800138000",
        "contact_email": "wangmin@example.com",
        "address": "上海市浦东新区世纪大道100号",
        "postcode": "200120",
        "filler_name": "王敏",
        "fill_date": f"{year}-06-01",
    }
    for name, value in values.items():
        page.fill(f"#id_{name}", value)
    page.check("#id_has_certified_judges_0")
    page.check("#id_session_held_0")
    page.check("input[name=review_forms][value=presentation]")
    page.check("input[name=review_forms][value=on_site]")
    click_button(page, "保存草稿")
    expect(page.locator(".alert-success")).to_contain_text("草稿已保存")
    expect(page.locator("#id_teams")).to_have_value("5")
    expect(page.locator("[data-differences]")).to_be_visible()
    # 附件6 carries the unit's stamp (rule 11 of docs/rules.md): the scan before filing.
    stamped = tmp_path / "盖章统计表.pdf"
    stamped.write_bytes(pdf_bytes("stamped statistics"))
    scan_form = page.locator("form[action*='/statistics/scan/']")
    scan_form.locator("input[type=file]").set_input_files(str(stamped))
    scan_form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success").first).to_contain_text("已上传盖章成果统计表")
    expect(page.locator("[data-testid=statistics-scan]")).to_contain_text("盖章统计表.pdf")
    click_button(page, "保存并报送上海市质协")
    expect(page.locator(".alert-success").first).to_contain_text("已报送")
    expect(page.locator("#id_teams")).to_be_disabled()

    xlsx = tmp_path / "form6.xlsx"
    assert download(page, "下载统计表 Excel", xlsx) == f"{UNIT}信班活动统计表.xlsx"
    wb = load_workbook(xlsx)
    texts = [str(c) for row in wb["成果统计表"].iter_rows(values_only=True) for c in row if c]
    assert f"{year}年上海市“质量信得过班组”建设活动成果统计表" in texts
    assert "浦东新区市民中心" in texts and "620" in texts
    word = tmp_path / "form6.docx"
    assert download(page, "下载统计表 Word", word) == f"{UNIT}信班活动统计表.docx"
    cells = [
        c.text
        for t in docx.Document(io.BytesIO(word.read_bytes())).tables
        for r in t.rows
        for c in r.cells
    ]
    assert "5" in cells and "区市场监管局质量发展科 李强" in " ".join(cells)

    # --- 附件7 -------------------------------------------------------------------------------
    page.locator("#main").get_by_role("link", name="工作总结（附件7）").first.click()
    page.wait_for_load_state("load")
    count = page.locator("#summary-count")
    expect(count).to_have_text("0")
    page.fill("#id_overview", "全年 开展标准宣贯")  # the space does not count
    expect(count).to_have_text("8")
    page.fill("#id_events-0-held_on", f"{year - 1}-03-15")
    page.fill("#id_events-0-place", "浦东新区市民中心")
    page.fill("#id_events-0-name", "准则宣贯会")
    page.fill("#id_events-0-content", "标准解读与案例分享")
    page.fill("#id_events-0-participants", "120")
    page.locator("[data-add-row]").click()  # JS adds a row without leaving the page
    expect(page.locator("#events-body tr")).to_have_count(2)
    page.fill("#id_events-1-held_on", f"{year - 1}-05-20")
    page.fill("#id_events-1-place", "张江")
    page.fill("#id_events-1-name", "班组长培训")
    page.fill("#id_events-1-content", "专题培训")
    page.locator("[data-add-row]").click()
    page.fill("#id_events-2-name", "作废的一行")
    page.check("#id_events-2-DELETE")
    for name in ("methods", "highlights", "problems", "directions", "suggestions"):
        page.fill(f"#id_{name}", long_text(300))
    expect(page.locator("#summary-missing")).to_contain_text("还差")
    # Too short: the page says so at once, in one message, without asking to confirm.
    confirmations = len(dialogs)
    summary_url = page.url
    click_button(page, "保存并报送上海市质协")
    short = page.locator("#summary-length-problem")
    expect(short).to_be_visible()
    expect(short).to_contain_text("工作总结目前")
    expect(short).to_contain_text("要求 3,000 字以上")
    expect(page.locator(".alert-danger")).to_have_count(1)
    assert len(dialogs) == confirmations and page.url == summary_url
    # The server checks the same (the form sent without the page's check): one message.
    with page.expect_navigation():
        page.evaluate(
            """() => {
                const form = document.getElementById("summary-form");
                form.requestSubmit(form.querySelector("button[value=submit]"));
            }"""
        )
    error = page.locator(".alert-danger")
    expect(error).to_contain_text("工作总结目前")
    expect(error).to_contain_text("要求 3,000 字以上")
    assert (error.text_content() or "").count("工作总结目前") == 1
    # The draft is saved without the removed row; the page keeps what was typed.
    expect(page.locator("#id_events-2-DELETE")).to_be_checked()
    from xinban.reports.models import SummaryEvent

    assert list(SummaryEvent.objects.values_list("name", flat=True)) == ["准则宣贯会", "班组长培训"]
    page.fill("#id_overview", long_text(1600))
    expect(count).not_to_have_class(re.compile("text-danger"))
    shown = int((count.text_content() or "0").replace(",", ""))
    assert shown >= 3000
    click_button(page, "保存并报送上海市质协")
    expect(page.locator(".alert-success").first).to_contain_text("工作总结已报送")
    word7 = tmp_path / "form7.docx"
    assert download(page, "下载工作总结 Word", word7) == f"{UNIT}班组总结.docx"
    document = docx.Document(io.BytesIO(word7.read_bytes()))
    paragraphs = [p.text for p in document.paragraphs]
    assert "一、基本情况" in paragraphs and "三、存在问题及改进方向" in paragraphs
    rows = [[c.text for c in r.cells] for r in document.tables[0].rows]
    assert [r[3] for r in rows[1:]] == ["准则宣贯会", "班组长培训"]

    from xinban.reports.models import StatisticsReport, WorkSummary
    from xinban.reports.selectors import summary_length

    assert StatisticsReport.objects.get().teams == 5
    summary = WorkSummary.objects.get()
    assert summary.status == "submitted" and summary_length(summary) == shown
    assert js_errors == []
