from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import make_user
from xinban.accounts.models import LoginFailure, User
from xinban.core.models import AuditEntry

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "New.User@Example.com",
    "name": "新用户",
    "mobile": "13800138000",
    "password1": "Quality-2026-team",
    "password2": "Quality-2026-team",
}


def test_sign_up_sends_a_verification_link_that_verifies(
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), SIGNUP)
    assert response.status_code == 200
    user = User.objects.get(email="new.user@example.com")
    assert not user.email_verified
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/verify/\S+/", mail.outbox[0].body)
    assert link
    # Unverified users cannot log in yet.
    login = client.post(
        reverse("accounts:login"), {"username": user.email, "password": SIGNUP["password1"]}
    )
    assert login.status_code == 200
    assert "验证邮箱" in login.content.decode()
    path = "/" + link.group(0).split("/", 3)[3]
    client.get(path)
    user.refresh_from_db()
    assert user.email_verified
    login = client.post(
        reverse("accounts:login"), {"username": user.email, "password": SIGNUP["password1"]}
    )
    assert login.status_code == 302
    assert AuditEntry.objects.filter(action="account.verify_email", object_id=str(user.pk)).exists()


def test_forged_verification_token_is_refused() -> None:
    user = make_user("x@example.com", "某人")
    user.email_verified = False
    user.save()
    Client().get(reverse("accounts:verify", kwargs={"token": f"{user.pk}:x@example.com:forged"}))
    user.refresh_from_db()
    assert not user.email_verified


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", "not-an-email"), ("mobile", "12345"), ("password2", "different-password-1")],
)
def test_sign_up_errors_are_at_the_field_and_keep_input(field: str, value: str) -> None:
    data = {**SIGNUP, field: value}
    response = Client().post(reverse("accounts:signup"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "新用户" in response.content.decode()
    assert not User.objects.exists()


def test_sign_up_answers_the_same_whether_or_not_the_address_has_an_account(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """No account enumeration: the page is the same; the owner is told by e-mail."""
    with django_capture_on_commit_callbacks(execute=True):
        fresh = Client().post(reverse("accounts:signup"), SIGNUP)
    assert len(mail.outbox) == 1 and "/accounts/verify/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        again = Client().post(reverse("accounts:signup"), {**SIGNUP, "name": "冒名者"})
    assert again.status_code == fresh.status_code == 200
    assert again.templates[0].name == fresh.templates[0].name == "accounts/signup_done.html"
    strip = re.compile(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"')
    assert strip.sub("", again.content.decode()) == strip.sub("", fresh.content.decode())
    assert User.objects.count() == 1
    assert User.objects.get().name == "新用户"  # nothing of the second attempt was kept
    assert len(mail.outbox) == 2
    warning = mail.outbox[1]
    assert warning.to == ["new.user@example.com"]
    assert "尝试用您的邮箱注册" in warning.subject
    assert "/accounts/login/" in warning.body and reverse("accounts:password_reset") in warning.body
    assert "/accounts/verify/" not in warning.body


def test_repeated_failed_logins_are_throttled_and_logged(settings: Any) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    make_user("victim@example.com", "受害者")
    client = Client()
    for _ in range(3):
        client.post(
            reverse("accounts:login"), {"username": "victim@example.com", "password": "wrong"}
        )
    assert LoginFailure.objects.filter(email="victim@example.com").count() == 3
    # Even the right password is refused while throttled.
    response = client.post(
        reverse("accounts:login"),
        {"username": "victim@example.com", "password": "pw-for-tests-123"},
    )
    assert response.status_code == 200
    assert "次数过多" in response.content.decode()


def test_successful_login_clears_failures() -> None:
    make_user("ok@example.com", "正常用户")
    client = Client()
    client.post(reverse("accounts:login"), {"username": "ok@example.com", "password": "wrong"})
    response = client.post(
        reverse("accounts:login"), {"username": "ok@example.com", "password": "pw-for-tests-123"}
    )
    assert response.status_code == 302
    assert not LoginFailure.objects.filter(email="ok@example.com").exists()


def test_password_reset_sends_mail() -> None:
    make_user("forgot@example.com", "忘记密码")
    response = Client().post(reverse("accounts:password_reset"), {"email": "forgot@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_logout_requires_post_and_logs_out() -> None:
    user = make_user("bye@example.com", "再见")
    client = Client()
    client.force_login(user)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_language_switch_gives_english() -> None:
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()


def _login(client: Client, username: str, password: str, ip: str = "198.51.100.7") -> Any:
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_look_alike_spellings_count_against_the_one_account(settings: Any) -> None:
    """Authentication folds full-width letters and case; so does the throttle."""
    settings.LOGIN_FAILURE_LIMIT = 3
    make_user("victim@example.com", "受害者")
    client = Client()
    for spelling in ("ｖｉｃｔｉｍ@example.com", "VICTIM@example.com", "Victim@Example.com"):
        assert _login(client, spelling, "wrong").status_code == 200
    assert LoginFailure.objects.filter(email="victim@example.com").count() == 3
    locked = _login(client, "ｖｉｃｔｉｍ@ｅｘａｍｐｌｅ.com", "pw-for-tests-123")
    assert locked.status_code == 200 and "次数过多" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_stranger_cannot_lock_the_owner_out_from_the_owners_address(settings: Any) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 20
    make_user("staff-like@example.com", "工作人员")
    attacker = Client()
    for _ in range(5):
        _login(attacker, "staff-like@example.com", "guess", ip="203.0.113.66")
    still_locked = _login(attacker, "staff-like@example.com", "pw-for-tests-123", ip="203.0.113.66")
    assert "次数过多" in still_locked.content.decode()
    owner = _login(Client(), "staff-like@example.com", "pw-for-tests-123", ip="192.0.2.10")
    assert owner.status_code == 302


def test_the_per_account_ceiling_holds_and_the_reset_email_recovers(settings: Any) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 6
    user = make_user("popular@example.com", "热门账号")
    for n in range(6):  # one guess from each of many addresses
        _login(Client(), "popular@example.com", "guess", ip=f"203.0.113.{n + 1}")
    refused = _login(Client(), "popular@example.com", "pw-for-tests-123", ip="192.0.2.10")
    assert "次数过多" in refused.content.decode()

    Client().post(reverse("accounts:password_reset"), {"email": "popular@example.com"})
    link = re.search(r"/accounts/reset/\S+/\S+/", mail.outbox[-1].body)
    assert link
    browser = Client()
    form = browser.get(link.group(0), follow=True)
    new_password = "Another-pass-2026"
    done = browser.post(
        form.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.status_code == 302
    assert not LoginFailure.objects.filter(email="popular@example.com").exists()
    user.refresh_from_db()
    assert _login(Client(), "popular@example.com", new_password, ip="192.0.2.10").status_code == 302
