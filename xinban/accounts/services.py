"""Account writes: sign-up, e-mail verification, the login-failure throttle."""

from __future__ import annotations

import unicodedata
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


def user_sign_up(*, email: str, name: str, password: str, mobile: str = "") -> User | None:
    """A new, unverified account and its verification e-mail. For an address that already
    has an account nothing is created and its owner is told by e-mail instead: the page
    answers the same either way, so sign-up does not tell who has an account."""
    email = email.strip().lower()
    with transaction.atomic():
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None:
            transaction.on_commit(lambda: _tell_owner_of_sign_up_attempt(existing))
            return None
        user = User.objects.create_user(email=email, password=password, name=name, mobile=mobile)
        audit_record(actor=user, action="account.sign_up", obj=user, changes={"email": email})
        transaction.on_commit(lambda: user_send_verification(user=user))
    return user


def _tell_owner_of_sign_up_attempt(user: User) -> None:
    base = settings.SITE_URL.rstrip("/")
    body = render_to_string(
        "accounts/email_sign_up_attempt.txt",
        {
            "user": user,
            "login": base + reverse("accounts:login"),
            "reset": base + reverse("accounts:password_reset"),
        },
    )
    send_mail(_("有人尝试用您的邮箱注册 — 质量信得过班组平台"), body, None, [user.email])


def verification_token(user: User) -> str:
    return signing.TimestampSigner(salt=VERIFY_SALT).sign(f"{user.pk}:{user.email}")


def user_send_verification(*, user: User) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse(
        "accounts:verify", kwargs={"token": verification_token(user)}
    )
    body = render_to_string("accounts/email_verify.txt", {"user": user, "link": link})
    send_mail(_("请验证您的邮箱 — 质量信得过班组平台"), body, None, [user.email])


def user_resend_verification(*, email: str) -> None:
    """Send a new link to an account that is not verified yet; nothing otherwise."""
    user = User.objects.filter(email__iexact=email.strip(), email_verified=False).first()
    if user is not None and user.is_active:
        user_send_verification(user=user)


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


def login_key(email: str) -> str:
    """The account a typed login names, as authentication resolves it: the login form
    folds compatibility characters (NFKC: full-width ａ is a) and e-mails are kept in
    lower case; casefold covers the rest. Every spelling of one account is one key."""
    return unicodedata.normalize("NFKC", email or "").strip().casefold()[:254]


def login_is_throttled(*, email: str, client_ip: str | None) -> bool:
    """Three limits in the window (docs/deploy.md, "Log-in throttling"): one account from
    one address (LOGIN_FAILURE_LIMIT, 5), one address over any accounts (4× that), and
    one account from everywhere (LOGIN_ACCOUNT_FAILURE_LIMIT, 50) — high enough that
    strangers cannot lock its owner out from the owner's own address by a few guesses.
    The owner can always get back in through the reset e-mail, which clears them."""
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(at__gte=since)
    key = login_key(email)
    if recent.filter(email=key).count() >= settings.LOGIN_ACCOUNT_FAILURE_LIMIT:
        return True
    if client_ip:
        if recent.filter(email=key, client_ip=client_ip).count() >= settings.LOGIN_FAILURE_LIMIT:
            return True
        by_ip = recent.filter(client_ip=client_ip).count()
        return by_ip >= settings.LOGIN_FAILURE_LIMIT * 4
    return recent.filter(email=key, client_ip__isnull=True).count() >= settings.LOGIN_FAILURE_LIMIT


def login_record_failure(*, email: str, client_ip: str | None) -> None:
    LoginFailure.objects.create(email=login_key(email), client_ip=client_ip)


def login_clear_failures(*, email: str) -> None:
    LoginFailure.objects.filter(email=login_key(email)).delete()
