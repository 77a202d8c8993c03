from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from xinban.notifications.selectors import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    """The menu's count of unread notifications (``nav_unread``, base.html)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_unread": unread_count(user)}
