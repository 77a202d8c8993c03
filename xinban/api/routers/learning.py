"""Online learning (JSON): the catalogue and a course with its lessons (no login); my
courses and my progress; choosing a course, marking a lesson done or not done. Lesson
files are downloaded through the page's checked view (``file_url``)."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Path, Router, Schema

from xinban.api.auth import current_user
from xinban.api.common import error_responses
from xinban.learning import selectors, services
from xinban.learning.models import Course

router = Router(tags=["在线学习"])

CourseId = Annotated[int, Path(title="课程 id")]
LessonId = Annotated[int, Path(title="课时 id")]


class CourseOut(Schema):
    id: int = Field(title="课程 id")
    title: str = Field(title="课程名称")
    description: str = Field(title="简介")
    lessons: int = Field(title="课时数")


class LessonOut(Schema):
    id: int = Field(title="课时 id")
    title: str = Field(title="课时名称")
    kind: str = Field(title="类型", description="document 文档 / video 视频 / link 链接")
    description: str = Field(title="说明")
    url: str = Field(title="链接")
    file_url: str | None = Field(title="文件下载地址", description="需登录；无文件时为空")


class CourseDetailOut(CourseOut):
    items: list[LessonOut] = Field(title="课时")


class ProgressOut(Schema):
    course_id: int = Field(title="课程 id")
    enrolled: bool = Field(title="已选课")
    done: list[int] = Field(title="已完成的课时 id")
    total: int = Field(title="课时数")
    percent: int = Field(title="完成百分比")


class MyCourseOut(Schema):
    course_id: int = Field(title="课程 id")
    title: str = Field(title="课程名称")
    done: int = Field(title="已完成课时数")
    total: int = Field(title="课时数")
    percent: int = Field(title="完成百分比")


@router.get("/learning/courses", response={200: list[CourseOut]}, auth=None, summary="课程目录")
def courses(request: HttpRequest) -> list[CourseOut]:
    return [
        CourseOut(
            id=c.pk,
            title=c.title,
            description=c.description,
            lessons=c.lesson_count,  # type: ignore[attr-defined]
        )
        for c in selectors.courses_published()
    ]


@router.get(
    "/learning/courses/{course_id}",
    response={200: CourseDetailOut, **error_responses(404)},
    auth=None,
    summary="课程及课时（无需登录）",
)
def course(request: HttpRequest, course_id: CourseId) -> CourseDetailOut:
    item = selectors.course_get(course_id, request.user)
    lessons = selectors.lessons(item)
    return CourseDetailOut(
        id=item.pk,
        title=item.title,
        description=item.description,
        lessons=len(lessons),
        items=[
            LessonOut(
                id=lesson.pk,
                title=lesson.title,
                kind=lesson.kind,
                description=lesson.description,
                url=lesson.url,
                file_url=reverse("learning:lesson_file", args=[item.pk, lesson.pk])
                if lesson.file
                else None,
            )
            for lesson in lessons
        ],
    )


def _progress(request: HttpRequest, item: Course) -> ProgressOut:
    enrolled, done = selectors.progress_of(current_user(request), item)
    total = item.lessons.count()
    return ProgressOut(
        course_id=item.pk,
        enrolled=enrolled,
        done=sorted(done),
        total=total,
        percent=selectors.percent(len(done), total),
    )


@router.get("/learning/my", response={200: list[MyCourseOut]}, summary="我的课程及进度")
def my_courses(request: HttpRequest) -> list[MyCourseOut]:
    return [
        MyCourseOut(
            course_id=row["course"].pk,
            title=row["course"].title,
            done=row["done"],
            total=row["total"],
            percent=row["percent"],
        )
        for row in selectors.my_courses(current_user(request))
    ]


@router.get(
    "/learning/courses/{course_id}/progress",
    response={200: ProgressOut, **error_responses(404)},
    summary="我的学习进度",
)
def progress(request: HttpRequest, course_id: CourseId) -> ProgressOut:
    return _progress(request, selectors.course_get(course_id, current_user(request)))


@router.post(
    "/learning/courses/{course_id}/enrol",
    response={200: ProgressOut, **error_responses(404, 409)},
    summary="选择课程",
)
def enrol(request: HttpRequest, course_id: CourseId) -> ProgressOut:
    user = current_user(request)
    item = selectors.course_get(course_id, user)
    services.course_enrol(actor=user, course=item)
    return _progress(request, item)


@router.post(
    "/learning/courses/{course_id}/lessons/{lesson_id}/done",
    response={200: ProgressOut, **error_responses(404, 409)},
    summary="标记课时完成",
)
def done(request: HttpRequest, course_id: CourseId, lesson_id: LessonId) -> ProgressOut:
    user = current_user(request)
    item = selectors.course_get(course_id, user)
    services.lesson_complete(actor=user, lesson=selectors.lesson_get(item, lesson_id))
    return _progress(request, item)


@router.delete(
    "/learning/courses/{course_id}/lessons/{lesson_id}/done",
    response={200: ProgressOut, **error_responses(404, 409)},
    summary="取消课时完成标记",
)
def undone(request: HttpRequest, course_id: CourseId, lesson_id: LessonId) -> ProgressOut:
    user = current_user(request)
    item = selectors.course_get(course_id, user)
    services.lesson_complete(actor=user, lesson=selectors.lesson_get(item, lesson_id), done=False)
    return _progress(request, item)
