"""The unit's ranking and its recommendation list: recommending, withdrawing, reordering,
the quota staff set."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinban.core.actions import perform
from xinban.core.errors import ServiceError
from xinban.core.http import AuthenticatedHttpRequest
from xinban.core.roles import roles_of
from xinban.recommendation import selectors, services
from xinban.recommendation.forms import QuotaForm, RecommendForm
from xinban.recommendation.models import Recommendation, ReportStatus
from xinban.recommendation.views.common import _campaign, _unit
from xinban.scoring.models import Stage
from xinban.scoring.services import rubric_for


@login_required
def ranking(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    campaign = _campaign()
    rubric = rubric_for(campaign=campaign, stage=Stage.UNIT)
    normalise = request.GET.get("normalise", "1" if rubric.normalise_judges else "0") == "1"
    entries = selectors.unit_rank_entries(unit=unit, campaign=campaign, normalise=normalise)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    report_status, quota = selectors.unit_report_state(unit=unit, campaign=campaign)
    return render(
        request,
        "recommendation/ranking.html",
        {
            "unit": unit,
            "campaign": campaign,
            "rows": selectors.ranking_lines(
                list(page.object_list), minimum=campaign.min_unit_judge_sheets
            ),
            "page": page,
            "filters": {"normalise": "1" if normalise else "0"},
            "normalise": normalise,
            "locked": report_status not in (None, ReportStatus.DRAFT),
            # Row links from one reverse() each, not one per row.
            "application_url": reverse("recommendation:application", args=[unit.pk, 0])[:-2],
            "recommend_url": reverse("recommendation:recommend", args=[unit.pk, 0])[:-12],
            "quota": quota,
            "is_admin": unit.pk in roles_of(request.user).unit_admin_ids,
            "recommend_form": RecommendForm(),
        },
    )


@login_required
@require_POST
def recommend(request: AuthenticatedHttpRequest, unit_pk: int, pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk, admin=True)
    app = selectors.unit_application_get(unit=unit, pk=pk)
    form = RecommendForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: services.recommend(
                actor=request.user, application=app, opinion=form.cleaned_data["opinion"]
            ),
            _("已加入推荐名单：%(team)s") % {"team": app.team_name},
        )
    else:
        messages.error(request, _("请填写推荐意见。"))
    return redirect("recommendation:ranking", unit_pk=unit.pk)


@login_required
@require_POST
def unrecommend(request: AuthenticatedHttpRequest, unit_pk: int, rec_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk, admin=True)
    rec = get_object_or_404(Recommendation, pk=rec_pk, report__unit=unit)
    try:
        services.unrecommend(actor=request.user, recommendation=rec)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("recommendation:report", unit_pk=unit.pk)


@login_required
@require_POST
def move(
    request: AuthenticatedHttpRequest, unit_pk: int, rec_pk: int, direction: str
) -> HttpResponse:
    unit = _unit(request, unit_pk, admin=True)
    if direction not in ("up", "down"):
        raise Http404
    rec = get_object_or_404(Recommendation, pk=rec_pk, report__unit=unit)
    ids = list(rec.report.recommendations.order_by("position", "id").values_list("pk", flat=True))
    i = ids.index(rec.pk)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(ids):
        ids[i], ids[j] = ids[j], ids[i]
        try:
            services.recommendation_reorder(actor=request.user, report=rec.report, ordered_ids=ids)
        except ServiceError as exc:
            messages.error(request, exc.message)
    return redirect("recommendation:report", unit_pk=unit.pk)


@login_required
@require_POST
def quota(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    if not roles_of(request.user).is_staff:
        raise PermissionDenied
    form = QuotaForm(request.POST)
    if form.is_valid():
        services.quota_set(actor=request.user, unit=unit, campaign=_campaign(), **form.cleaned_data)
        messages.success(request, _("推荐名额已调整。"))
    else:
        messages.error(request, _("请填写名额和原因。"))
    return redirect("recommendation:report", unit_pk=unit.pk)
