"""工作台 in a real browser: a newcomer signs up, reads the verification e-mail in the
development mailbox (/dev/mail/), logs in and lands on the workbench; then each persona's
workbench and main pages at 1366×768 (the menu on one line, the staff areas grouped in
dropdown menus, the name and language in the user menu) and at 390×844 (nothing wider
than the screen except inside a table's own scroll container)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_applicant_journey import click_button, horizontal_overflow, visit
from tests.browser_fixtures import new_context
from tests.workbench.world import World, world_for
from xinban.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-123"  # make_user's
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}

# Where each line sits: one line means every top-level entry shares the first's top.
NAV_LAYOUT = """() => {
    const nav = document.querySelector("nav.navbar");
    const items = [...document.querySelectorAll("#mainnav > ul > li")]
        .filter((li) => li.offsetParent !== null);
    const tops = items.map((li) => Math.round(li.getBoundingClientRect().top));
    return {height: nav.getBoundingClientRect().height, tops,
            texts: items.map((li) => li.innerText.trim())};
}"""


@pytest.fixture
def workbench_world(taxonomies: None, request: pytest.FixtureRequest) -> World:
    return world_for(request)


def log_in(page: Any, base: str, email: str, password: str = PASSWORD) -> None:
    visit(page, f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    click_button(page, "登录")
    expect(page).to_have_url(re.compile(r"/workbench/$"))
    expect(page.locator("#main h1")).to_have_text("工作台")


def expect_fits(page: Any, where: str) -> None:
    layout = horizontal_overflow(page)
    assert layout["scrollWidth"] <= layout["innerWidth"], (where, layout)


# --------------------------------------------------------------------------- sign-up


def test_sign_up_through_the_dev_mailbox_to_the_workbench(
    live_server: Any,
    page: Any,
    js_errors: list[str],
    taxonomies: None,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "xinban.core.devmail.DevMailboxBackend"
    settings.XINBAN_DEV_MAIL_INNER_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.XINBAN_DEV_MAIL_DIR = str(tmp_path / "dev-mail")
    base = live_server.url
    visit(page, f"{base}/accounts/signup/")
    page.fill("#id_email", "newcomer@example.com")
    page.fill("#id_name", "新来的")
    page.fill("#id_password1", "Quality-2026-team")
    page.fill("#id_password2", "Quality-2026-team")
    click_button(page, "注册")
    expect(page.locator("#main h1")).to_have_text("请验证邮箱")

    # The footer links the mailbox; the newest mail is the verification.
    page.locator("footer").get_by_role("link", name="开发邮箱").click()
    expect(page).to_have_url(re.compile(r"/dev/mail/$"))
    page.locator("#main").get_by_role("link", name=re.compile("请验证您的邮箱")).first.click()
    link = page.locator("#main a[href*='/accounts/verify/']").first
    href = link.get_attribute("href") or ""
    # The link is built from SITE_URL; follow its path on the live server.
    visit(page, base + urlsplit(href).path)
    expect(page.locator(".alert-success")).to_contain_text("邮箱已验证")

    log_in(page, base, "newcomer@example.com", "Quality-2026-team")
    expect(page.locator("[data-section='newcomer']")).to_be_visible()
    page.locator("[data-item='newcomer-organisation'] a").click()
    expect(page).to_have_url(re.compile(r"/organisation/new/$"))
    assert User.objects.get(email="newcomer@example.com").email_verified
    assert js_errors == []


# --------------------------------------------------------------------------- each persona


def pages_of(world: World, unit_x: Any) -> dict[str, list[str]]:
    """Each persona's workbench and the pages its menu leads to."""
    return {
        "a@example.com": [
            reverse("applications:dashboard"),
            reverse("applications:detail", args=[world.apps["a_draft"].pk]),
            reverse("organisations:registration"),
            reverse("evaluation:outcomes"),
            reverse("events:list"),
        ],
        "x@example.com": [
            reverse("recommendation:inbox", args=[unit_x.pk]),
            reverse("recommendation:judges", args=[unit_x.pk]),
            reverse("recommendation:report", args=[unit_x.pk]),
            reverse("reports:unit", args=[unit_x.pk]),
        ],
        "judge@example.com": [reverse("recommendation:judge_home")],
        "expert@example.com": [reverse("evaluation:expert_home")],
        "guide@example.com": [reverse("evaluation:guiding_home")],
        "staff@example.com": [
            reverse("applications:staff_list"),
            reverse("organisations:staff_registrations"),
            reverse("recommendation:staff_units"),
            reverse("evaluation:staff_home"),
            reverse("evaluation:formal_list"),
            reverse("notifications:outbox"),
            reverse("core:audit_log"),
        ],
    }


