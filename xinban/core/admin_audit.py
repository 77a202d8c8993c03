"""Changes made through the Django admin are audited like the service calls (rule 15 of
docs/rules.md): ``AuditedAdmin`` records every save and delete of the object, and every
inline row added, changed or deleted, with its fields before → after, under the actions
the area declares in its ``audit_actions.py``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms import BaseModelForm
from django.http import HttpRequest

from xinban.core.audit import audit_record


def field_values(obj: models.Model) -> dict[str, Any]:
    """The concrete fields of ``obj`` (foreign keys as ids) as stored."""
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def stored_values(obj: models.Model) -> dict[str, Any]:
    """The fields of ``obj`` as the database holds them now ({} for a new object)."""
    if obj.pk is None:
        return {}
    stored = type(obj)._default_manager.filter(pk=obj.pk).first()
    return field_values(stored) if stored is not None else {}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for the fields that differ."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A model admin whose writes are audited: ``audit_save`` / ``audit_delete`` name the
    declared actions (``<area>.<thing>_admin_save`` …)."""

    audit_save = ""
    audit_delete = ""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = stored_values(obj)
            super().save_model(request, obj, form, change)
            changes = diff(before, field_values(obj))
            audit_record(
                actor=request.user,
                action=self.audit_save,
                obj=obj,
                changes={"created": not change, **changes},
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            before = field_values(obj)
            audit_record(
                actor=request.user,
                action=self.audit_delete,
                obj=obj,
                changes={name: [value, None] for name, value in before.items()},
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Inline rows: each one added, changed or deleted is recorded on the parent."""
        with transaction.atomic():
            # Keyed by the instance itself: a deleted row's pk is cleared by the delete.
            befores: dict[int, dict[str, Any]] = {}
            for inline_form in formset.forms:
                instance = getattr(inline_form, "instance", None)
                if isinstance(inline_form, BaseModelForm) and instance is not None and instance.pk:
                    befores[id(instance)] = stored_values(instance)
            super().save_formset(request, form, formset, change)
            rows: dict[str, Any] = {}
            label = formset.model._meta.model_name
            for obj in formset.new_objects:
                rows[f"{label}#{obj.pk}"] = {"created": True, **diff({}, field_values(obj))}
            for obj, _fields in formset.changed_objects:
                rows[f"{label}#{obj.pk}"] = diff(befores.get(id(obj), {}), field_values(obj))
            for obj in formset.deleted_objects:
                before = befores.get(id(obj)) or field_values(obj)
                rows[f"{label}#{before.get('id')}"] = {
                    "deleted": True,
                    **{name: [value, None] for name, value in before.items()},
                }
            if rows:
                audit_record(
                    actor=request.user, action=self.audit_save, obj=form.instance, changes=rows
                )
