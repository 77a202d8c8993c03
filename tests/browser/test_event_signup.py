"""A signed-in user signs up for an event on a phone and sees the confirmation; the next
one, with the event full, sees their place on the waiting list; when the first cancels,
the second finds the place theirs. The page fits the phone's width."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_applicant_journey import (
    PHONE,
    click_button,
    horizontal_overflow,
    open_campaign,
    visit,
)
from tests.browser_fixtures import new_context
from tests.conftest import make_user
from tests.events.conftest import event_data
from xinban.events import services
from xinban.events.models import Signup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["open_campaign"]
PASSWORD = "pw-for-tests-123"


def test_sign_up_then_waiting_list_then_promotion(
    live_server: Any, browser: Any, open_campaign: Any, js_errors: list[str]
) -> None:
    staff = make_user("staff@example.com", "质协", is_association_staff=True)
    event = services.event_create(
        actor=staff, campaign=open_campaign, data=event_data(capacity=1, title="成果申报说明会")
    )
    services.event_publish(actor=staff, event=event)
    pages = {}
    for email, name, expected in (
        ("wang@example.com", "王芳", "您已报名"),
        ("li@example.com", "李强", "候补名单第 1 位"),
    ):
        make_user(email, name)
        context = new_context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.on("pageerror", lambda error: js_errors.append(str(error)))
        visit(page, f"{live_server.url}/accounts/login/")
        page.fill("#id_username", email)
        page.fill("#id_password", PASSWORD)
        click_button(page, "登录")
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        visit(page, f"{live_server.url}/events/")
        page.get_by_role("link", name=re.compile("成果申报说明会")).click()
        expect(page.locator("#id_name")).to_have_value(name)
        page.fill("#id_phone", "13900000000")
        click_button(page, "报名")
        expect(page.locator("[data-signup]")).to_contain_text(expected)
        overflow = horizontal_overflow(page)
        assert overflow["culprits"] == [], overflow
        pages[email] = page
    assert sorted(Signup.objects.values_list("status", flat=True)) == ["confirmed", "waiting"]

    click_button(pages["wang@example.com"], "取消报名")
    expect(pages["wang@example.com"].locator("#main")).to_contain_text("已取消报名")
    li = pages["li@example.com"]
    li.reload()
    expect(li.locator("[data-signup]")).to_contain_text("您已报名")
    assert dict(Signup.objects.values_list("user__email", "status")) == {
        "wang@example.com": "cancelled",
        "li@example.com": "confirmed",
    }
    assert js_errors == []
