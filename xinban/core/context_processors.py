from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from xinban.core import roles


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu's roles. Areas add their own navigation figures with their own context
    processor (the unread count: ``xinban.notifications.context_processors``)."""
    # The footer links the development mailbox only in development (/dev/mail/).
    debug_mailbox = bool(settings.DEBUG)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": None, "debug_mailbox": debug_mailbox}
    return {"nav_roles": roles.roles_of(user), "debug_mailbox": debug_mailbox}
