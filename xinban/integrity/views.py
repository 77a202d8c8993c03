"""The similarity check's page: the overall figure, the sources and the passages side by
side (docs/similarity.md); staff run it again. Thin: rights in rules.py, reads in
selectors.py, the write in services.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xinban.core.errors import ServiceError
from xinban.core.http import AuthenticatedHttpRequest
from xinban.integrity import selectors, services


@login_required
@require_GET
def similarity(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_for_similarity(user=request.user, pk=pk)
    result = selectors.similarity_view(user=request.user, application=application)
    return render(
        request, "integrity/similarity.html", {"application": application, "result": result}
    )


@login_required
@require_POST
def similarity_run(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_for_similarity(user=request.user, pk=pk)
    if not request.user.has_perm("integrity.run_similarity", application):
        raise PermissionDenied
    try:
        services.similarity_check_request(actor=request.user, application=application)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已重新提交查重，完成后结果将显示在此页。"))
    return redirect("integrity:similarity", pk=application.pk)
