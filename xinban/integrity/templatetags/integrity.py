"""``{% similarity_panel application %}``: the similarity figure where a page shows an
application (the formal review beside commitment 3, the application page), only for a
reader who may see it (xinban/integrity/rules.py)."""

from __future__ import annotations

from typing import Any

from django import template

from xinban.integrity.selectors import similarity_view

register = template.Library()


@register.inclusion_tag("integrity/_panel.html", takes_context=True)
def similarity_panel(context: dict[str, Any], application: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if (
        user is None
        or application.submitted_at is None  # a draft is checked once submitted
        or not user.has_perm("integrity.view_similarity", application)
    ):
        return {"visible": False}
    return {
        "visible": True,
        "application": application,
        "result": similarity_view(user=user, application=application),
    }


@register.filter
def percent(value: float | None) -> str:
    """0.1234 → "12.3%"."""
    return "" if value is None else f"{value * 100:.1f}%"
