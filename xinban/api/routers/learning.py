"""Online learning (JSON): the catalogue and my progress; choosing a course, marking a
lesson done."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from xinban.api.auth import current_user
from xinban.api.common import error_responses
from xinban.learning import selectors, services
from xinban.learning.models import Lesson

router = Router(tags=["在线学习"])


class CourseOut(Schema):
    id: int = Field(title="课程 id")
    title: str = Field(title="课程名称")
    lessons: int = Field(title="课时数")


class ProgressOut(Schema):
    course_id: int = Field(title="课程 id")
    enrolled: bool = Field(title="已选课")
    done: list[int] = Field(title="已完成的课时 id")


@router.get("/learning/courses", response={200: list[CourseOut]}, auth=None, summary="课程目录")
def courses(request: HttpRequest) -> list[CourseOut]:
    return [
        CourseOut(id=c.pk, title=c.title, lessons=c.lesson_count)  # type: ignore[attr-defined]
        for c in selectors.courses_published()
    ]


def _progress(request: HttpRequest, course_id: int) -> ProgressOut:
    course = selectors.course_get(course_id)
    enrolled, done = selectors.progress_of(current_user(request), course)
    return ProgressOut(course_id=course.pk, enrolled=enrolled, done=sorted(done))


@router.get(
    "/learning/courses/{course_id}/progress",
    response={200: ProgressOut, **error_responses(404)},
    summary="我的学习进度",
)
def progress(request: HttpRequest, course_id: int) -> ProgressOut:
    return _progress(request, course_id)


@router.post(
    "/learning/courses/{course_id}/enrol",
    response={200: ProgressOut, **error_responses(404, 409)},
    summary="选择课程",
)
def enrol(request: HttpRequest, course_id: int) -> ProgressOut:
    services.course_enrol(actor=current_user(request), course=selectors.course_get(course_id))
    return _progress(request, course_id)


@router.post(
    "/learning/courses/{course_id}/lessons/{lesson_id}/done",
    response={200: ProgressOut, **error_responses(404, 409)},
    summary="标记课时完成",
)
def done(request: HttpRequest, course_id: int, lesson_id: int) -> ProgressOut:
    course = selectors.course_get(course_id)
    lesson = get_object_or_404(Lesson, pk=lesson_id, course=course)
    services.lesson_complete(actor=current_user(request), lesson=lesson)
    return _progress(request, course_id)
