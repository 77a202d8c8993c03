"""An expert's pages: their sheets, one sheet (the score-sheet page judges share,
:mod:`xinban.scoring.sheet_page`), 回避."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from xinban.campaigns.selectors import campaign_current
from xinban.core.http import AuthenticatedHttpRequest
from xinban.evaluation import selectors
from xinban.evaluation.services.expert_sheets import expert_conflict_declare
from xinban.scoring.models import Judge, SheetStatus
from xinban.scoring.sheet_page import conflict_view, score_sheet_view


@login_required
def expert_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    sheets = list(selectors.expert_sheets(user=request.user))
    if not sheets and not Judge.objects.filter(user=request.user).exists():
        raise Http404
    campaign = campaign_current()
    return render(
        request,
        "evaluation/expert_home.html",
        {
            "sheets": sheets,
            "deadlines": selectors.round_deadlines(campaign) if campaign else {},
            "done": sum(s.status == SheetStatus.SUBMITTED for s in sheets),
        },
    )


#: One sheet: the score-sheet page the unit's judges share (docs/architecture.md).
expert_sheet = score_sheet_view(
    get_sheet=selectors.expert_sheet_get,
    template_name="evaluation/expert_sheet.html",
    sheet_url="evaluation:expert_sheet",
    home_url="evaluation:expert_home",
)


#: 回避 on an expert sheet (docs/rules.md, rule 8).
expert_conflict = conflict_view(
    get_sheet=selectors.expert_sheet_get,
    declare=expert_conflict_declare,
    sheet_url="evaluation:expert_sheet",
    home_url="evaluation:expert_home",
)
