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


def test_duplicate_email_refused() -> None:
    make_user("new.user@example.com", "旧用户")
    response = Client().post(reverse("accounts:signup"), SIGNUP)
    assert "email" in response.context["form"].errors
    assert User.objects.count() == 1


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
