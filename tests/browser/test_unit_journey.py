"""A recommending unit's whole journey in a real browser: the unit admin spreads the two
submitted applications over the unit's two judges; each judge scores both on a phone (a
point above the maximum first); the admin ranks, recommends one, fills 附件5, uploads the
stamped scan, downloads the Excel and Word forms and submits, which locks the list."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.test_applicant_journey import (
    PHONE,
    click_button,
    expect_field_error,
    expect_no_field_error,
    horizontal_overflow,
    visit,
)
from tests.browser_fixtures import new_context
from tests.conftest import application_data, make_registration, make_user, pdf_bytes
from tests.recommendation.conftest import make_judge

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-123"  # make_user's
UNIT = "浦东新区"
ADMIN_EMAIL = "pudong-admin@example.com"
ADMIN_NAME = "浦东推荐管理员"
FILLER = "张三"
FILLER_PHONE = "021-58881234"
FILL_DATE = "2026-06-01"
# The default rubric's criteria, in order, and their maximum points.
MAXIMA = (15, 15, 20, 20, 20, 10)


class Team(NamedTuple):
    organisation: str
    short_name: str
    name: str
    size: int


class JudgePlan(NamedTuple):
    email: str
    name: str
    tgq: str
    # points per criterion for team A and team B
    points_a: tuple[str, ...]
    points_b: tuple[str, ...]
    # the criterion (index) first given a value above its maximum, and that value
    wrong_at: int
    wrong_value: str


TEAM_A = Team("上海甲精密机械有限公司", "甲精密", "质检一班", 12)
TEAM_B = Team("上海乙医疗服务有限公司", "乙医疗", "护理二组", 9)
JUDGES = (
    JudgePlan(
        "judge1@example.com",
        "评委一",
        "TGQ-2024-001",
        ("14", "13.5", "18", "17", "19", "9"),
        ("11", "10", "15", "14", "16", "7"),
        wrong_at=2,
        wrong_value="25",
    ),
    JudgePlan(
        "judge2@example.com",
        "评委二",
        "TGQ-2024-002",
        ("13", "14", "17", "18", "18", "8"),
        ("10", "11", "14", "15", "15", "6"),
        wrong_at=5,
        wrong_value="10.5",
    ),
)
TEXTS = {
    "conformity": "符合质量信得过班组建设标准。",
    "features": "QC工具应用扎实，数据完整。",
    "shortcomings": "数据分析略弱。",
}


@pytest.fixture
def unit_world(taxonomies: None) -> dict[str, Any]:
    """This year's campaign with every phase open, unit 浦东新区 with its admin and two
    judges on its panel, and one submitted application from each of two organisations."""
    from xinban.applications.models import ApplicationState
    from xinban.applications.services import (
        application_create,
        application_stamped_form_upload,
        application_submit,
    )
    from xinban.campaigns.models import Campaign, Phase, PhaseKind, TeamType
    from xinban.organisations.models import (
        Organisation,
        OrganisationMembership,
        RecommendingUnit,
        UnitKind,
        UnitMembership,
        UnitRole,
    )

    now = timezone.now()
    year = timezone.localdate().year
    # The unit reviews with its two judges: the year's minimum of sheets (rule 2) matches.
    campaign = Campaign.objects.create(
        year=year,
        title=f"{year}年上海市“质量信得过班组”建设活动",
        min_unit_judge_sheets=2,
    )
    for kind in PhaseKind:
        Phase.objects.create(
            campaign=campaign,
            kind=kind,
            starts_at=now - timedelta(days=10),
            ends_at=now + timedelta(days=30),
        )
    unit = RecommendingUnit.objects.create(name=UNIT, kind=UnitKind.DISTRICT)
    admin = make_user(ADMIN_EMAIL, ADMIN_NAME)
    UnitMembership.objects.create(unit=unit, user=admin, role=UnitRole.ADMIN)
    judges = [make_judge(j.email, j.name, unit, tgq_number=j.tgq) for j in JUDGES]

    applications = []
    team_types = ("生产操作型", "服务型")
    for i, (team, team_type) in enumerate(zip((TEAM_A, TEAM_B), team_types, strict=True)):
        organisation = Organisation.objects.create(
            name=team.organisation, short_name=team.short_name
        )
        make_registration(organisation, campaign)
        applicant = make_user(f"applicant{i}@example.com", f"申报人{i}")
        OrganisationMembership.objects.create(organisation=organisation, user=applicant)
        draft = application_create(
            actor=applicant,
            organisation=organisation,
            campaign=campaign,
            data=application_data(
                unit,
                team_name=team.name,
                team_size=team.size,
                team_type=TeamType.objects.get(name=team_type),
            ),
        )
        application_stamped_form_upload(
            actor=applicant,
            application=draft,
            file=SimpleUploadedFile("盖章.pdf", pdf_bytes(), content_type="application/pdf"),
        )
        submitted = application_submit(actor=applicant, application=draft)
        assert submitted.state == ApplicationState.SUBMITTED
        assert submitted.submitted_at is not None
        applications.append(submitted)
    return {"campaign": campaign, "unit": unit, "judges": judges, "applications": applications}


def log_in(page: Any, base: str, email: str) -> None:
    """The real login form."""
    visit(page, f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    click_button(page, "登录")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def expect_no_overflow(page: Any) -> None:
    layout = horizontal_overflow(page)
    assert layout["innerWidth"] == PHONE["width"], layout
    assert layout["scrollWidth"] <= layout["innerWidth"] + 1, layout


def nav_link(page: Any, name: str) -> Any:
    return page.locator("#mainnav").get_by_role("link", name=name, exact=True)


def sheet_badge(page: Any, team: Team) -> Any:
    """The status badge of `team`'s sheet on 我的评审."""
    return page.locator(".list-group a", has_text=team.name).locator(".badge")


