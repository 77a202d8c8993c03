"""An applicant's whole journey in a real browser: sign up, verify the e-mail, log in,
register the organisation, fill 附件2 and 附件3 (with mistakes first), upload the
materials and the stamped scan, download the generated Word form, submit; then the
detail page on a phone."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import docx
import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser_fixtures import new_context
from tests.conftest import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "wangfang@pujiang-precision.example"
PASSWORD = "Xinban-Journey-2025!"
ORG_NAME = "上海浦江精密机械有限公司"
ORG_SHORT = "浦江精密"
TEAM_NAME = "质检一班"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def open_campaign(taxonomies: None) -> Any:
    """This year's campaign with every phase open now."""
    from xinban.campaigns.models import Campaign, Phase, PhaseKind

    now = timezone.now()
    year = timezone.localdate().year
    campaign = Campaign.objects.create(year=year, title=f"{year}年上海市“质量信得过班组”建设活动")
    for kind in PhaseKind:
        Phase.objects.create(
            campaign=campaign,
            kind=kind,
            starts_at=now - timedelta(days=10),
            ends_at=now + timedelta(days=30),
        )
    return campaign


@pytest.fixture
def pudong(transactional_db: Any) -> Any:
    from xinban.organisations.models import RecommendingUnit, UnitKind

    return RecommendingUnit.objects.create(name="浦东新区", kind=UnitKind.DISTRICT)


def field(page: Any, name: str) -> Any:
    """The block of one form field (label, widget, help and error), see core/_field.html."""
    return page.locator(f"#field-{name}")


def expect_field_error(page: Any, name: str, message: str) -> None:
    block = field(page, name)
    expect(block.locator(".invalid-feedback")).to_contain_text(message)
    widget = block.locator(f"#id_{name}")
    expect(widget).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(widget).to_have_attribute("aria-invalid", "true")
    expect(widget).to_have_attribute("aria-describedby", f"id_{name}_errors")


def expect_no_field_error(page: Any, name: str) -> None:
    expect(field(page, name).locator(".invalid-feedback")).to_have_count(0)


def visit(page: Any, url: str) -> None:
    """Open `url`; a server error fails here rather than as a timeout further on."""
    response = page.goto(url)
    assert response is not None and response.ok, (
        f"GET {url} -> {response.status if response else 'no response'}"
    )


def click_button(page: Any, name: str) -> None:
    page.locator("#main").get_by_role("button", name=name, exact=True).click()


def horizontal_overflow(page: Any) -> dict[str, Any]:
    """The page's and the viewport's widths, and what sticks out to the right."""
    return page.evaluate(
        """() => {
            const width = window.innerWidth;
            const culprits = [...document.querySelectorAll("body *")]
                .filter((el) => el.getBoundingClientRect().right > width + 1)
                .slice(0, 10)
                .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                    + (el.className && typeof el.className === "string"
                        ? "." + el.className.trim().split(/\\s+/).join(".") : ""));
            return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width,
                    culprits};
        }"""
    )


def check_on_phone(
    browser: Any,
    page: Any,
    url: str,
    js_errors: list[str],
    *,
    badge: str,
    shot: Path | None = None,
) -> None:
    """Open `url` in a phone-sized context sharing `page`'s session; nothing may stick out
    sideways."""
    phone = new_context(
        browser,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        storage_state=page.context.storage_state(),
    )
    try:
        phone_page = phone.new_page()
        phone_page.on("pageerror", lambda error: js_errors.append(str(error)))
        visit(phone_page, url)
        expect(phone_page.locator("h1 .badge")).to_have_text(badge)
        layout = horizontal_overflow(phone_page)
        assert layout["innerWidth"] == PHONE["width"], layout
        assert layout["scrollWidth"] <= layout["innerWidth"] + 1, layout
        if shot is not None:
            phone_page.screenshot(path=str(shot), full_page=True)
    finally:
        phone.close()


