from django.contrib import admin

from xinban.notifications.models import EmailTemplate, OutboxEmail


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("created_at", "recipient", "template", "state", "attempts")
    list_filter = ("state", "template")
    search_fields = ("recipient", "subject")
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("key", "updated_at", "updated_by")