def open_sheet(page: Any, team: Team) -> list[str]:
    """From 我的评审, open the sheet of `team`; returns the criterion fields' names."""
    page.locator(".list-group a", has_text=team.name).click()
    expect(page).to_have_url(re.compile(r"/judge/sheets/\d+/$"))
    expect(page.locator("#main h1")).to_have_text(team.name)
    points = page.locator("input[name^='points_']")
    expect(points).to_have_count(len(MAXIMA))
    names = [points.nth(i).get_attribute("name") or "" for i in range(len(MAXIMA))]
    for name, maximum in zip(names, MAXIMA, strict=True):
        assert Decimal(page.locator(f"#id_{name}").get_attribute("max") or "") == maximum, name
    return names


def fill_sheet(page: Any, names: list[str], points: tuple[str, ...]) -> None:
    for name, value in zip(names, points, strict=True):
        page.fill(f"#id_{name}", value)
    for name, text in TEXTS.items():
        page.fill(f"#id_{name}", text)


def expect_sheet_values(page: Any, names: list[str], points: tuple[str, ...]) -> None:
    for name, value in zip(names, points, strict=True):
        expect(page.locator(f"#id_{name}")).to_have_value(
            re.compile(rf"^{re.escape(value)}(\.0)?$")
        )
    for name, text in TEXTS.items():
        expect(page.locator(f"#id_{name}")).to_have_value(text)


def submit_sheet(page: Any, team: Team) -> None:
    click_button(page, "提交评分")
    expect(page).to_have_url(re.compile(r"/judge/$"))
    expect(page.locator(".alert-success")).to_contain_text("评分已提交")
    expect(sheet_badge(page, team)).to_have_text("已提交")


