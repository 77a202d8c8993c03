"""Two-factor login (TOTP) for staff and guiding-unit users, on django-otp."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from xinban.core.audit import audit_record
from xinban.core.errors import ServiceError
from xinban.core.roles import roles_of


def two_factor_required(user: Any) -> bool:
    if not settings.REQUIRE_TWO_FACTOR or not getattr(user, "is_authenticated", False):
        return False
    roles = roles_of(user)
    # Django-admin access (is_staff / is_superuser) needs the second factor too.
    return roles.is_staff or roles.is_guiding or bool(user.is_superuser or user.is_staff)


def totp_device_pending(user: Any) -> TOTPDevice:
    """The user's unconfirmed device (created once), whose key the set-up page shows."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def totp_confirm(*, request: Any, token: str) -> TOTPDevice:
    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None or not device.verify_token(token.strip()):
            raise ServiceError(_("验证码不正确，请重新输入。"), code="bad_token", field="token")
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=user, action="account.two_factor_enable", obj=user)
    otp_login(request, device)
    return device


def totp_verify(*, request: Any, token: str) -> None:
    user = request.user
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        # verify_is_allowed/verify_token apply django-otp's throttling after failures.
        allowed, _info = device.verify_is_allowed()
        if allowed and device.verify_token(token.strip()):
            otp_login(request, device)
            audit_record(actor=user, action="account.two_factor_login", obj=user)
            return
    audit_record(actor=user, action="account.two_factor_failed", obj=user)
    raise ServiceError(_("验证码不正确，请重新输入。"), code="bad_token", field="token")


def has_confirmed_device(user: Any) -> bool:
    return bool(user_has_device(user, confirmed=True))
