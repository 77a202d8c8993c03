"""The API's list as Excel (``/exports/<kind>.xlsx``, see xinban.exports):
``api_tokens`` (我的令牌, api:tokens), the user's own API tokens, nobody else's, as the
page lists them: name, prefix, scopes, dates and state. Never the secret (the platform
does not keep it) nor its digest."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Case, CharField, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinban.accounts.models import User
from xinban.api.models import ApiToken
from xinban.core.text import join_items
from xinban.exports.registry import ExportSpec, local_time, register


def _tokens(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As the page: the user's own tokens, newest first, each with its state then
    (ApiToken.is_active)."""
    del params
    return ApiToken.objects.filter(user=user).annotate(
        status=Case(
            When(revoked_at__isnull=False, then=Value("revoked")),
            When(expires_at__lte=timezone.now(), then=Value("expired")),
            default=Value("active"),
            output_field=CharField(),
        )
    )


def _scopes(value: Any) -> str:
    return join_items(str(scope) for scope in value or ())


def _expiry(value: Any) -> Any:
    return local_time(value) if value else _("永不过期")


def _status(value: str) -> str:
    return {"revoked": _("已撤销"), "expired": _("已过期")}.get(value) or _("有效")


register(
    ExportSpec(
        name="api_tokens",
        title=gettext_lazy("API 令牌"),
        headers=lambda: [
            _("名称"),
            _("令牌前缀"),
            _("权限范围"),
            _("创建时间"),
            _("最近使用"),
            _("有效期至"),
            _("撤销时间"),
            _("状态"),
        ],
        queryset=_tokens,
        fields=(
            "name",
            "prefix",
            "scopes",
            "created_at",
            "last_used_at",
            "expires_at",
            "revoked_at",
            "status",
        ),
        transforms={
            2: _scopes,
            3: local_time,
            4: local_time,
            5: _expiry,
            6: local_time,
            7: _status,
        },
    )
)
