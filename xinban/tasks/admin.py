from django.contrib import admin

from xinban.tasks.models import Task


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("pk", "name", "state", "progress_done", "progress_total", "attempts")
    list_filter = ("state", "name")
    readonly_fields = [f.name for f in Task._meta.fields]
