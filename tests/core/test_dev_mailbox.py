"""The development mailbox: under DEBUG every e-mail is readable at /dev/mail/ (newest
first, links clickable), so a newcomer on `make run` signs up, opens the mail, follows the
link and logs in; without DEBUG the pages do not exist. The login page offers a new
verification e-mail to an unverified account, as a notice rather than a form error."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from xinban.accounts.models import User

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "newcomer@example.com",
    "name": "新来的",
    "mobile": "",
    "password1": "Quality-2026-team",
    "password2": "Quality-2026-team",
}


@pytest.fixture
def development(tmp_path: Any) -> Any:
    with override_settings(
        DEBUG=True,
        EMAIL_BACKEND="xinban.core.devmail.DevMailboxBackend",
        XINBAN_DEV_MAIL_INNER_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        XINBAN_DEV_MAIL_DIR=str(tmp_path / "dev-mail"),
    ):
        yield


def test_a_newcomer_signs_up_reads_the_mail_and_logs_in(
    development: Any, django_capture_on_commit_callbacks: Any
) -> None:
    browser = Client()
    with django_capture_on_commit_callbacks(execute=True):
        assert browser.post(reverse("accounts:signup"), SIGNUP).status_code == 200
    assert len(mail.outbox) == 1  # the configured backend still gets it

    home = browser.get("/").content.decode()
    assert reverse("core:dev_mailbox") in home  # linked from the footer
    box = browser.get(reverse("core:dev_mailbox")).content.decode()
    assert "请验证您的邮箱" in box and "newcomer@example.com" in box
    opened = re.search(r'href="(/dev/mail/[0-9a-f-]+/)"', box)
    assert opened
    message = browser.get(opened.group(1)).content.decode()
    link = re.search(r'<a href="(https?://[^"]+/accounts/verify/[^"]+/)"', message)
    assert link, "the verification link is clickable"
    browser.get("/" + link.group(1).split("/", 3)[3])
    assert User.objects.get(email="newcomer@example.com").email_verified
    login = browser.post(
        reverse("accounts:login"),
        {"username": "newcomer@example.com", "password": SIGNUP["password1"]},
    )
    assert login.status_code == 302


def test_the_newest_mail_comes_first(development: Any) -> None:
    from django.core.mail import send_mail

    send_mail("第一封", "正文一", None, ["a@example.com"])
    send_mail("第二封", "正文二", None, ["b@example.com"])
    box = Client().get(reverse("core:dev_mailbox")).content.decode()
    assert box.index("第二封") < box.index("第一封")


def test_without_debug_there_is_no_mailbox(tmp_path: Any) -> None:
    with override_settings(XINBAN_DEV_MAIL_DIR=str(tmp_path)):
        assert Client().get(reverse("core:dev_mailbox")).status_code == 404
        assert Client().get("/dev/mail/20260101000000000000-abcdef012345/").status_code == 404
        assert reverse("core:dev_mailbox") not in Client().get("/").content.decode()


def test_a_name_outside_the_mailbox_is_not_found(development: Any) -> None:
    assert Client().get("/dev/mail/..%2F..%2Fdb/").status_code == 404
    assert Client().get("/dev/mail/nope/").status_code == 404


def test_an_unverified_account_is_offered_a_new_link(
    django_capture_on_commit_callbacks: Any,
) -> None:
    browser = Client()
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(reverse("accounts:signup"), SIGNUP)
    page = browser.post(
        reverse("accounts:login"),
        {"username": "newcomer@example.com", "password": SIGNUP["password1"]},
    ).content.decode()
    assert "重新发送验证邮件" in page
    assert "alert-danger" not in page  # a notice, not a form-error banner
    for _ in range(3):
        sent = browser.post(
            reverse("accounts:resend_verification"), {"email": "newcomer@example.com"}, follow=True
        )
        assert "重新发送验证邮件" in sent.content.decode() or "已重新发送" in sent.content.decode()
    assert len(mail.outbox) == 4  # sign-up + three resends
    assert all("/accounts/verify/" in m.body for m in mail.outbox)
    limited = browser.post(
        reverse("accounts:resend_verification"), {"email": "newcomer@example.com"}, follow=True
    )
    assert "过于频繁" in limited.content.decode()
    assert len(mail.outbox) == 4
    # An address without an account gets the same answer and no e-mail.
    other = browser.post(
        reverse("accounts:resend_verification"), {"email": "nobody@example.com"}, follow=True
    )
    assert "已重新发送" in other.content.decode()
    assert len(mail.outbox) == 4
