"""A unit judge's pages: their sheets, one sheet (the shared score-sheet page) and a
declared conflict of interest."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from xinban.accounts.models import User
from xinban.core.http import AuthenticatedHttpRequest
from xinban.recommendation import selectors, services
from xinban.scoring.models import Judge, ScoreSheet
from xinban.scoring.sheet_page import conflict_view, score_sheet_view


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


def _declare(*, actor: User, sheet: ScoreSheet, reason: str) -> object:
    # A unit judge declares the conflict for the organisation: every sheet of its
    # applications is withdrawn (docs/rules.md, rule 8).
    return services.conflict_declare(
        actor=actor, organisation=sheet.application.organisation, reason=reason
    )


#: 回避 on a unit judge's sheet.
judge_conflict = conflict_view(
    get_sheet=selectors.judge_sheet_get,
    declare=_declare,
    sheet_url="recommendation:judge_sheet",
    home_url="recommendation:judge_home",
)
