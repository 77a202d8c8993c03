"""``{% team_history_panel application audience %}``: the team's earlier applications
on every page that shows an application (docs/rules.md, "Each team's history"), with the
首次参加 check (a warning to the applicant, a flag to the unit) and, for the applicant,
the link of a renamed team to an earlier one."""

from __future__ import annotations

from typing import Any

from django import template

from xinban.applications.history import team_history
from xinban.applications.models import Application
from xinban.applications.teams import link_candidates, team_link_refusal
from xinban.core.roles import roles_of

register = template.Library()


@register.inclusion_tag("applications/_team_history.html", takes_context=True)
def team_history_panel(
    context: dict[str, Any], application: Application, audience: str = "reviewer"
) -> dict[str, Any]:
    """``audience``: ``applicant`` (warning, link form), ``unit`` (flag) or ``reviewer``
    (judges, experts, staff: the history and the flag)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    roles = roles_of(user) if user is not None and user.is_authenticated else None
    is_member = bool(roles and application.organisation_id in roles.organisation_ids)
    candidates = (
        link_candidates(application)
        if audience == "applicant" and is_member and team_link_refusal(application) is None
        else []
    )
    return {
        "application": application,
        "history": team_history(application),
        "audience": audience,
        "candidates": candidates,
        "is_staff": bool(roles and roles.is_staff),
        "csrf_token": context.get("csrf_token"),
    }
