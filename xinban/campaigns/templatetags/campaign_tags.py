"""The campaign's schedule for the pages of other areas (the home page): the campaign
area answers from its own selectors, so ``core``'s home view imports no area
(docs/architecture.md, "Layers")."""

from __future__ import annotations

from typing import Any

from django import template

from xinban.campaigns.selectors import campaign_current, phases_with_status

register = template.Library()


@register.simple_tag
def campaign_schedule() -> dict[str, Any]:
    """The current campaign and its phases with their status (open, upcoming, past)."""
    campaign = campaign_current()
    return {"campaign": campaign, "phases": phases_with_status(campaign) if campaign else []}
