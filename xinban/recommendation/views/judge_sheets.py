"""A unit judge's pages: their sheets, one sheet (the shared score-sheet page) and a
declared conflict of interest."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinban.core.errors import ServiceError
from xinban.core.http import AuthenticatedHttpRequest
from xinban.recommendation import selectors, services
from xinban.recommendation.forms import ConflictForm
from xinban.scoring.models import Judge
from xinban.scoring.sheet_page import score_sheet_view


@login_required
def judge_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    sheets = list(selectors.judge_sheets(user=request.user))
    if not sheets and not Judge.objects.filter(user=request.user).exists():
        raise Http404
    return render(request, "recommendation/judge_home.html", {"sheets": sheets})


#: One sheet: the score-sheet page the association's experts share (docs/architecture.md).
judge_sheet = score_sheet_view(
    get_sheet=selectors.judge_sheet_get,
    template_name="recommendation/judge_sheet.html",
    sheet_url="recommendation:judge_sheet",
    home_url="recommendation:judge_home",
)


@login_required
@require_POST
def judge_conflict(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sheet = selectors.judge_sheet_get(user=request.user, pk=pk)
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            services.conflict_declare(
                actor=request.user,
                organisation=sheet.application.organisation,
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("recommendation:judge_sheet", pk=pk)
        messages.success(request, _("已声明回避，该评审任务已撤回。"))
    return redirect("recommendation:judge_home")
