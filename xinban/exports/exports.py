"""The audit log as a list (``audit``, staff). The audit log belongs to xinban.core, the
ground floor, which imports no area (the exports app included), so its list is declared
here, in the exports app's own ``exports`` module, found like every area's
(docs/architecture.md, "Extension points")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinban.accounts.models import User
from xinban.core.audit_registry import channel_label
from xinban.core.selectors import audit_entries
from xinban.exports.registry import ExportSpec, local_time, register, require_staff


def _audit(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    require_staff(user)
    keys = ("action", "object_type", "object_id", "actor", "obj", "since", "until")
    return audit_entries(**{k: params.get(k, "").strip()[:100] for k in keys}).order_by("-id")


register(
    ExportSpec(
        name="audit",
        title=gettext_lazy("审计日志"),
        headers=lambda: [
            _("时间"),
            _("操作人"),
            _("操作"),
            _("对象类型"),
            _("对象"),
            _("对象说明"),
            _("IP 地址"),
            _("渠道"),
        ],
        queryset=_audit,
        fields=(
            "at",
            "actor_repr",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "client_ip",
            "channel",
        ),
        transforms={0: local_time, 7: channel_label},
    )
)
