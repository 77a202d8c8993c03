"""Read-only in the admin: the catalogue is managed on the 在线学习 → 管理课程 pages,
through the audited services (uploads type-checked there)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xinban.learning.models import Course, Lesson


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LessonInline(ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = Lesson
    fields = ("position", "title", "kind", "original_name", "url")
    extra = 0


@admin.register(Course)
class CourseAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "published", "position")
    inlines = [LessonInline]
