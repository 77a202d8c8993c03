"""Assigning experts: the round's overview, the automatic assignment, one application's
experts (add by hand, withdraw)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinban.applications.models import Application
from xinban.campaigns.models import Campaign
from xinban.core.actions import perform
from xinban.core.errors import ServiceError
from xinban.core.http import AuthenticatedHttpRequest
from xinban.evaluation import rules, selectors
from xinban.evaluation.forms import (
    AutoAssignForm,
    DecisionForm,
    ManualAssignForm,
    NationalForm,
    ReasonForm,
)
from xinban.evaluation.models import EvaluationRound
from xinban.evaluation.services.decisions import decision_refusal
from xinban.evaluation.services.expert_assignment import expert_assign_auto, expert_assign_manual
from xinban.evaluation.services.expert_sheets import expert_unassign
from xinban.evaluation.views.common import (
    campaign_or_404,
    evaluation_application,
    form_errors,
    require_staff,
)
from xinban.scoring.models import Judge, ScoreSheet, Stage


def _round_from(request: AuthenticatedHttpRequest, campaign: Campaign) -> EvaluationRound | None:
    number = request.GET.get("round") or request.POST.get("round") or ""
    if number.isdigit():
        return EvaluationRound.objects.filter(campaign=campaign, number=int(number)).first()
    return selectors.round_latest(campaign)


@login_required
def assignments(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_staff(request)
    campaign = campaign_or_404()
    current = _round_from(request, campaign)
    result = request.session.pop("evaluation_auto_result", None)
    return render(
        request,
        "evaluation/assignments.html",
        {
            "campaign": campaign,
            "round": current,
            "rounds": selectors.rounds_of(campaign),
            "rows": selectors.assignment_rows(campaign=campaign, round=current),
            "panel": selectors.expert_panel(campaign=campaign, round=current),
            "auto_form": AutoAssignForm(),
            "result": result,
        },
    )


@login_required
@require_POST
def assign_auto(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_staff(request)
    campaign = campaign_or_404()
    current = _round_from(request, campaign)
    form = AutoAssignForm(request.POST)
    if current is None:
        messages.error(request, _("请先新建评审轮次。"))
        return redirect("evaluation:rounds")
    if not form.is_valid():
        form_errors(request, form)
        return redirect("evaluation:assignments")
    try:
        result = expert_assign_auto(
            actor=request.user, campaign=campaign, round=current, k=form.cleaned_data["k"]
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("自动分配完成：新增 %(count)s 项评审任务。") % {"count": result.created},
        )
        # The uncovered applications and why, shown once on the next page.
        names = dict(
            Application.objects.filter(pk__in=result.uncovered).values_list("pk", "number")
        )
        request.session["evaluation_auto_result"] = {
            "uncovered": [
                {"pk": pk, "number": names.get(pk, ""), "reason": reason}
                for pk, reason in sorted(result.uncovered.items())
            ],
            "conflicting": len(result.conflicting_existing),
        }
    return redirect(f"{reverse('evaluation:assignments')}?round={current.number}")


def _with_unassign_refusal(sheet: ScoreSheet, app: Application) -> ScoreSheet:
    sheet.application = app
    sheet.unassign_refused = rules.expert_unassign_refusal(sheet)  # type: ignore[attr-defined]
    return sheet


@login_required
def application(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    campaign = campaign_or_404()
    app = evaluation_application(campaign, pk)
    exclusions = selectors.exclusions_for(application=app)
    allowed = [e.member.judge_id for e in exclusions if e.reason is None]
    decision = getattr(app, "evaluation_decision", None)
    return render(
        request,
        "evaluation/application.html",
        {
            "application": app,
            # Each button only while the service would accept it (docs/rules.md).
            "sheets": [
                _with_unassign_refusal(s, app)
                for s in ScoreSheet.objects.filter(application=app, stage=Stage.EXPERT)
                .select_related("judge")
                .order_by("round", "judge__name")
            ],
            "assign_refused": rules.expert_assign_refusal(app, selectors.round_latest(campaign)),
            "unit_sheets": list(
                ScoreSheet.objects.filter(application=app, stage=Stage.UNIT, status="submitted")
                .select_related("judge")
                .order_by("judge__name")
            ),
            "exclusions": exclusions,
            "assign_form": ManualAssignForm(judges=Judge.objects.filter(pk__in=allowed)),
            "rounds": selectors.rounds_of(campaign),
            "decision": decision,
            # The form only while the service would accept a decision; else why not.
            "decision_refused": decision_refusal(app),
            "decision_form": DecisionForm(
                initial={
                    "level": decision.level if decision else "",
                    "consensus_notes": decision.consensus_notes if decision else "",
                }
            ),
            "national_form": NationalForm(),
            "attachments": list(app.attachments.all()),
            "video": getattr(app, "presentation_video", None),
            "reviews": list(app.guiding_reviews.select_related("guiding_unit", "reviewer")),
        },
    )


@login_required
@require_POST
def assign_manual(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    campaign = campaign_or_404()
    app = evaluation_application(campaign, pk)
    current = _round_from(request, campaign)
    form = ManualAssignForm(request.POST, judges=Judge.objects.all())
    if current is None:
        messages.error(request, _("请先新建评审轮次。"))
    elif form.is_valid():
        judge = form.cleaned_data["judge"]
        perform(
            request,
            lambda: expert_assign_manual(
                actor=request.user, application=app, judge=judge, round=current
            ),
            _("已分配专家：%(name)s") % {"name": judge.name},
        )
    else:
        form_errors(request, form)
    return redirect("evaluation:application", pk=app.pk)


@login_required
@require_POST
def unassign(request: AuthenticatedHttpRequest, sheet_pk: int) -> HttpResponse:
    require_staff(request)
    sheet = get_object_or_404(
        ScoreSheet.objects.select_related("application"),
        pk=sheet_pk,
        stage=Stage.EXPERT,
        application__campaign=campaign_or_404(),
    )
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    perform(
        request,
        lambda: expert_unassign(actor=request.user, sheet=sheet, reason=reason),
        _("已撤回该评审任务。"),
    )
    return redirect("evaluation:application", pk=sheet.application_id)
