"""Writing the audit log. Services call `audit_record` inside their transaction with an
action declared in their area's ``audit_actions.py`` (docs/architecture.md, "The audit log")."""

from __future__ import annotations

from typing import Any

from django.db import models

from xinban.core.audit_registry import require_registered
from xinban.core.context import current_channel, current_client_ip
from xinban.core.models import AuditEntry


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    require_registered(action)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if authenticated else None,
        actor_repr=str(actor) if authenticated else "system",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes=_jsonable(changes or {}),
        client_ip=current_client_ip(),
        channel=current_channel(),
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
