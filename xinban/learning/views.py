"""The course catalogue, a course with the user's progress, and lesson files (downloaded
through a checked view: a published course, a signed-in user)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinban.core import uploads
from xinban.core.errors import ServiceError
from xinban.core.http import AuthenticatedHttpRequest
from xinban.learning import selectors, services
from xinban.learning.models import Lesson


def catalogue(request: HttpRequest) -> HttpResponse:
    mine = selectors.my_courses(request.user) if request.user.is_authenticated else []
    return render(
        request,
        "learning/catalogue.html",
        {"courses": list(selectors.courses_published()), "mine": mine},
    )


def course(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.course_get(pk)
    enrolled, done = selectors.progress_of(request.user, item)
    lessons = list(item.lessons.all())
    return render(
        request,
        "learning/course.html",
        {
            "course": item,
            "lessons": lessons,
            "enrolled": enrolled,
            "done": done,
            "percent": len(done) * 100 // len(lessons) if lessons else 0,
        },
    )


@login_required
@require_POST
def enrol(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.course_get(pk)
    services.course_enrol(actor=request.user, course=item)
    messages.success(request, _("已选择该课程。"))
    return redirect("learning:course", pk=item.pk)


def _lesson(pk: int, lesson_pk: int) -> Lesson:
    item = selectors.course_get(pk)
    return get_object_or_404(Lesson, pk=lesson_pk, course=item)


@login_required
@require_POST
def complete(request: AuthenticatedHttpRequest, pk: int, lesson_pk: int) -> HttpResponse:
    lesson = _lesson(pk, lesson_pk)
    try:
        services.lesson_complete(
            actor=request.user, lesson=lesson, done=request.POST.get("done", "1") == "1"
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("learning:course", pk=pk)


@login_required
def lesson_file(request: AuthenticatedHttpRequest, pk: int, lesson_pk: int) -> FileResponse:
    lesson = _lesson(pk, lesson_pk)
    if not lesson.file:
        raise Http404
    name = (lesson.file.name or "").rsplit("/", 1)[-1]
    return uploads.attachment_response(lesson.file, download_name=f"{lesson.title}-{name}")
