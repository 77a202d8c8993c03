"""Account writes: sign-up, e-mail verification, the login-failure throttle."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import LoginFailure, User
from xinban.core.audit import audit_record
from xinban.core.errors import ServiceError

VERIFY_SALT = "xinban.accounts.verify-email"
VERIFY_MAX_AGE = 3 * 24 * 3600


def user_sign_up(*, email: str, name: str, password: str, mobile: str = "") -> User:
    email = email.strip().lower()
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ServiceError(
                _("该邮箱已注册，请直接登录或找回密码。"), code="email_taken", field="email"
            )
        user = User.objects.create_user(email=email, password=password, name=name, mobile=mobile)
        audit_record(actor=user, action="account.sign_up", obj=user, changes={"email": email})
        transaction.on_commit(lambda: user_send_verification(user=user))
    return user


def verification_token(user: User) -> str:
    return signing.TimestampSigner(salt=VERIFY_SALT).sign(f"{user.pk}:{user.email}")


def user_send_verification(*, user: User) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse(
        "accounts:verify", kwargs={"token": verification_token(user)}
    )
    body = render_to_string("accounts/email_verify.txt", {"user": user, "link": link})
    send_mail(_("请验证您的邮箱 — 质量信得过班组平台"), body, None, [user.email])


def user_verify_email(*, token: str) -> User:
    try:
        value = signing.TimestampSigner(salt=VERIFY_SALT).unsign(token, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ServiceError(_("验证链接已过期，请重新发送。"), code="token_expired") from exc
    except signing.BadSignature as exc:
        raise ServiceError(_("验证链接无效。"), code="token_invalid") from exc
    pk, _sep, email = value.partition(":")
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=pk, email=email).first()
        if user is None:
            raise ServiceError(_("验证链接无效。"), code="token_invalid")
        if not user.email_verified:
            user.email_verified = True
            user.save(update_fields=["email_verified"])
            audit_record(actor=user, action="account.verify_email", obj=user)
    return user


def login_is_throttled(*, email: str, client_ip: str | None) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    by_email = LoginFailure.objects.filter(email=email.strip().lower(), at__gte=since).count()
    if by_email >= settings.LOGIN_FAILURE_LIMIT:
        return True
    if client_ip:
        # An address trying many accounts is throttled too, more generously.
        by_ip = LoginFailure.objects.filter(client_ip=client_ip, at__gte=since).count()
        return by_ip >= settings.LOGIN_FAILURE_LIMIT * 4
    return False


def login_record_failure(*, email: str, client_ip: str | None) -> None:
    LoginFailure.objects.create(email=email.strip().lower()[:254], client_ip=client_ip)


def login_clear_failures(*, email: str) -> None:
    LoginFailure.objects.filter(email=email.strip().lower()).delete()
