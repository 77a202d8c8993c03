from django.contrib import admin

from xinban.learning.models import Course, Lesson


class LessonInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Lesson
    extra = 1


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "published", "position")
    inlines = [LessonInline]
