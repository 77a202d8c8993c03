"""``/exports/<kind>.xlsx?<the list's filters>``: the list as Excel, for whoever may see the
list, holding exactly what they see. Small lists stream at once; large ones (over
``XINBAN_EXPORT_BACKGROUND_ROWS``) run as a background task with a progress bar."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render

from xinban.core.http import AuthenticatedHttpRequest
from xinban.exports.registry import SPECS, export_params
from xinban.exports.writer import spooled_xlsx, xlsx_download
from xinban.tasks.api import enqueue
from xinban.tasks.selectors import task_for


@login_required
def download(request: AuthenticatedHttpRequest, kind: str) -> HttpResponseBase:
    spec = SPECS.get(kind)
    if spec is None:
        raise Http404
    params = export_params(request.GET)
    count = spec.count(request.user, params)  # the list's own permission check
    if count > settings.XINBAN_EXPORT_BACKGROUND_ROWS:
        task = enqueue(
            "exports.xlsx", actor=request.user, kind=kind, params=params, user_id=request.user.pk
        )
        return redirect("exports:task", pk=task.pk)
    spool = spooled_xlsx(
        title=str(spec.title), headers=spec.headers(), rows=spec.rows(request.user, params)
    )
    return xlsx_download(spool, spec.filename())


@login_required
def task(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = task_for(user=request.user, pk=pk)
    if item.name != "exports.xlsx":
        raise Http404
    return render(request, "exports/task.html", {"task": item})
