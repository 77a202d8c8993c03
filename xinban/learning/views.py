"""Online learning pages: the catalogue, a course with the user's own progress, lesson
files (downloaded through a checked view: a course the user may see, signed in); for
staff, managing the catalogue (courses, lessons with uploaded documents and videos,
order, putting a course online)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xinban.core import uploads
from xinban.core.actions import perform
from xinban.core.errors import ServiceError
from xinban.core.forms import add_service_error
from xinban.core.http import AuthenticatedHttpRequest
from xinban.learning import selectors, services
from xinban.learning.forms import CourseForm, LessonForm
from xinban.learning.models import Course, Lesson
from xinban.learning.rules import can_manage


def catalogue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "learning/catalogue.html",
        {
            "courses": list(selectors.courses_published()),
            "mine": selectors.my_courses(request.user),
            "manager": can_manage(request.user),
        },
    )


def course(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.course_get(pk, request.user)
    enrolled, done = selectors.progress_of(request.user, item)
    lessons = selectors.lessons(item)
    done &= {lesson.pk for lesson in lessons}
    return render(
        request,
        "learning/course.html",
        {
            "course": item,
            "lessons": lessons,
            "enrolled": enrolled,
            "done": done,
            "done_count": len(done),
            "percent": selectors.percent(len(done), len(lessons)),
            "manager": can_manage(request.user),
        },
    )


@login_required
@require_POST
def enrol(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.course_get(pk, request.user)
    perform(
        request,
        lambda: services.course_enrol(actor=request.user, course=item),
        _("已选择该课程，可以开始学习。"),
    )
    return redirect("learning:course", pk=item.pk)


@login_required
@require_POST
def complete(request: AuthenticatedHttpRequest, pk: int, lesson_pk: int) -> HttpResponse:
    lesson = selectors.lesson_get(selectors.course_get(pk, request.user), lesson_pk)
    perform(
        request,
        lambda: services.lesson_complete(
            actor=request.user, lesson=lesson, done=request.POST.get("done", "1") == "1"
        ),
        "",
    )
    return redirect("learning:course", pk=pk)


@login_required
def lesson_file(request: AuthenticatedHttpRequest, pk: int, lesson_pk: int) -> FileResponse:
    lesson = selectors.lesson_get(selectors.course_get(pk, request.user), lesson_pk)
    if not lesson.file:
        raise Http404
    name = lesson.original_name or (lesson.file.name or "").rsplit("/", 1)[-1]
    ext = name.rpartition(".")[2] if "." in name else ""
    download = f"{lesson.title}.{ext}" if ext else lesson.title
    return uploads.attachment_response(lesson.file, download_name=download)


# --------------------------------------------------------------------------- staff


def _staff(request: AuthenticatedHttpRequest) -> None:
    if not can_manage(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: AuthenticatedHttpRequest) -> HttpResponse:
    _staff(request)
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.course_create(actor=request.user, data=form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("课程已创建，请添加课时后上线。"))
            return redirect("learning:course_edit", pk=created.pk)
    return render(
        request,
        "learning/manage.html",
        {"courses": list(selectors.courses_all()), "form": form},
    )


def _managed_course(request: AuthenticatedHttpRequest, pk: int) -> Course:
    _staff(request)
    return selectors.course_get(pk, request.user)


def _edit_page(
    request: HttpRequest,
    item: Course,
    form: CourseForm | None = None,
    lesson_form: LessonForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "learning/course_edit.html",
        {
            "course": item,
            "form": form
            or CourseForm(
                initial={f: getattr(item, f) for f in services.COURSE_FIELDS}, prefix="course"
            ),
            "lesson_form": lesson_form or LessonForm(prefix="lesson"),
            "lessons": selectors.lessons(item),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _managed_course(request, pk)
    if request.method != "POST":
        return _edit_page(request, item)
    form = CourseForm(request.POST, prefix="course")
    if form.is_valid():
        try:
            services.course_update(actor=request.user, course=item, data=form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("learning:course_edit", pk=item.pk)
    return _edit_page(request, item, form=form)


@login_required
@require_POST
def publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _managed_course(request, pk)
    online = request.POST.get("published", "1") == "1"
    perform(
        request,
        lambda: services.course_publish(actor=request.user, course=item, published=online),
        _("课程已上线。") if online else _("课程已下线。"),
    )
    return redirect("learning:course_edit", pk=item.pk)


def _lesson_data(form: LessonForm) -> dict[str, object]:
    return {f: form.cleaned_data.get(f) or "" for f in services.LESSON_FIELDS}


@login_required
@require_POST
def lesson_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _managed_course(request, pk)
    form = LessonForm(request.POST, request.FILES, prefix="lesson")
    refused = uploads.add_upload_refusal_errors(form, request)
    if not refused and form.is_valid():
        try:
            services.lesson_add(
                actor=request.user,
                course=item,
                data=_lesson_data(form),
                file=form.cleaned_data.get("file"),
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("课时已添加。"))
            return redirect("learning:course_edit", pk=item.pk)
    return _edit_page(request, item, lesson_form=form)


def _managed_lesson(request: AuthenticatedHttpRequest, pk: int, lesson_pk: int) -> Lesson:
    return selectors.lesson_get(_managed_course(request, pk), lesson_pk)


@login_required
@require_http_methods(["GET", "POST"])
def lesson_edit(request: AuthenticatedHttpRequest, pk: int, lesson_pk: int) -> HttpResponse:
    lesson = _managed_lesson(request, pk, lesson_pk)
    if request.method == "POST":
        form = LessonForm(request.POST, request.FILES)
        refused = uploads.add_upload_refusal_errors(form, request)
        if not refused and form.is_valid():
            try:
                services.lesson_update(
                    actor=request.user,
                    lesson=lesson,
                    data=_lesson_data(form),
                    file=form.cleaned_data.get("file"),
                )
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("learning:course_edit", pk=pk)
    else:
        form = LessonForm(initial={f: getattr(lesson, f) for f in services.LESSON_FIELDS})
    return render(
        request,
        "learning/lesson_edit.html",
        {"course": lesson.course, "lesson": lesson, "form": form},
    )


@login_required
@require_POST
def lesson_remove(request: AuthenticatedHttpRequest, pk: int, lesson_pk: int) -> HttpResponse:
    lesson = _managed_lesson(request, pk, lesson_pk)
    perform(
        request,
        lambda: services.lesson_remove(actor=request.user, lesson=lesson),
        _("课时已删除。"),
    )
    return redirect("learning:course_edit", pk=pk)


@login_required
@require_POST
def lesson_move(
    request: AuthenticatedHttpRequest, pk: int, lesson_pk: int, direction: str
) -> HttpResponse:
    lesson = _managed_lesson(request, pk, lesson_pk)
    if direction not in ("up", "down"):
        raise Http404
    perform(
        request,
        lambda: services.lesson_move(actor=request.user, lesson=lesson, direction=direction),
        "",
    )
    return redirect("learning:course_edit", pk=pk)
