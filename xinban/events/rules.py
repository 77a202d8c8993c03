"""Who organises an event: association staff, and for its own 发表会 a recommending unit's
admin. Published events are public; drafts only their organisers see."""

from __future__ import annotations

from typing import Any

from xinban.core.roles import roles_of
from xinban.events.models import Event, EventState


def can_organise(user: Any, event: Event) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    roles = roles_of(user)
    return roles.is_staff or (event.unit_id is not None and event.unit_id in roles.unit_admin_ids)


def can_see(user: Any, event: Event) -> bool:
    if event.state == EventState.PUBLISHED or event.state == EventState.CANCELLED:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    roles = roles_of(user)
    return roles.is_staff or (event.unit_id is not None and event.unit_id in roles.unit_ids)
