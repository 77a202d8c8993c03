"""Reads of online learning: the catalogue, a course for a user (unpublished ones only for
staff), a user's own progress."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from xinban.learning.models import Course, Enrollment, Lesson, LessonProgress
from xinban.learning.rules import can_manage


def courses_published() -> QuerySet[Course]:
    # Explicit order: Meta.ordering is dropped from grouped queries (the exports' values_list).
    return (
        Course.objects.filter(published=True)
        .annotate(lesson_count=Count("lessons"))
        .order_by("position", "pk")
    )


def courses_all() -> QuerySet[Course]:
    """For staff: every course, with lesson and enrolment counts."""
    return Course.objects.annotate(
        lesson_count=Count("lessons", distinct=True),
        enrolled=Count("enrollments", distinct=True),
    ).order_by("position", "pk")


def course_get(pk: int, user: Any = None) -> Course:
    """A published course; staff also see unpublished ones (to prepare them). Else 404."""
    course = Course.objects.filter(pk=pk).first()
    if course is None or not (course.published or can_manage(user)):
        raise Http404
    return course


def lesson_get(course: Course, pk: int) -> Lesson:
    lesson = Lesson.objects.filter(pk=pk, course=course).first()
    if lesson is None:
        raise Http404
    return lesson


def lessons(course: Course) -> list[Lesson]:
    return list(course.lessons.order_by("position", "pk"))


def progress_of(user: Any, course: Course) -> tuple[bool, set[int]]:
    """(enrolled, ids of the lessons done) — the user's own."""
    if not getattr(user, "is_authenticated", False):
        return False, set()
    enrolled = Enrollment.objects.filter(course=course, user=user).exists()
    done = set(
        LessonProgress.objects.filter(user=user, lesson__course=course).values_list(
            "lesson_id", flat=True
        )
    )
    return enrolled, done


def percent(done: int, total: int) -> int:
    return done * 100 // total if total else 0


def my_courses(user: Any) -> list[dict[str, Any]]:
    """The user's chosen (published) courses with lessons done / total, in catalogue
    order."""
    if not getattr(user, "is_authenticated", False):
        return []
    courses = list(
        Course.objects.filter(enrollments__user=user, published=True)
        .annotate(total=Count("lessons", distinct=True))
        .order_by("position", "pk")
    )
    done = dict(
        LessonProgress.objects.filter(user=user, lesson__course__in=courses)
        .values_list("lesson__course_id")
        .annotate(n=Count("pk"))
        .values_list("lesson__course_id", "n")
    )
    return [
        {
            "course": course,
            "total": course.total,  # type: ignore[attr-defined]
            "done": done.get(course.pk, 0),
            "percent": percent(done.get(course.pk, 0), course.total),  # type: ignore[attr-defined]
        }
        for course in courses
    ]
