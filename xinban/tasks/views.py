"""Following a background task: its progress (polled by htmx, or as JSON), its result
file, and the staff list with retry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinban.core import uploads
from xinban.core.errors import ServiceError
from xinban.core.http import AuthenticatedHttpRequest
from xinban.core.roles import roles_of
from xinban.tasks import selectors, services
from xinban.tasks.models import Task, TaskState


@login_required
def status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_for(user=request.user, pk=pk)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {
                "id": task.pk,
                "name": task.name,
                "state": task.state,
                "done": task.progress_done,
                "total": task.progress_total,
                "percent": task.percent,
                "has_file": bool(task.result_file),
            }
        )
    return render(request, "tasks/_progress.html", {"task": task})


@login_required
def download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    task = selectors.task_for(user=request.user, pk=pk)
    if task.state != TaskState.DONE or not task.result_file:
        raise Http404
    return uploads.attachment_response(task.result_file, download_name=task.result_name)


@login_required
def task_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not roles_of(request.user).is_staff:
        raise PermissionDenied
    state = request.GET.get("state", "")
    if state not in TaskState.values:
        state = ""
    page = Paginator(selectors.tasks_for_staff(state=state), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "tasks/list.html",
        {"page": page, "state": state, "states": TaskState.choices},
    )


@login_required
@require_POST
def retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not roles_of(request.user).is_staff:
        raise PermissionDenied
    task = get_object_or_404(Task, pk=pk)
    try:
        services.task_retry(actor=request.user, task=task)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("任务已重新排队。"))
    return redirect("tasks:list")
