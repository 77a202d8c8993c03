"""API tokens: creation (the secret is returned once), revocation, and the lookup the
bearer authentication uses. Only the SHA-256 of a secret is stored; secrets are 256-bit
random, so a plain digest is enough (no password-style stretching needed)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.api.models import ApiToken
from xinban.api.scopes import SCOPES
from xinban.core.audit import audit_record
from xinban.core.errors import NotAllowed, ServiceError
from xinban.core.roles import roles_of
from xinban.core.text import join_items

TOKEN_PREFIX = "xb_"  # noqa: S105  (a marker, not a secret)
MAX_ACTIVE_TOKENS = 20


def privileged_token_lifetime(user: User) -> timedelta | None:
    """The longest a token of the association's staff or of a guiding unit may live
    (XINBAN_PRIVILEGED_TOKEN_DAYS, at most 90): their tokens act without the second
    factor, so they must end. None for everyone else."""
    roles = roles_of(user)
    if not (roles.is_staff or roles.is_guiding):
        return None
    return timedelta(days=settings.XINBAN_PRIVILEGED_TOKEN_DAYS)


# last_used_at is written at most this often per token (not on every request).
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_create(
    *,
    actor: User,
    name: str,
    scopes: list[str],
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token of the actor's, and its secret (shown once, never stored)."""
    name = name.strip()
    if not name:
        raise ServiceError(_("请填写令牌名称。"), code="name_required", field="name")
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise ServiceError(
            _("未知的权限范围：%(scopes)s") % {"scopes": join_items(unknown)},
            code="unknown_scope",
            field="scopes",
        )
    if not scopes:
        raise ServiceError(_("请至少选择一个权限范围。"), code="scope_required", field="scopes")
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise ServiceError(_("有效期必须晚于现在。"), code="expiry_past", field="expires_at")
    longest = privileged_token_lifetime(actor)
    if longest is not None and expires_at is None:
        expires_at = now + longest  # staff and guiding units: never "never"
    if longest is not None and expires_at is not None and expires_at > now + longest:
        raise ServiceError(
            _("质协工作人员和指导单位的令牌有效期最长 %(days)s 天，请选择较短的有效期。")
            % {"days": longest.days},
            code="expiry_too_long",
            field="expires_in_days",
        )
    with transaction.atomic():
        active = ApiToken.objects.select_for_update().filter(user=actor, revoked_at__isnull=True)
        if sum(1 for t in active if t.is_active(now)) >= MAX_ACTIVE_TOKENS:
            raise NotAllowed(
                _("有效令牌已达 %(n)s 个，请先撤销不用的令牌。") % {"n": MAX_ACTIVE_TOKENS},
                code="too_many_tokens",
            )
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=actor,
            name=name[:100],
            prefix=secret[:10],
            token_hash=token_digest(secret),
            scopes=sorted(set(scopes)),
            expires_at=expires_at,
            created_at=now,
        )
        audit_record(
            actor=actor,
            action="api_token.create",
            obj=token,
            changes={
                "name": token.name,
                "scopes": token.scopes,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
        )
    return token, secret


def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's own tokens (staff may revoke anyone's)."""
    if token.user_id != actor.pk and not getattr(actor, "is_association_staff", False):
        raise NotAllowed(_("只能撤销自己的令牌。"), code="not_owner")
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor, action="api_token.revoke", obj=token, changes={"name": token.name}
            )
    return token


class TokenRefused(Exception):
    """The bearer token cannot be used; ``code`` and ``message`` say why."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def token_lookup(secret: str) -> ApiToken:
    """The active token with this secret, its owner loaded; TokenRefused if unknown,
    revoked, expired, or the owner may no longer log in. Records when it was last used."""
    token = None
    if secret.startswith(TOKEN_PREFIX) and len(secret) <= 200:
        token = (
            ApiToken.objects.select_related("user").filter(token_hash=token_digest(secret)).first()
        )
    if token is None:
        raise TokenRefused(_("API 令牌无效。"), code="invalid_token")
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenRefused(_("此 API 令牌已被撤销。"), code="token_revoked")
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenRefused(_("此 API 令牌已过期。"), code="token_expired")
    longest = privileged_token_lifetime(token.user)
    if longest is not None and token.created_at + longest <= now:
        # A token made before the owner became staff (or before the limit) ends too.
        raise TokenRefused(_("此 API 令牌已过期。"), code="token_expired")
    if not token.user.is_active:
        raise TokenRefused(_("此 API 令牌的所属账号已停用。"), code="user_inactive")
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
