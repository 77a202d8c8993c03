from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinban.core.errors import ServiceError


def add_service_error(form: forms.BaseForm, error: ServiceError) -> None:
    """Show a service's refusal at the field it concerns, or above the form."""
    problems = getattr(error, "problems", None)
    if problems:
        for field, message in problems.items():
            form.add_error(field if field in form.fields else None, message)
        if error.message not in problems.values():  # one message, never the same twice
            form.add_error(None, error.message)
        return
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


MAX_PK = 2**63 - 1


def _guard_model_choice(field: forms.Field) -> None:
    """Refuse ids that cannot be primary keys before they reach the database (SQLite
    overflows on integers past 64 bits, which would be a 500 instead of a field error)."""
    original = field.clean

    def clean(value: Any) -> Any:
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if item in (None, ""):
                continue
            text = str(item)
            if not text.isdigit() or int(text) > MAX_PK:
                raise forms.ValidationError(_("请选择有效的选项。"), code="invalid_choice")
        return original(value)

    field.clean = clean  # type: ignore[method-assign]


class SafeChoicesMixin:
    """Add to any form with model choice fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            if isinstance(field, forms.ModelChoiceField):
                _guard_model_choice(field)