def judge_scores_on_phone(
    browser: Any, base: str, plan: JudgePlan, js_errors: list[str], shots: Path
) -> None:
    phone = new_context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = phone.new_page()
        page.on("pageerror", lambda error: js_errors.append(str(error)))
        dialogs: list[str] = []

        def accept(dialog: Any) -> None:  # 提交评分 asks for confirmation first
            dialogs.append(dialog.message)
            dialog.accept()

        page.on("dialog", accept)
        log_in(page, base, plan.email)
        # On a phone the menu is folded away behind the toggler.
        expect(nav_link(page, "我的评审")).to_be_hidden()
        page.locator(".navbar-toggler").click()
        nav_link(page, "我的评审").click()
        expect(page).to_have_url(re.compile(r"/judge/$"))
        expect(page.locator("#main h1")).to_have_text("我的评审")
        expect(page.locator(".list-group a")).to_have_count(2)
        for team in (TEAM_A, TEAM_B):
            expect(sheet_badge(page, team)).to_have_text("待评分")
        expect_no_overflow(page)

        # Team A: a point above the maximum first.
        names = open_sheet(page, TEAM_A)
        expect_no_overflow(page)
        wrong = list(plan.points_a)
        wrong[plan.wrong_at] = plan.wrong_value
        fill_sheet(page, names, tuple(wrong))
        bad = names[plan.wrong_at]
        # Flagged as it is typed, before anything is sent; 提交评分 does not even ask.
        expect(page.locator(f"#id_{bad}")).to_have_class(re.compile(r"\bis-invalid\b"))
        expect(page.locator(f"#id_{bad}_range")).to_have_text(
            f"应在 0 到 {MAXIMA[plan.wrong_at]} 之间。"
        )
        sheet_url = page.url
        click_button(page, "提交评分")
        expect(page.locator(f"#id_{bad}")).to_be_focused()
        assert page.url == sheet_url and dialogs == []
        # The server refuses it too (a draft is checked the same way).
        click_button(page, "保存草稿")

        expect(page).to_have_url(re.compile(r"/judge/sheets/\d+/$"))
        expect(page.locator(".alert-danger")).to_contain_text("请修改以下标红的内容后再保存")
        expect_field_error(page, bad, f"小于或等于{MAXIMA[plan.wrong_at]}")
        for name in names:
            if name != bad:
                expect_no_field_error(page, name)
        # Everything entered is kept, the wrong value too.
        expect_sheet_values(page, names, tuple(wrong))
        expect_no_overflow(page)
        page.screenshot(path=str(shots / f"{plan.tgq}-error.png"), full_page=True)

        page.fill(f"#id_{bad}", plan.points_a[plan.wrong_at])
        expect(page.locator(f"#id_{bad}")).not_to_have_class(re.compile(r"\bis-invalid\b"))
        submit_sheet(page, TEAM_A)
        assert dialogs == ["提交后评分和评价都不能再修改，也不能撤回。确定提交吗？"]

        # Team B: straight through.
        names = open_sheet(page, TEAM_B)
        fill_sheet(page, names, plan.points_b)
        # The running total as typed (weights 1, maxima summing to 100: the plain sum).
        running = sum(Decimal(p) for p in plan.points_b)
        expect(page.locator("[data-score-total-value]")).to_have_text(f"{running:.2f}")
        submit_sheet(page, TEAM_B)
        expect_no_overflow(page)

        # A submitted sheet is read-only and shows its total.
        page.locator(".list-group a", has_text=TEAM_A.name).click()
        total = sum(Decimal(p) for p in plan.points_a)
        expect(page.locator(".alert-success")).to_contain_text(f"评分已提交 · {total:.2f}")
        for control in ("提交评分", "保存草稿"):
            expect(page.locator("#main").get_by_role("button", name=control)).to_be_disabled()
        expect(page.locator(f"#id_{names[0]}")).to_be_disabled()
        expect_sheet_values(page, names, plan.points_a)
        expect_no_overflow(page)
    finally:
        phone.close()


def site_js_served() -> bool:
    """Whether the static files finders serve xinban/site.js (which asks for confirmation
    before destructive actions); see test_site_script_is_served."""
    from django.contrib.staticfiles import finders

    return finders.find("xinban/site.js") is not None


def row_of(page: Any, team: Team) -> Any:
    return page.locator("#main tbody tr", has_text=team.name)


def xlsx_rows(path: Path) -> list[list[Any]]:
    workbook = load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    return [[c.value for c in row] for row in sheet.iter_rows()]


def docx_tables(path: Path) -> list[list[list[str]]]:
    document = docx.Document(io.BytesIO(path.read_bytes()))
    return [[[c.text for c in row.cells] for row in table.rows] for table in document.tables]


def download(page: Any, link: str, target: Path) -> str:
    with page.expect_download() as info:
        page.locator("#main").get_by_role("link", name=link, exact=True).click()
    got = info.value
    assert got.failure() is None
    got.save_as(target)
    return str(got.suggested_filename)


