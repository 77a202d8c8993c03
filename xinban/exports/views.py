"""``/exports/<kind>.xlsx?<the list's filters>``: the list as Excel, for whoever may see the
list, holding exactly what they see. Small lists stream at once; large ones (over
``XINBAN_EXPORT_BACKGROUND_ROWS``) run as a background task with a progress bar."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render

from xinban.core.http import AuthenticatedHttpRequest
from xinban.core.middleware import client_ip_of
from xinban.core.ratelimit import hit
from xinban.exports.registry import SPECS, ExportSpec, export_params
from xinban.exports.tasks import xlsx
from xinban.exports.writer import spooled_xlsx, xlsx_download
from xinban.tasks.api import task_id
from xinban.tasks.selectors import task_for


def download(request: AuthenticatedHttpRequest, kind: str) -> HttpResponseBase:
    """Login required, except for the public lists (结果公布)."""
    spec = SPECS.get(kind)
    if (spec is None or not spec.public) and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if spec is None:
        raise Http404
    if not request.user.is_authenticated:
        # Anyone may download 结果公布, so an address is limited as on the public API
        # (the same counter): a page of 429 with Retry-After over the limit.
        verdict = hit(
            f"api:ip:{client_ip_of(request) or '-'}",
            limit=settings.XINBAN_API_RATE_LIMIT_ANON,
            window=settings.XINBAN_API_RATE_WINDOW_SECONDS,
        )
        if not verdict.allowed:
            response = render(request, "429.html", {"retry_after": verdict.retry_after}, status=429)
            response["Retry-After"] = str(verdict.retry_after)
            return response
    return _export(request, spec, export_params(request.GET))


@login_required
def unit_download(request: AuthenticatedHttpRequest, unit_pk: int, kind: str) -> HttpResponseBase:
    """A recommending unit's list (``/exports/unit/<unit_pk>/<kind>.xlsx``): the same as
    ``/exports/<kind>.xlsx?unit_pk=<unit_pk>``."""
    spec = SPECS.get(kind)
    if spec is None or not spec.unit_scoped:
        raise Http404
    return _export(request, spec, export_params({**request.GET.dict(), "unit_pk": unit_pk}))


def _export(
    request: AuthenticatedHttpRequest, spec: ExportSpec, params: dict[str, str]
) -> HttpResponseBase:
    count = spec.count(request.user, params)  # the list's own permission check
    # A task belongs to a user: an anonymous export of a public list is streamed.
    if count > settings.XINBAN_EXPORT_BACKGROUND_ROWS and request.user.is_authenticated:
        queued = xlsx.enqueue(kind=spec.name, params=params, user_id=request.user.pk)
        return redirect("exports:task", pk=task_id(queued))
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
