"""The ranking by domain and the decisions: 评价结果, typical-experience candidates and
their confirmation, the national mark."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinban.core.actions import perform
from xinban.core.http import AuthenticatedHttpRequest
from xinban.evaluation import selectors
from xinban.evaluation.forms import DecisionForm, NationalForm, ReasonForm
from xinban.evaluation.services.decisions import (
    typical_confirm,
    typical_confirm_refusal,
)
from xinban.evaluation.views.common import (
    campaign_or_404,
    evaluation_application,
    form_errors,
    require_staff,
)


@login_required
def ranking(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One domain at a time (tabs), 50 rows a page: the ranking itself is computed once
    and cached (see selectors.expert_rank_entries)."""
    require_staff(request)
    campaign = campaign_or_404()
    default = selectors.expert_normalise_default(campaign)
    normalise = request.GET.get("normalise", "1" if default else "0") == "1"
    current = request.GET.get("round", "")
    number = int(current) if current.isdigit() and len(current) < 6 else None
    entries = selectors.expert_rank_entries(campaign=campaign, round=number, normalise=normalise)
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.domain] = counts.get(entry.domain, 0) + 1
    domain = request.GET.get("domain", "")
    if domain not in counts:
        domain = next(iter(counts), "")
    page = Paginator([e for e in entries if e.domain == domain], 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "evaluation/ranking.html",
        {
            "campaign": campaign,
            "domains": list(counts.items()),
            "domain": domain,
            "page": page,
            "rows": selectors.ranking_lines(list(page.object_list)),
            "normalise": normalise,
            "round": number,
            "rounds": selectors.rounds_of(campaign),
        },
    )


@login_required
@require_POST
def decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    app = evaluation_application(campaign_or_404(), pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: form.save(actor=request.user, application=app),
            _("评价结果已保存：%(team)s") % {"team": app.team_name},
        )
    else:
        form_errors(request, form)
    return redirect("evaluation:application", pk=app.pk)


@login_required
def candidates(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_staff(request)
    campaign = campaign_or_404()
    rows = selectors.candidates_for_staff(campaign=campaign)
    return render(
        request,
        "evaluation/candidates.html",
        {
            "campaign": campaign,
            "rows": rows,
            # The button only where the service would confirm (docs/rules.md).
            "confirmable": {
                row.application.pk
                for row in rows
                if typical_confirm_refusal(
                    row.application,
                    has_video=row.video is not None,
                    verdicts=[r.verdict for r in row.reviews],
                )
                is None
            },
            "national_form": NationalForm(),
        },
    )


@login_required
@require_POST
def confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    app = evaluation_application(campaign_or_404(), pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    perform(
        request,
        lambda: typical_confirm(actor=request.user, application=app, reason=reason),
        _("已确认为典型经验：%(team)s") % {"team": app.team_name},
    )
    return redirect("evaluation:candidates")


@login_required
@require_POST
def national(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    app = evaluation_application(campaign_or_404(), pk)
    form = NationalForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: form.save(actor=request.user, application=app),
            _("已更新全国推荐标记：%(team)s") % {"team": app.team_name},
        )
    else:
        form_errors(request, form)
    return redirect("evaluation:candidates")
