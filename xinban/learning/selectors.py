from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from xinban.learning.models import Course, Enrollment, LessonProgress


def courses_published() -> QuerySet[Course]:
    return Course.objects.filter(published=True).annotate(lesson_count=Count("lessons"))


def course_get(pk: int) -> Course:
    course = Course.objects.filter(pk=pk, published=True).first()
    if course is None:
        raise Http404
    return course


def progress_of(user: Any, course: Course) -> tuple[bool, set[int]]:
    """(enrolled, ids of the lessons done)."""
    if not getattr(user, "is_authenticated", False):
        return False, set()
    enrolled = Enrollment.objects.filter(course=course, user=user).exists()
    done = set(
        LessonProgress.objects.filter(user=user, lesson__course=course).values_list(
            "lesson_id", flat=True
        )
    )
    return enrolled, done


def my_courses(user: Any) -> list[dict[str, Any]]:
    rows = []
    for enrollment in Enrollment.objects.filter(user=user).select_related("course"):
        course = enrollment.course
        total = course.lessons.count()
        done = LessonProgress.objects.filter(user=user, lesson__course=course).count()
        rows.append({"course": course, "total": total, "done": done})
    return rows
