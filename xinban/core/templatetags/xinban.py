from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.html import format_html

register = template.Library()


@register.filter
def bs(field: forms.BoundField) -> str:
    """Render a field's widget with Bootstrap classes and the invalid state."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        css = ""
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    attrs: dict[str, Any] = {"class": css.strip()} if css else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_errors"
    return field.as_widget(attrs=attrs)


_BADGE = {
    "draft": "text-bg-secondary",
    "returned": "text-bg-warning",
    "withdrawn": "text-bg-light",
    "not_recommended": "text-bg-light",
    "formal_failed": "text-bg-light",
    "not_selected": "text-bg-light",
}


@register.simple_tag
def state_badge(application: Any) -> str:
    """The state badge of an application (a tag, not an include: list pages render it
    once per row)."""
    css = _BADGE.get(application.state, "text-bg-success")
    return format_html('<span class="badge {}">{}</span>', css, application.get_state_display())


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_multi(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect)
