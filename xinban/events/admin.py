from django.contrib import admin

from xinban.events.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "kind", "starts_at", "state", "capacity", "unit")
    list_filter = ("kind", "state")
