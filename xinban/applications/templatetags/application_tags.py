"""Applications' state badges and the staff list's rows, for any area's page
(``{% load application_tags %}``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from xinban.applications.models import ApplicationState

register = template.Library()


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
    return _badge(application.state)


def _badge(state: str) -> SafeString:
    css = _BADGE.get(state, "text-bg-success")
    return format_html('<span class="badge {}">{}</span>', css, _state_label(state))


@lru_cache(maxsize=64)
def _state_labels(language: str | None) -> dict[str, str]:
    # get_state_display() rebuilds a dict of lazy labels on every call; once per language
    # is enough (the choices are code, not data).
    return {value: str(label) for value, label in ApplicationState.choices}


def _state_label(state: str) -> str:
    return _state_labels(get_language()).get(state, state)


@lru_cache(maxsize=1)
def _detail_prefix() -> str:
    return reverse("applications:detail", args=[0])[:-2]


@register.simple_tag
def staff_application_rows(applications: Any) -> SafeString:
    """The staff list's rows (number, organisation, team with link, unit, state)."""
    prefix = _detail_prefix()
    return format_html_join(
        "",
        '<tr><td>{}</td><td>{}</td><td><a href="{}{}/">{}</a></td>'
        '<td class="d-none d-md-table-cell">{}</td><td>{}</td></tr>',
        (
            (
                row["number"],
                row["organisation__name"],
                prefix,
                row["pk"],
                row["team_name"],
                row["recommending_unit__name"],
                _badge(row["state"]),
            )
            for row in applications
        ),
    )
