from __future__ import annotations

from django import forms

from xinban.core.errors import ServiceError


def add_service_error(form: forms.BaseForm, error: ServiceError) -> None:
    """Show a service's refusal at the field it concerns, or above the form."""
    problems = getattr(error, "problems", None)
    if problems:
        for field, message in problems.items():
            form.add_error(field if field in form.fields else None, message)
        form.add_error(None, error.message)
        return
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