WAITING = {  # a line each persona's workbench shows (tests/workbench/world.py)
    "a@example.com": ("applicant-drafts", "草稿一班"),
    "x@example.com": ("unit-review", "待审三班"),
    "judge@example.com": ("judge-sheets", "待审三班"),
    "expert@example.com": ("judge-expert_sheets", "评审七班"),
    "guide@example.com": ("guiding-candidates", "候选九班"),
    "staff@example.com": ("staff-decisions", "决定八班"),
}


def test_each_persona_workbench_on_a_desktop_and_a_phone(
    live_server: Any,
    browser: Any,
    workbench_world: World,
    unit_x: Any,
    js_errors: list[str],
    tmp_path: Any,
) -> None:
    base = live_server.url
    pages = pages_of(workbench_world, unit_x)
    for email, (item, line) in WAITING.items():
        # --- 1366×768: the menu is one line -------------------------------------------
        desktop = new_context(browser, viewport=DESKTOP)
        page = desktop.new_page()
        page.on("pageerror", lambda error: js_errors.append(str(error)))
        log_in(page, base, email)
        expect(page.locator(f"[data-item='{item}']")).to_contain_text(line)
        layout = page.evaluate(NAV_LAYOUT)
        assert len(set(layout["tops"])) == 1, (email, layout)
        assert layout["height"] < 70, (email, layout)
        expect_fits(page, f"{email} desktop workbench")
        nav = page.locator("#mainnav")
        # API tokens, the language and 退出 are in the user menu, not the bar.
        expect(nav.get_by_role("link", name="API 令牌")).to_be_hidden()
        expect(nav.get_by_role("button", name="English")).to_be_hidden()
        page.locator("[data-user-menu]").click()
        expect(nav.get_by_role("link", name="API 令牌")).to_be_visible()
        expect(nav.get_by_role("button", name="English")).to_be_visible()
        expect(nav.get_by_role("button", name="退出")).to_be_visible()
        page.screenshot(path=str(tmp_path / f"{email}-desktop.png"))
        desktop.close()

        # --- 390×844: nothing sticks out --------------------------------------------------
        phone = new_context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
        page = phone.new_page()
        page.on("pageerror", lambda error: js_errors.append(str(error)))
        log_in(page, base, email)
        expect_fits(page, f"{email} phone workbench")
        page.screenshot(path=str(tmp_path / f"{email}-phone.png"), full_page=True)
        # A line of the workbench opens its page.
        page.locator(f"[data-item='{item}'] li a", has_text=line).first.click()
        expect(page).not_to_have_url(re.compile(r"/workbench/$"))
        expect_fits(page, f"{email} phone {page.url}")
        # The menu unfolds inside the screen.
        visit(page, f"{base}/workbench/")
        page.locator(".navbar-toggler").click()
        expect(page.locator("#mainnav")).to_be_visible()
        expect_fits(page, f"{email} phone menu")
        for path in pages[email]:
            visit(page, base + path)
            expect_fits(page, f"{email} phone {path}")
        phone.close()
    assert js_errors == []


def test_the_staff_menu_groups_its_areas(
    live_server: Any, page: Any, workbench_world: World, js_errors: list[str]
) -> None:
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server.url, "staff@example.com")
    nav = page.locator("#mainnav")
    expect(nav.get_by_role("link", name="全部申报")).to_be_hidden()
    nav.get_by_role("button", name="报名与申报").or_(
        nav.get_by_role("link", name="报名与申报")
    ).click()
    nav.get_by_role("link", name="全部申报").click()
    expect(page).to_have_url(re.compile(r"/applications/all/$"))
    nav = page.locator("#mainnav")
    nav.get_by_role("button", name="系统").or_(nav.get_by_role("link", name="系统")).click()
    nav.get_by_role("link", name="发件箱").click()
    expect(page).to_have_url(re.compile(r"/notifications/outbox/$"))
    assert js_errors == []
