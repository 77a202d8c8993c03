"""Read-only in the admin: events are organised on the 活动 pages, through the audited
services (capacity, waiting list and notices are kept there). Deleting stays possible
(a campaign year removed in the admin takes its events with it)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xinban.events.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "kind", "starts_at", "state", "capacity", "unit")
    list_filter = ("kind", "state")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
