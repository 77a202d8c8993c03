from django.contrib import admin

from xinban.applications import models


@admin.register(models.Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Configuration and inspection only; every state change goes through the services."""

    list_display = ["number", "team_name", "organisation", "recommending_unit", "state"]
    list_filter = ["campaign", "state"]
    search_fields = ["number", "team_name", "organisation__name"]
    readonly_fields = [f.name for f in models.Application._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
