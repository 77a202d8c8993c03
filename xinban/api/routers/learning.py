"""Online learning (JSON): the catalogue and a course with its lessons (no login); my
courses and my progress; choosing a course, marking a lesson done or not done. Lesson
files are downloaded through the page's checked view (``file_url``). For staff, the
catalogue's management: courses, lessons (multipart, with the file), their order, putting
a course online or taking it off — the page's forms and services."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from pydantic import ConfigDict, WithJsonSchema

from xinban.accounts.models import User
from xinban.api.auth import current_user, scoped
from xinban.api.common import error_responses, multipart_body, validated_upload
from xinban.api.errors import InvalidInput, ensure_valid
from xinban.api.labels import form_field
from xinban.api.payloads import form_data
from xinban.api.schemas import JsonCount, JsonText, _required_from
from xinban.core.errors import NotAllowed
from xinban.learning import selectors, services
from xinban.learning.forms import CourseForm, LessonForm
from xinban.learning.models import Course, Lesson, LessonKind
from xinban.learning.rules import can_manage

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


def _lesson_out(item: Course, lesson: Lesson) -> LessonOut:
    return LessonOut(
        id=lesson.pk,
        title=lesson.title,
        kind=lesson.kind,
        description=lesson.description,
        url=lesson.url,
        file_url=reverse("learning:lesson_file", args=[item.pk, lesson.pk])
        if lesson.file
        else None,
    )


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
        items=[_lesson_out(item, lesson) for lesson in lessons],
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
    auth=scoped("me:write"),
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
    auth=scoped("me:write"),
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
    auth=scoped("me:write"),
)
def undone(request: HttpRequest, course_id: CourseId, lesson_id: LessonId) -> ProgressOut:
    user = current_user(request)
    item = selectors.course_get(course_id, user)
    services.lesson_complete(actor=user, lesson=selectors.lesson_get(item, lesson_id), done=False)
    return _progress(request, item)


# --- the catalogue's management (staff) ----------------------------------------------------


class ManagedCourseOut(Schema):
    id: int = Field(title="课程 id")
    title: str = Field(title="课程名称")
    description: str = Field(title="简介")
    position: int = Field(title="排序", description="数字小的排在前面")
    published: bool = Field(title="已上线")
    lessons: int = Field(title="课时数")
    enrolled: int = Field(title="选课人数")


class ManagedCourseDetailOut(ManagedCourseOut):
    items: list[LessonOut] = Field(title="课时")


class CourseIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(CourseForm))

    title: JsonText = form_field(CourseForm, "title", None)
    description: JsonText = form_field(CourseForm, "description", None)
    position: JsonCount = form_field(
        CourseForm, "position", None, description="0–32767；数字小的排在前面"
    )


class LessonMoveIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(None, "direction"))

    direction: Annotated[Any, WithJsonSchema({"type": "string", "enum": ["up", "down"]})] = Field(
        None, title="方向", description="up 上移 / down 下移"
    )


_LESSON_BODY = multipart_body(
    {
        "title": {"type": "string", "title": "课时名称"},
        "kind": {"type": "string", "title": "类型", "enum": list(LessonKind.values)},
        "description": {"type": "string", "title": "说明"},
        "url": {"type": "string", "title": "链接", "description": "链接类课时必填"},
        "file": {
            "type": "string",
            "format": "binary",
            "title": "文件",
            "description": "文档：PDF、Word、Excel；视频：MP4、MOV、WebM",
        },
    },
    ["title", "kind"],
)


def _managed(user: User, course_id: int) -> Course:
    """The course for staff; 404 for a course the caller may not see (an unpublished one),
    403 for a visible one they may not manage."""
    item = selectors.course_get(course_id, user)
    if not can_manage(user):
        raise PermissionDenied
    return item


def _managed_out(item: Course) -> ManagedCourseDetailOut:
    lessons = selectors.lessons(item)
    return ManagedCourseDetailOut(
        id=item.pk,
        title=item.title,
        description=item.description,
        position=item.position,
        published=item.published,
        lessons=len(lessons),
        enrolled=item.enrollments.count(),
        items=[_lesson_out(item, lesson) for lesson in lessons],
    )


def _course_form(payload: CourseIn) -> CourseForm:
    data, type_errors = form_data(payload, CourseForm)
    form = CourseForm(data)
    ensure_valid(form, type_errors)
    return form


@router.get(
    "/learning/manage/courses",
    response={200: list[ManagedCourseOut], **error_responses()},
    summary="全部课程（含未上线；质协工作人员）",
)
def managed_courses(request: HttpRequest) -> list[ManagedCourseOut]:
    if not can_manage(current_user(request)):
        raise PermissionDenied
    return [
        ManagedCourseOut(
            id=c.pk,
            title=c.title,
            description=c.description,
            position=c.position,
            published=c.published,
            lessons=c.lesson_count,  # type: ignore[attr-defined]
            enrolled=c.enrolled,  # type: ignore[attr-defined]
        )
        for c in selectors.courses_all().order_by("position", "pk")
    ]


@router.post(
    "/learning/courses",
    response={201: ManagedCourseDetailOut, **error_responses(400, 403, 422)},
    summary="新建课程（添加课时后上线）",
    auth=scoped("staff:write"),
)
def course_create(request: HttpRequest, payload: CourseIn) -> Status[ManagedCourseDetailOut]:
    user = current_user(request)
    if not can_manage(user):
        raise NotAllowed(_("只有质协工作人员可以管理课程。"), code="staff_only")
    form = _course_form(payload)
    return Status(201, _managed_out(services.course_create(actor=user, data=form.cleaned_data)))


@router.put(
    "/learning/courses/{course_id}",
    response={200: ManagedCourseDetailOut, **error_responses(400, 403, 404, 422)},
    summary="修改课程",
    auth=scoped("staff:write"),
)
def course_update(
    request: HttpRequest, course_id: CourseId, payload: CourseIn
) -> ManagedCourseDetailOut:
    user = current_user(request)
    item = _managed(user, course_id)
    form = _course_form(payload)
    return _managed_out(services.course_update(actor=user, course=item, data=form.cleaned_data))


@router.post(
    "/learning/courses/{course_id}/publish",
    response={200: ManagedCourseDetailOut, **error_responses(403, 404, 409)},
    summary="课程上线（须至少有一个课时）",
    auth=scoped("staff:write"),
)
def course_publish(request: HttpRequest, course_id: CourseId) -> ManagedCourseDetailOut:
    user = current_user(request)
    item = _managed(user, course_id)
    return _managed_out(services.course_publish(actor=user, course=item, published=True))


@router.post(
    "/learning/courses/{course_id}/unpublish",
    response={200: ManagedCourseDetailOut, **error_responses(403, 404, 409)},
    summary="课程下线（学员的进度保留）",
    auth=scoped("staff:write"),
)
def course_unpublish(request: HttpRequest, course_id: CourseId) -> ManagedCourseDetailOut:
    user = current_user(request)
    item = _managed(user, course_id)
    return _managed_out(services.course_publish(actor=user, course=item, published=False))


def _lesson_data(form: LessonForm) -> dict[str, Any]:
    return {f: form.cleaned_data.get(f) or "" for f in services.LESSON_FIELDS}


@router.post(
    "/learning/courses/{course_id}/lessons",
    response={201: ManagedCourseDetailOut, **error_responses(400, 403, 404, 422)},
    summary="添加课时（文档、视频或链接，排在最后）",
    description="multipart/form-data：title、kind、description、url、file。文件按内容识别类型。",
    openapi_extra=_LESSON_BODY,
    auth=scoped("staff:write"),
)
def lesson_add(request: HttpRequest, course_id: CourseId) -> Status[ManagedCourseDetailOut]:
    user = current_user(request)
    item = _managed(user, course_id)
    form = validated_upload(request, LessonForm)
    services.lesson_add(
        actor=user, course=item, data=_lesson_data(form), file=form.cleaned_data.get("file")
    )
    return Status(201, _managed_out(item))


@router.post(
    "/learning/courses/{course_id}/lessons/{lesson_id}",
    response={200: ManagedCourseDetailOut, **error_responses(400, 403, 404, 422)},
    summary="修改课时（上传新文件则替换原文件）",
    description="multipart/form-data，字段同添加课时；不上传文件则保留原文件。",
    openapi_extra=_LESSON_BODY,
    auth=scoped("staff:write"),
)
def lesson_update(
    request: HttpRequest, course_id: CourseId, lesson_id: LessonId
) -> ManagedCourseDetailOut:
    user = current_user(request)
    item = _managed(user, course_id)
    lesson = selectors.lesson_get(item, lesson_id)
    form = validated_upload(request, LessonForm)
    services.lesson_update(
        actor=user, lesson=lesson, data=_lesson_data(form), file=form.cleaned_data.get("file")
    )
    return _managed_out(item)


@router.delete(
    "/learning/courses/{course_id}/lessons/{lesson_id}",
    response={200: ManagedCourseDetailOut, **error_responses(403, 404, 409)},
    summary="删除课时（课程没有课时后自动下线）",
    auth=scoped("staff:write"),
)
def lesson_remove(
    request: HttpRequest, course_id: CourseId, lesson_id: LessonId
) -> ManagedCourseDetailOut:
    user = current_user(request)
    item = _managed(user, course_id)
    services.lesson_remove(actor=user, lesson=selectors.lesson_get(item, lesson_id))
    item.refresh_from_db()
    return _managed_out(item)


@router.post(
    "/learning/courses/{course_id}/lessons/{lesson_id}/move",
    response={200: ManagedCourseDetailOut, **error_responses(400, 403, 404, 409, 422)},
    summary="调整课时顺序（上移或下移一位）",
    auth=scoped("staff:write"),
)
def lesson_move(
    request: HttpRequest, course_id: CourseId, lesson_id: LessonId, payload: LessonMoveIn
) -> ManagedCourseDetailOut:
    user = current_user(request)
    item = _managed(user, course_id)
    lesson = selectors.lesson_get(item, lesson_id)
    if payload.direction not in ("up", "down"):
        raise InvalidInput({"direction": [_("方向应为上移或下移。")]})
    services.lesson_move(actor=user, lesson=lesson, direction=payload.direction)
    return _managed_out(item)