def test_unit_journey(
    live_server: Any,
    browser: Any,
    page: Any,
    js_errors: list[str],
    unit_world: dict[str, Any],
    tmp_path: Path,
) -> None:
    from xinban.applications.models import Application, ApplicationState
    from xinban.scoring.models import ScoreSheet, SheetStatus

    base = live_server.url
    unit = unit_world["unit"]
    app_a, app_b = unit_world["applications"]

    # --- 1. the unit admin logs in and spreads the applications over the judges ----------
    log_in(page, base, ADMIN_EMAIL)
    expect(page.locator("nav")).to_contain_text(ADMIN_NAME)
    nav_link(page, "推荐单位").click()
    expect(page).to_have_url(re.compile(rf"/unit/{unit.pk}/$"))
    expect(page.locator("#main h1")).to_have_text(UNIT)
    for team, app in ((TEAM_A, app_a), (TEAM_B, app_b)):
        row = row_of(page, team)
        expect(row).to_contain_text(app.number)
        expect(row).to_contain_text(team.organisation)
        expect(row).to_contain_text("0 / 0")
    page.fill("#id_per_application", "2")
    click_button(page, "一键平均分配评委")
    expect(page.locator(".alert-success")).to_contain_text("已平均分配 4 项评审任务")
    for team in (TEAM_A, TEAM_B):
        expect(row_of(page, team)).to_contain_text("0 / 2")
    sheets = ScoreSheet.objects.filter(application__in=[app_a, app_b])
    assert sorted(sheets.values_list("judge__name", flat=True)) == sorted(
        [j.name for j in JUDGES] * 2
    )

    # --- 2. each judge scores both applications on a phone -------------------------------
    for plan in JUDGES:
        judge_scores_on_phone(browser, base, plan, js_errors, tmp_path)
    assert sheets.filter(status=SheetStatus.SUBMITTED).count() == 4
    assert set(sheets.values_list("shortcomings", flat=True)) == {TEXTS["shortcomings"]}

    page.reload()
    for team in (TEAM_A, TEAM_B):
        expect(row_of(page, team)).to_contain_text("2 / 2")

    # --- 3. ranking; recommend team A ------------------------------------------------------
    page.locator("#main .nav-pills").get_by_role("link", name="评分排序").click()
    expect(page).to_have_url(re.compile(rf"/unit/{unit.pk}/ranking/"))
    cells = {team: row_of(page, team).locator("td") for team in (TEAM_A, TEAM_B)}
    for rank, team in enumerate((TEAM_A, TEAM_B), start=1):
        expect(cells[team].nth(0)).to_have_text(str(rank))
        expect(cells[team].nth(1)).to_have_text(team.organisation)
        expect(cells[team].nth(3)).to_have_text(re.compile(r"^-?\d+(\.\d+)?$"))
        expect(cells[team].nth(4)).to_have_text("2")
    first = row_of(page, TEAM_A)
    first.locator("input[name=opinion]").fill("同意推荐，班组建设成效显著。")
    first.get_by_role("button", name="推荐", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text(f"已加入推荐名单：{TEAM_A.name}")
    expect(row_of(page, TEAM_A).locator(".badge")).to_have_text("已推荐 #1")
    expect(row_of(page, TEAM_B).locator("input[name=opinion]")).to_be_visible()

    # --- 4. 附件5: filler, declarations, stamped scan ---------------------------------------
    page.locator("#main .nav-pills").get_by_role("link", name="推荐表（附件5）").click()
    expect(page).to_have_url(re.compile(rf"/unit/{unit.pk}/report/$"))
    listed = row_of(page, TEAM_A).locator("td")
    expect(listed.nth(0)).to_have_text("1")
    expect(listed.nth(1)).to_have_text(TEAM_A.organisation)
    expect(listed.nth(2)).to_have_text(TEAM_A.name)
    expect(listed.nth(3)).to_have_text(str(TEAM_A.size))
    expect(listed.nth(4)).to_have_text("同意推荐，班组建设成效显著。")
    expect(row_of(page, TEAM_B)).to_have_count(0)
    total_row = page.locator("#main tbody tr", has_text="班组人数总计")
    expect(total_row.locator("th").nth(1)).to_have_text(str(TEAM_A.size))
    problems = page.locator(".alert-info", has_text="报送前还需完成")
    expect(problems).to_contain_text("请填写填表人")
    expect(problems).to_contain_text("请上传加盖公章的推荐表扫描件")

    page.fill("#id_filler_name", FILLER)
    page.fill("#id_filler_phone", FILLER_PHONE)
    page.fill("#id_fill_date", FILL_DATE)
    page.check("#id_no_fee_declared")
    page.check("#id_declaration_accepted")
    click_button(page, "保存")
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    expect(page.locator("#id_filler_name")).to_have_value(FILLER)
    # A date input only accepts ISO dates; the form renders them so (not the zh-hans
    # "2026/06/01"), so the saved date comes back in the field.
    expect(page.locator("#id_fill_date")).to_have_value(FILL_DATE)
    expect(page.locator("#id_declaration_accepted")).to_be_checked()
    for done in ("请填写填表人", "请填写电话", "请填写填表日期", "收取任何费用", "请确认推荐声明"):
        expect(problems).not_to_contain_text(done)
    expect(problems).to_contain_text("请上传加盖公章的推荐表扫描件")

    scan = tmp_path / "浦东新区盖章推荐表.pdf"
    scan.write_bytes(pdf_bytes("stamped recommendation"))
    upload = page.locator("form[action$='/report/scan/']")
    upload.locator("input[type=file]").set_input_files(scan)
    upload.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("盖章推荐表已上传")
    expect(page.locator("#main")).to_contain_text("✔ 浦东新区盖章推荐表.pdf")
    expect(problems).to_have_count(0)

    # --- 5. the generated forms ----------------------------------------------------------
    judge_names = [j.name for j in JUDGES]
    xlsx = tmp_path / "form.xlsx"
    assert download(page, "下载推荐表 Excel", xlsx) == f"{UNIT}质量班组活动统计表.xlsx"
    rows = xlsx_rows(xlsx)
    header = rows.index(
        ["企业名称", "班组名称", "班组人数", "材料评价（符合标准程度/特色/不足之处）",
         "打分", "排序", "评委", "推荐意见"]
    )  # fmt: skip
    recommended = rows[header + 1]
    assert recommended[:3] == [TEAM_A.organisation, TEAM_A.name, TEAM_A.size], recommended
    assert recommended[5] == 1, recommended
    assert set(str(recommended[6]).split("、")) == set(judge_names), recommended
    assert TEXTS["shortcomings"] in str(recommended[3]), recommended
    assert rows[header + 2][1:3] == ["班组人数总计", TEAM_A.size], rows[header + 2]
    assert not any(TEAM_B.name in str(v) for row in rows for v in row)
    listed_judges = rows.index(["姓名", "工作单位", "TGQ 评委证书号", "通讯地址", "E-mail",
                                None, None, "手机"])  # fmt: skip
    assert {rows[listed_judges + 1][0], rows[listed_judges + 2][0]} == set(judge_names)
    assert {rows[listed_judges + 1][2], rows[listed_judges + 2][2]} == {j.tgq for j in JUDGES}
    first_column = [str(row[0]) for row in rows]
    for line in (f"填表人：{FILLER}", f"电话：{FILLER_PHONE}", f"填表日期：{FILL_DATE}"):
        assert line in first_column, line

    word = tmp_path / "form.docx"
    assert download(page, "下载推荐表 Word", word) == f"{UNIT}质量班组活动统计表.docx"
    team_table, judge_table = docx_tables(word)
    assert team_table[0][:3] == ["企业名称", "班组名称", "班组人数"]
    assert team_table[1][:3] == [TEAM_A.organisation, TEAM_A.name, str(TEAM_A.size)]
    assert team_table[-1][1:3] == ["班组人数总计", str(TEAM_A.size)]
    assert len(team_table) == 3, team_table
    assert {row[0] for row in judge_table[1:]} == set(judge_names)
    assert len(judge_table) == 3, judge_table

    # --- 6. submit to the association: the list is locked -------------------------------
    messages: list[str] = []

    def accept(dialog: Any) -> None:
        messages.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    click_button(page, "报送上海市质协")
    expect(page.locator(".alert-success").first).to_contain_text(
        "推荐表已报送上海市质协，推荐名单已锁定"
    )
    # Without site.js (test_site_script_is_served) the form posts without asking.
    assert messages == (["报送后推荐名单将锁定，确定报送吗？"] if site_js_served() else [])
    expect(page.locator(".alert-success", has_text="已报送上海市质协 · ")).to_be_visible()
    main = page.locator("#main")
    for name in ("保存", "上传", "报送上海市质协", "移出", "上移", "下移"):
        expect(main.get_by_role("button", name=name, exact=True)).to_have_count(0)
    expect(page.locator("#id_filler_name")).to_have_count(0)
    expect(main).to_contain_text("盖章推荐表：浦东新区盖章推荐表.pdf")
    expect(row_of(page, TEAM_A)).to_contain_text(TEAM_A.name)
    page.screenshot(path=str(tmp_path / "report-locked.png"), full_page=True)

    page.locator("#main .nav-pills").get_by_role("link", name="评分排序").click()
    expect(row_of(page, TEAM_A).locator(".badge")).to_have_text("已推荐 #1")
    expect(page.locator("input[name=opinion]")).to_have_count(0)
    page.locator("#main .nav-pills").get_by_role("link", name="申报").click()
    expect(page.locator(".alert-info")).to_contain_text("推荐表已报送，推荐名单已锁定")

    states = dict(Application.objects.values_list("team_name", "state"))
    assert states == {
        TEAM_A.name: ApplicationState.RECOMMENDED,
        TEAM_B.name: ApplicationState.NOT_RECOMMENDED,
    }
    assert js_errors == []


def test_site_script_is_served(live_server: Any, page: Any) -> None:
    for name in ("xinban/site.js", "xinban/site.css"):
        response = page.goto(f"{live_server.url}/static/{name}")
        assert response is not None and response.ok, f"{name}: {response and response.status}"