def docx_text(path: Path) -> str:
    document = docx.Document(io.BytesIO(path.read_bytes()))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_applicant_journey(
    live_server: Any,
    browser: Any,
    page: Any,
    js_errors: list[str],
    open_campaign: Any,
    pudong: Any,
    tmp_path: Path,
) -> None:
    base = live_server.url

    # --- 1. sign up, verify the e-mail, log in -----------------------------------------
    visit(page, f"{base}/accounts/signup/")
    page.fill("#id_email", EMAIL)
    page.fill("#id_name", "王芳")
    page.fill("#id_mobile", "13912345678")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    click_button(page, "注册")
    expect(page.locator("#main h1")).to_have_text("请验证邮箱")
    expect(page.locator("#main")).to_contain_text(EMAIL)

    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    message = mail.outbox[0]
    assert message.to == [EMAIL]
    link = re.search(r"https?://\S+/accounts/verify/\S+/", str(message.body))
    assert link, message.body
    # The link is built from SITE_URL; follow its path on the live server.
    visit(page, base + urlsplit(link.group(0)).path)
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator(".alert-success")).to_contain_text("邮箱已验证")

    page.fill("#id_username", EMAIL)
    page.fill("#id_password", PASSWORD)
    click_button(page, "登录")
    expect(page.locator("nav")).to_contain_text("王芳")

    # --- 2. register the organisation and fill 附件2 -----------------------------------
    page.locator("nav").get_by_role("link", name="登记申报单位").click()
    expect(page).to_have_url(re.compile(r"/organisation/new/$"))
    page.fill("#id_name", ORG_NAME)
    page.fill("#id_short_name", ORG_SHORT)
    click_button(page, "保存")
    expect(page).to_have_url(re.compile(r"/organisation/registration/$"))
    expect(page.locator(".alert-success")).to_contain_text("单位已登记")
    expect(page.locator("#main")).to_contain_text(ORG_NAME)

    field(page, "is_member").get_by_label("否", exact=True).check()
    field(page, "nature").get_by_label("民营", exact=True).check()
    field(page, "industries").get_by_label("汽车").check()
    field(page, "industries").get_by_label("高端装备").check()
    field(page, "domain").get_by_label("制造", exact=True).check()
    page.fill("#id_address", "上海市浦东新区张江路1号")
    page.fill("#id_postcode", "20120")  # five digits: wrong
    page.fill("#id_management_department", "质量部")
    page.fill("#id_promoter_name", "王芳")
    page.fill("#id_promoter_position", "质量部 经理")
    page.fill("#id_promoter_mobile", "1391234567")  # ten digits: wrong
    page.fill("#id_promoter_email", EMAIL)
    field(page, "participation").get_by_label("首次参加活动").check()
    click_button(page, "保存报名表")

    expect(page.locator(".alert-danger")).to_contain_text("请修改以下标红的内容后再保存")
    expect_field_error(page, "postcode", "邮编应为6位数字")
    expect_field_error(page, "promoter_mobile", "请填写11位中国大陆手机号码")
    for name in ("address", "promoter_name", "promoter_email", "management_department"):
        expect_no_field_error(page, name)
    # What was entered is kept, the wrong values too (so they can be corrected).
    expect(page.locator("#id_address")).to_have_value("上海市浦东新区张江路1号")
    expect(page.locator("#id_promoter_name")).to_have_value("王芳")
    expect(page.locator("#id_promoter_position")).to_have_value("质量部 经理")
    expect(page.locator("#id_promoter_email")).to_have_value(EMAIL)
    expect(page.locator("#id_postcode")).to_have_value("20120")
    expect(field(page, "nature").get_by_label("民营", exact=True)).to_be_checked()
    expect(field(page, "industries").get_by_label("汽车")).to_be_checked()
    expect(field(page, "industries").get_by_label("高端装备")).to_be_checked()
    expect(field(page, "is_member").get_by_label("否", exact=True)).to_be_checked()
    expect(field(page, "participation").get_by_label("首次参加活动")).to_be_checked()

    page.fill("#id_postcode", "201203")
    page.fill("#id_promoter_mobile", "13912345678")
    click_button(page, "保存报名表")
    expect(page).to_have_url(re.compile(r"/applications/$"))
    expect(page.locator(".alert-success")).to_contain_text("报名表已保存")
    expect(page.locator("#main")).to_contain_text("报名表（附件2）已填写")

    # --- 3. the application (附件3): mistakes first -------------------------------------
    page.locator("#main").get_by_role("link", name="新建班组申报（附件3）").click()
    expect(page).to_have_url(re.compile(r"/applications/new/$"))
    page.select_option("#id_recommending_unit", label="浦东新区")
    page.fill("#id_team_name", "质检班组")  # must not end in 班组
    page.select_option("#id_team_type", label="生产操作型")
    page.fill("#id_team_size", "12")
    indicators = {
        "completion_rate": "120",  # a percentage above 100
        "qualification_rate": "99",
        "nonconformity_rate": "0.3",
        "first_pass_rate": "99.2",
        "accidents_per_year": "0",
        "complaints_per_year": "1",
        "trainees_per_year": "12",
        "training_hours_per_year": "240",
        "improvement_participation_rate": "100",
        "coverage_rate": "80",
        "quality_cost": "12.5",
    }
    for name, value in indicators.items():
        page.fill(f"#id_{name}", value)
    for name in (
        "eligibility_basic_unit",
        "eligibility_no_accidents",
        "commitment_voluntary",
        "commitment_standard",
        "commitment_truthful",
        "commitment_secrecy",
    ):
        page.check(f"#id_{name}")
    materials = {
        "material_composition": "班组共12人，职责明确，愿景是零缺陷。",
        "material_basic_management": "建立了班组管理制度和质量台账。",
        "material_skills": "每月开展技能培训和QC工具应用。",
        "material_improvement": "开展QC小组活动，完成改进课题3项。",
        "material_results": "连续三年零投诉。",
        "material_honours": "2024年获评上海市先进班组。",
    }
    for name, value in materials.items():
        page.fill(f"#id_{name}", value)
    click_button(page, "保存草稿")

    expect(page.locator(".alert-danger")).to_contain_text("请修改以下标红的内容后再保存")
    expect_field_error(page, "team_name", "不能以“班组”结尾")
    expect_field_error(page, "completion_rate", "百分比应在0到100之间")
    expect_no_field_error(page, "qualification_rate")
    expect_no_field_error(page, "team_size")
    expect(page.locator("#id_team_name")).to_have_value("质检班组")
    expect(page.locator("#id_completion_rate")).to_have_value("120")
    expect(page.locator("#id_recommending_unit option:checked")).to_have_text("浦东新区")
    expect(page.locator("#id_team_type option:checked")).to_have_text("生产操作型")
    expect(page.locator("#id_team_size")).to_have_value("12")
    expect(page.locator("#id_quality_cost")).to_have_value("12.5")
    expect(page.locator("#id_commitment_secrecy")).to_be_checked()
    expect(page.locator("#id_eligibility_no_accidents")).to_be_checked()
    expect(page.locator("#id_material_honours")).to_have_value(materials["material_honours"])

    page.fill("#id_team_name", TEAM_NAME)
    page.fill("#id_completion_rate", "98.5")
    click_button(page, "保存草稿")
    expect(page).to_have_url(re.compile(r"/applications/\d+/$"))
    saved = page.locator(".alert-success")
    expect(saved).to_contain_text("申报已保存为草稿")
    found = re.search(r"编号\s*(\d{8})", saved.inner_text())
    assert found, saved.inner_text()
    number = found.group(1)
    detail_url = page.url
    expect(page.locator("h1")).to_contain_text(TEAM_NAME)
    expect(page.locator("h1 .badge")).to_have_text("草稿")
    expect(page.locator("#main")).to_contain_text(f"编号 {number}")
    expect(page.locator("#submission-problems li[data-field=stamped_form]")).to_be_visible()

    # --- 4. an attachment and the stamped scan ------------------------------------------
    attachment = tmp_path / "班组管理制度.pdf"
    attachment.write_bytes(pdf_bytes("team rules"))
    upload = page.locator("form[action$='/attachments/']")
    upload.locator("select[name=area]").select_option(label="基础管理情况")
    upload.locator("input[type=file]").set_input_files(attachment)
    upload.get_by_role("button", name="上传附件").click()
    expect(page.locator(".alert-success")).to_contain_text("文件已上传")
    expect(page.locator("#attachments")).to_contain_text("班组管理制度.pdf")
    expect(page.locator("#attachments")).to_contain_text("基础管理情况")

    scan = tmp_path / "盖章申报表.pdf"
    scan.write_bytes(pdf_bytes("stamped"))
    stamped = page.locator("form[action$='/stamped/']")
    stamped.locator("input[type=file]").set_input_files(scan)
    stamped.get_by_role("button", name="上传盖章扫描件").click()
    expect(page.locator(".alert-success")).to_contain_text("文件已上传")
    expect(page.locator("#main")).to_contain_text("✔ 盖章申报表.pdf")
    expect(page.locator("#submission-problems")).to_have_count(0)

    # --- 5. the generated Word form -----------------------------------------------------
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载申报表 Word").click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == f"{ORG_SHORT}{TEAM_NAME}-申报表.docx"
    word = tmp_path / "form.docx"
    download.save_as(word)
    text = docx_text(word)
    for expected in (ORG_NAME, TEAM_NAME, number, "浦东新区"):
        assert expected in text, f"{expected!r} missing from the generated form"

    # The draft's detail page, with its upload forms, on a phone.
    check_on_phone(
        browser, page, detail_url, js_errors, badge="草稿", shot=tmp_path / "phone-draft.png"
    )

    # --- 6. submit ----------------------------------------------------------------------
    click_button(page, "提交至推荐单位")
    expect(page.locator(".alert-success")).to_contain_text("申报已提交至推荐单位")
    expect(page.locator("h1 .badge")).to_have_text("已提交")
    expect(page.locator("#main").get_by_role("link", name="修改")).to_have_count(0)
    expect(page.locator("#main")).to_contain_text("第 1 版")
    page.screenshot(path=str(tmp_path / "desktop.png"), full_page=True)

    # --- the detail page on a phone, after submission ------------------------------------
    check_on_phone(
        browser, page, detail_url, js_errors, badge="已提交", shot=tmp_path / "phone.png"
    )

    assert js_errors == []
