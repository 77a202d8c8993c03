from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.core.errors import WrongState
from xinban.learning.models import Course, Enrollment, Lesson, LessonProgress


def course_enrol(*, actor: User, course: Course) -> Enrollment:
    if not course.published:
        raise WrongState(_("课程尚未上线。"), code="not_published")
    try:
        with transaction.atomic():
            return Enrollment.objects.create(course=course, user=actor)
    except IntegrityError:
        return Enrollment.objects.get(course=course, user=actor)


def lesson_complete(*, actor: User, lesson: Lesson, done: bool = True) -> None:
    """Mark a lesson done (or not) for the actor, who must have chosen the course."""
    if not Enrollment.objects.filter(course_id=lesson.course_id, user=actor).exists():
        raise WrongState(_("请先选择该课程。"), code="not_enrolled")
    if done:
        LessonProgress.objects.get_or_create(lesson=lesson, user=actor)
    else:
        LessonProgress.objects.filter(lesson=lesson, user=actor).delete()
