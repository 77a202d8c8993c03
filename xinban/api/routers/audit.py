"""The audit log (JSON, association staff): the same filters as the page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from xinban.api.auth import current_user
from xinban.api.common import error_responses
from xinban.core.audit_registry import action_sentence
from xinban.core.roles import roles_of
from xinban.core.selectors import audit_entries

router = Router(tags=["审计日志"])


class AuditEntryOut(Schema):
    id: int = Field(title="记录 id")
    at: datetime = Field(title="时间")
    actor: str = Field(title="操作人")
    action: str = Field(title="操作")
    object_type: str = Field(title="对象类型")
    object_id: str = Field(title="对象编号")
    object: str = Field(title="对象")
    changes: dict[str, Any] = Field(title="变更内容")
    client_ip: str | None = Field(title="客户端地址")
    sentence: str = Field(
        "", title="操作说明", description="操作人与对象之间的一句话，如“提交了申报”"
    )
    channel: str = Field(
        "",
        title="渠道",
        description="page（网页）、api（浏览器会话）、api-token:<id>、task:<名称>#<id> 或 command",
    )


class AuditPageOut(Schema):
    count: int = Field(title="总数")
    items: list[AuditEntryOut] = Field(title="记录", description="新的在前")


class AuditFilters(Schema):
    action: str = Field("", title="操作", description="以此开头，如 event. 或 application.submit")
    object_type: str = Field("", title="对象类型", description="如 applications.application")
    object_id: str = Field("", title="对象编号")
    actor: str = Field("", title="操作人", description="姓名或邮箱的一部分")
    obj: str = Field("", title="对象", description="对象编号，或对象名称的一部分")
    since: str = Field("", title="起始日期", description="YYYY-MM-DD（含）")
    until: str = Field("", title="截止日期", description="YYYY-MM-DD（含）")
    limit: int = Field(100, ge=1, le=500, title="每页条数")
    offset: int = Field(0, ge=0, le=10_000_000, title="跳过条数")


def _printable(value: str) -> str:
    """A filter without control characters (a NUL cannot be sent to PostgreSQL)."""
    return "".join(ch for ch in value if ch.isprintable()).strip()[:200]


@router.get(
    "/staff/audit-log",
    response={200: AuditPageOut, **error_responses(403)},
    summary="审计日志（质协工作人员）",
)
def audit_log(
    request: HttpRequest,
    filters: Query[AuditFilters],
) -> AuditPageOut:
    if not roles_of(current_user(request)).is_staff:
        raise PermissionDenied
    entries = audit_entries(
        **{
            key: _printable(getattr(filters, key))
            for key in ("action", "object_type", "object_id", "actor", "obj", "since", "until")
        }
    ).order_by("-at", "-pk")
    page = entries[filters.offset : filters.offset + filters.limit]
    return AuditPageOut(
        count=entries.count(),
        items=[
            AuditEntryOut(
                id=e.pk,
                at=e.at,
                actor=e.actor_repr,
                action=e.action,
                object_type=e.object_type,
                object_id=e.object_id,
                object=e.object_repr,
                changes=e.changes if isinstance(e.changes, dict) else {"value": e.changes},
                client_ip=e.client_ip,
                sentence=action_sentence(e.action),
                channel=e.channel,
            )
            for e in page
        ],
    )
