"""The audit log in words: each entry as "<actor> <sentence> <object>", its changes as
"<field>: <before> → <after>" with the model's own field names and choice labels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from xinban.core.audit_registry import action_sentence, channel_label
from xinban.core.models import AuditEntry


@dataclass(frozen=True)
class Change:
    label: str
    before: str | None  # None: a value without a "before" (e.g. a reason)
    after: str


@dataclass(frozen=True)
class AuditLine:
    entry: AuditEntry
    actor: str
    sentence: str
    object: str
    changes: list[Change]
    channel: str


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _shown(value: Any, field: models.Field[Any, Any] | None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if field is not None and field.choices:
        labels = {str(k): v for k, v in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, list):
        return "、".join(_shown(v, None) for v in value) if value else "—"
    if isinstance(value, dict):
        return "；".join(f"{k}: {_shown(v, None)}" for k, v in value.items())
    return str(value)


def _changes(entry: AuditEntry) -> list[Change]:
    model = _model(entry.object_type)
    raw = entry.changes if isinstance(entry.changes, dict) else {"": entry.changes}
    out = []
    for key, value in raw.items():
        field = _field(model, key)
        label = str(field.verbose_name) if field is not None else key
        if isinstance(value, list) and len(value) == 2:
            out.append(Change(label, _shown(value[0], field), _shown(value[1], field)))
        else:
            out.append(Change(label, None, _shown(value, field)))
    return out


def audit_lines(entries: Any) -> list[AuditLine]:
    return [
        AuditLine(
            entry=e,
            actor=_("系统") if e.actor_repr in ("", "system") else e.actor_repr,
            sentence=action_sentence(e.action),
            object=e.object_repr,
            changes=_changes(e),
            channel=channel_label(e.channel) if e.channel else "",
        )
        for e in entries
    ]
