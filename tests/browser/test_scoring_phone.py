"""Scoring on a phone (issue 13, item 8; docs/forms.md, "Score sheets"): at 390×844 a
judge sees each criterion's descriptor and the deadline, a value outside 0–max is flagged
as it is typed, an incomplete submission names every missing item in one message (nothing
sent), and a complete one asks for confirmation first: dismissed, nothing is submitted;
accepted, the sheet is final."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_applicant_journey import PHONE, click_button, visit
from tests.browser.test_unit_journey import (  # noqa: F401  (unit_world is a fixture)
    ADMIN_EMAIL,
    JUDGES,
    TEXTS,
    expect_no_overflow,
    log_in,
    unit_world,
)
from tests.browser_fixtures import new_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_judge_scores_on_a_phone(
    live_server: Any,
    browser: Any,
    unit_world: dict[str, Any],  # noqa: F811  (the fixture imported above)
    js_errors: list[str],
) -> None:
    from xinban.accounts.models import User
    from xinban.recommendation.services import assignment_add
    from xinban.scoring.models import ScoreSheet, SheetStatus
    from xinban.scoring.services import DEFAULT_DESCRIPTORS, sheet_deadline

    admin = User.objects.get(email=ADMIN_EMAIL)
    judge = unit_world["judges"][0]
    sheet = assignment_add(actor=admin, application=unit_world["applications"][0], judge=judge)
    deadline = sheet_deadline(sheet)
    assert deadline is not None

    phone = new_context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = phone.new_page()
        page.on("pageerror", lambda error: js_errors.append(str(error)))
        dialogs: list[str] = []
        answer = {"accept": False}

        def on_dialog(dialog: Any) -> None:
            dialogs.append(dialog.message)
            dialog.accept() if answer["accept"] else dialog.dismiss()

        page.on("dialog", on_dialog)
        log_in(page, live_server.url, JUDGES[0].email)
        visit(page, f"{live_server.url}/judge/sheets/{sheet.pk}/")
        expect_no_overflow(page)

        # The deadline, and each criterion's descriptor under its input.
        from django.utils import timezone

        local = timezone.localtime(deadline)
        expect(page.locator("[data-sheet-deadline]")).to_contain_text(f"{local:%Y-%m-%d %H:%M}")
        points = page.locator("input[name^='points_']")
        expect(points).to_have_count(6)
        descriptors = [chinese for chinese, _english in DEFAULT_DESCRIPTORS.values()]
        for n, text in enumerate(descriptors):
            field = page.locator(f"#field-{points.nth(n).get_attribute('name')}")
            expect(field.locator(".form-text")).to_have_text(text)

        # Out of range: flagged at once, and cleared as soon as it is corrected.
        first = points.nth(0)
        first.fill("16")
        expect(first).to_have_class(re.compile(r"\bis-invalid\b"))
        expect(page.locator(f"#{first.get_attribute('id')}_range")).to_have_text(
            "应在 0 到 15 之间。"
        )
        first.fill("-1")
        expect(first).to_have_class(re.compile(r"\bis-invalid\b"))
        first.fill("14")
        expect(first).not_to_have_class(re.compile(r"\bis-invalid\b"))
        expect(page.locator("[data-score-total-value]")).to_have_text("14.00")

        # Incomplete: one message naming every missing item; nothing is sent or asked.
        points.nth(2).fill("18")
        page.fill("#id_conformity", TEXTS["conformity"])
        click_button(page, "提交评分")
        problems = page.locator("[data-sheet-problems]")
        expect(problems).to_be_visible()
        missing = "、".join(
            ("基础管理情况", "质量改进和创新能力", "管理特色、业绩和评价结果")
            + ("近三年荣誉（集体和个人）", "特色", "不足之处")
        )
        expect(problems).to_have_text(f"还不能提交，缺少：{missing}。")
        expect(page.locator(".alert-danger")).to_have_count(1)
        assert dialogs == []
        expect_no_overflow(page)

        # Complete: asked first; dismissed, nothing happens.
        for n, value in ((1, "13"), (3, "17"), (4, "19"), (5, "9")):
            points.nth(n).fill(value)
        page.fill("#id_features", TEXTS["features"])
        page.fill("#id_shortcomings", TEXTS["shortcomings"])
        click_button(page, "提交评分")
        expect(problems).to_be_hidden()
        assert dialogs == ["提交后评分和评价都不能再修改，也不能撤回。确定提交吗？"]
        sheet.refresh_from_db()
        assert sheet.status == SheetStatus.ASSIGNED

        # Accepted: submitted, and final.
        answer["accept"] = True
        click_button(page, "提交评分")
        expect(page).to_have_url(re.compile(r"/judge/$"))
        expect(page.locator(".alert-success").first).to_contain_text("评分已提交")
        sheet = ScoreSheet.objects.get(pk=sheet.pk)
        assert sheet.status == SheetStatus.SUBMITTED and sheet.total == 90
        assert js_errors == []
    finally:
        phone.close()
