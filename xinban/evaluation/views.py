"""Pages of the association's evaluation (docs/architecture.md, "The association's evaluation"):
staff run formal review, the expert
panel, assignment, rounds, rankings and decisions; experts score what they were given;
guiding units review typical-experience candidates; applicants upload the presentation
video. Who may see what is in rules.py: outsiders 404, read-only roles 403."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign
from xinban.campaigns.selectors import campaign_current
from xinban.core import uploads
from xinban.core.actions import perform
from xinban.core.errors import ServiceError
from xinban.core.forms import add_service_error
from xinban.core.http import AuthenticatedHttpRequest
from xinban.core.roles import roles_of
from xinban.evaluation import rules, selectors, services
from xinban.evaluation.forms import (
    AutoAssignForm,
    BulkPassForm,
    DeadlineForm,
    DecisionForm,
    EmploymentForm,
    FormalReviewForm,
    GuidingReviewForm,
    ManualAssignForm,
    NationalForm,
    PanelAddForm,
    PanelMemberForm,
    ReasonForm,
    RoundForm,
    VideoForm,
)
from xinban.evaluation.models import (
    EvaluationRound,
    ExpertPanelMember,
    PresentationVideo,
)
from xinban.recommendation.forms import ConflictForm, SheetForm
from xinban.scoring.models import Judge, JudgeEmployment, ScoreSheet, SheetStatus, Stage
from xinban.scoring.services import rubric_for, sheet_deadline, sheet_save

# --------------------------------------------------------------------------- helpers


def _campaign() -> Campaign:
    campaign = campaign_current()
    if campaign is None:
        raise Http404
    return campaign


def _staff(request: AuthenticatedHttpRequest) -> None:
    """Staff pages: other signed-in users get 403 (the page exists, it is not theirs)."""
    if not request.user.has_perm("evaluation.manage"):
        raise PermissionDenied


def _form_errors(request: AuthenticatedHttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else str(error))


def _evaluation_application(campaign: Campaign, pk: int) -> Application:
    """An application of the year that has reached the association (recommended or
    later); anything else is 404 even for staff."""
    return get_object_or_404(
        Application.objects.select_related(
            "organisation", "recommending_unit", "team_type", "campaign"
        ),
        pk=pk,
        campaign=campaign,
        state__in=[ApplicationState.RECOMMENDED, *selectors.REVIEWED_STATES],
    )


# --------------------------------------------------------------------------- staff


@login_required
def staff_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    _staff(request)
    campaign = _campaign()
    counts = dict.fromkeys(ApplicationState.values, 0)
    for state in Application.objects.filter(campaign=campaign).values_list("state", flat=True):
        counts[state] += 1
    return render(
        request,
        "evaluation/staff_home.html",
        {
            "campaign": campaign,
            "counts": counts,
            "rounds": selectors.rounds_of(campaign),
            "panel_size": ExpertPanelMember.objects.filter(campaign=campaign).count(),
        },
    )


@login_required
def formal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _staff(request)
    campaign = _campaign()
    state = request.GET.get("state", "")
    if state and state not in ApplicationState.values:
        state = ""
    rows = selectors.formal_review_queue(campaign=campaign, state=state)
    return render(
        request,
        "evaluation/formal_list.html",
        {
            "campaign": campaign,
            "rows": rows,
            # Rule 6: the hand-checked items, ticked per application by the reviewer.
            "hand_items": services.hand_items(services.checklist_for(campaign)),
            "state": state,
            "states": [
                (ApplicationState.RECOMMENDED, _("待审查")),
                (ApplicationState.FORMAL_PASSED, _("已通过")),
                (ApplicationState.FORMAL_FAILED, _("未通过")),
                (ApplicationState.RETURNED, _("已退回")),
            ],
        },
    )


@login_required
@require_POST
def formal_bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    _staff(request)
    campaign = _campaign()
    queue = selectors.formal_review_queue(campaign=campaign)
    form = BulkPassForm(request.POST, ids=[row.application.pk for row in queue])
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("evaluation:formal_list")
    chosen = set(form.cleaned_data["applications"])
    try:
        result = services.formal_review_bulk(
            actor=request.user,
            applications=[row.application for row in queue if row.application.pk in chosen],
            hand_checked={pk: request.POST.getlist(f"hand_{pk}") for pk in chosen},
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已批量通过 %(passed)s 份；%(skipped)s 份需逐份审查。")
            % {"passed": len(result.passed), "skipped": len(result.refused)},
        )
    return redirect("evaluation:formal_list")


@login_required
@require_http_methods(["GET", "POST"])
def formal_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    campaign = _campaign()
    app = _evaluation_application(campaign, pk)
    items = services.checklist_for(campaign)
    computed = selectors.automatic_checks([app])[app.pk]
    review = getattr(app, "formal_review", None)
    initial: dict[str, Any] = {}
    if review is not None:
        initial.update({f"check_{k}": bool(v) for k, v in (review.checks or {}).items()})
        initial.update(outcome=review.outcome, reason=review.reason)
    form = FormalReviewForm(request.POST or None, items=items, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.formal_review_record(
                actor=request.user,
                application=app,
                outcome=form.cleaned_data["outcome"],
                checks=form.checks(),
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("形式审查结论已记录：%(team)s") % {"team": app.team_name})
            return redirect("evaluation:formal_list")
    return render(
        request,
        "evaluation/formal_review.html",
        {
            "application": app,
            "form": form,
            # Each checklist row with its tick box (None for the computed ones).
            "checks": [
                (row, None if row.automatic else form[f"check_{row.item.pk}"])
                for row in selectors.check_rows(items, computed)
            ],
            "attachments": list(app.attachments.all()),
            "review": review,
            # The form only while the service would accept it; else why not.
            "refused": services.formal_review_refusal(app),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def panel(request: AuthenticatedHttpRequest) -> HttpResponse:
    _staff(request)
    campaign = _campaign()
    on_panel = ExpertPanelMember.objects.filter(campaign=campaign).values("judge_id")
    candidates = Judge.objects.exclude(pk__in=on_panel).order_by("name")
    form = PanelAddForm(request.POST or None, judges=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_panel_add(
                actor=request.user,
                campaign=campaign,
                judge=form.cleaned_data["judge"],
                capacity=form.cleaned_data["capacity"],
                is_chair=form.cleaned_data["is_chair"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已加入专家评委库。"))
            return redirect("evaluation:panel")
    return render(
        request,
        "evaluation/panel.html",
        {"campaign": campaign, "rows": selectors.expert_panel(campaign=campaign), "form": form},
    )


def _member(campaign: Campaign, pk: int) -> ExpertPanelMember:
    return get_object_or_404(
        ExpertPanelMember.objects.select_related("judge"), pk=pk, campaign=campaign
    )


@login_required
@require_http_methods(["GET", "POST"])
def panel_member(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    campaign = _campaign()
    member = _member(campaign, pk)
    judge = member.judge
    form = PanelMemberForm(
        request.POST or None,
        initial={
            "capacity": member.capacity,
            "is_chair": member.is_chair,
            "domains": list(judge.domains.all()),
            "industries": list(judge.industries.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_panel_edit(
                actor=request.user,
                member=member,
                capacity=form.cleaned_data["capacity"],
                is_chair=form.cleaned_data["is_chair"],
                domains=form.cleaned_data["domains"],
                industries=form.cleaned_data["industries"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("evaluation:panel_member", pk=member.pk)
    return render(
        request,
        "evaluation/panel_member.html",
        {
            "member": member,
            "judge": judge,
            "form": form,
            "employment_form": EmploymentForm(),
            "employments": list(judge.employments.order_by("start_year")),
            "conflicts": list(judge.conflicts.select_related("organisation")),
        },
    )


@login_required
@require_POST
def panel_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    member = _member(_campaign(), pk)
    perform(
        request,
        lambda: services.expert_panel_remove(actor=request.user, member=member),
        _("已移出专家评委库：%(name)s") % {"name": member.judge.name},
    )
    return redirect("evaluation:panel")


@login_required
@require_POST
def employment_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    member = _member(_campaign(), pk)
    form = EmploymentForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: services.employment_add(
                actor=request.user,
                judge=member.judge,
                organisation_name=form.cleaned_data["organisation_name"],
                start_year=form.cleaned_data["start_year"],
                end_year=form.cleaned_data["end_year"],
            ),
            _("已添加工作经历。"),
        )
    else:
        _form_errors(request, form)
    return redirect("evaluation:panel_member", pk=member.pk)


@login_required
@require_POST
def employment_remove(
    request: AuthenticatedHttpRequest, pk: int, employment_pk: int
) -> HttpResponse:
    _staff(request)
    member = _member(_campaign(), pk)
    employment = get_object_or_404(JudgeEmployment, pk=employment_pk, judge=member.judge)
    perform(
        request,
        lambda: services.employment_remove(actor=request.user, employment=employment),
        _("已删除工作经历。"),
    )
    return redirect("evaluation:panel_member", pk=member.pk)


@login_required
@require_http_methods(["GET", "POST"])
def rounds(request: AuthenticatedHttpRequest) -> HttpResponse:
    _staff(request)
    campaign = _campaign()
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_create(
                actor=request.user, campaign=campaign, deadline=form.cleaned_data["deadline"]
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已新建评审轮次。"))
            return redirect("evaluation:rounds")
    return render(
        request,
        "evaluation/rounds.html",
        {
            "campaign": campaign,
            "rounds": selectors.rounds_of(campaign),
            "form": form,
            "deadline_form": DeadlineForm(),
        },
    )


@login_required
@require_POST
def round_deadline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    evaluation_round = get_object_or_404(EvaluationRound, pk=pk, campaign=_campaign())
    form = DeadlineForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: services.round_set_deadline(
                actor=request.user,
                evaluation_round=evaluation_round,
                deadline=form.cleaned_data["deadline"],
                reason=form.cleaned_data["reason"],
            ),
            _("截止时间已调整。"),
        )
    else:
        _form_errors(request, form)
    return redirect("evaluation:rounds")


def _round_from(request: AuthenticatedHttpRequest, campaign: Campaign) -> EvaluationRound | None:
    number = request.GET.get("round") or request.POST.get("round") or ""
    if number.isdigit():
        return EvaluationRound.objects.filter(campaign=campaign, number=int(number)).first()
    return selectors.round_latest(campaign)


@login_required
def assignments(request: AuthenticatedHttpRequest) -> HttpResponse:
    _staff(request)
    campaign = _campaign()
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
    _staff(request)
    campaign = _campaign()
    current = _round_from(request, campaign)
    form = AutoAssignForm(request.POST)
    if current is None:
        messages.error(request, _("请先新建评审轮次。"))
        return redirect("evaluation:rounds")
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("evaluation:assignments")
    try:
        result = services.expert_assign_auto(
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
    _staff(request)
    campaign = _campaign()
    app = _evaluation_application(campaign, pk)
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
            "decision_refused": services.decision_refusal(app),
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
    _staff(request)
    campaign = _campaign()
    app = _evaluation_application(campaign, pk)
    current = _round_from(request, campaign)
    form = ManualAssignForm(request.POST, judges=Judge.objects.all())
    if current is None:
        messages.error(request, _("请先新建评审轮次。"))
    elif form.is_valid():
        judge = form.cleaned_data["judge"]
        perform(
            request,
            lambda: services.expert_assign_manual(
                actor=request.user, application=app, judge=judge, round=current
            ),
            _("已分配专家：%(name)s") % {"name": judge.name},
        )
    else:
        _form_errors(request, form)
    return redirect("evaluation:application", pk=app.pk)


@login_required
@require_POST
def unassign(request: AuthenticatedHttpRequest, sheet_pk: int) -> HttpResponse:
    _staff(request)
    sheet = get_object_or_404(
        ScoreSheet.objects.select_related("application"),
        pk=sheet_pk,
        stage=Stage.EXPERT,
        application__campaign=_campaign(),
    )
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    perform(
        request,
        lambda: services.expert_unassign(actor=request.user, sheet=sheet, reason=reason),
        _("已撤回该评审任务。"),
    )
    return redirect("evaluation:application", pk=sheet.application_id)


@login_required
def ranking(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One domain at a time (tabs), 50 rows a page: the ranking itself is computed once
    and cached (see selectors.expert_rank_entries)."""
    _staff(request)
    campaign = _campaign()
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
    _staff(request)
    app = _evaluation_application(_campaign(), pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: services.decision_set(
                actor=request.user,
                application=app,
                level=form.cleaned_data["level"],
                consensus_notes=form.cleaned_data["consensus_notes"],
                reason=form.cleaned_data["reason"],
            ),
            _("评价结果已保存：%(team)s") % {"team": app.team_name},
        )
    else:
        _form_errors(request, form)
    return redirect("evaluation:application", pk=app.pk)


@login_required
def candidates(request: AuthenticatedHttpRequest) -> HttpResponse:
    _staff(request)
    campaign = _campaign()
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
                if services.typical_confirm_refusal(
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
    _staff(request)
    app = _evaluation_application(_campaign(), pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    perform(
        request,
        lambda: services.typical_confirm(actor=request.user, application=app, reason=reason),
        _("已确认为典型经验：%(team)s") % {"team": app.team_name},
    )
    return redirect("evaluation:candidates")


@login_required
@require_POST
def national(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    app = _evaluation_application(_campaign(), pk)
    form = NationalForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: services.national_mark(
                actor=request.user,
                application=app,
                value=form.cleaned_data["value"],
                reason=form.cleaned_data["reason"],
            ),
            _("已更新全国推荐标记：%(team)s") % {"team": app.team_name},
        )
    else:
        _form_errors(request, form)
    return redirect("evaluation:candidates")


# --------------------------------------------------------------------------- experts


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


@login_required
@require_http_methods(["GET", "POST"])
def expert_sheet(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sheet = selectors.expert_sheet_get(user=request.user, pk=pk)
    rubric = rubric_for(campaign=sheet.application.campaign, stage=Stage.EXPERT)
    criteria = list(rubric.criteria.all())
    initial: dict[str, object] = {f"points_{s.criterion_id}": s.points for s in sheet.scores.all()}
    initial.update(
        conformity=sheet.conformity, features=sheet.features, shortcomings=sheet.shortcomings
    )
    form = SheetForm(request.POST or None, criteria=criteria, initial=initial)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            sheet_save(
                actor=request.user,
                sheet=sheet,
                points=form.points(),
                conformity=form.cleaned_data["conformity"],
                features=form.cleaned_data["features"],
                shortcomings=form.cleaned_data["shortcomings"],
                submit=submit,
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("评分已提交。") if submit else _("草稿已保存。"))
            if submit:
                return redirect("evaluation:expert_home")
            return redirect("evaluation:expert_sheet", pk=sheet.pk)
    app = sheet.application
    return render(
        request,
        "evaluation/expert_sheet.html",
        {
            "sheet": sheet,
            "application": app,
            "attachments": list(app.attachments.all()),
            "form": form,
            "deadline": sheet_deadline(sheet),
            "conflict_form": ConflictForm(),
        },
    )


@login_required
@require_POST
def expert_conflict(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """回避 on an expert sheet (docs/rules.md, rule 8)."""
    sheet = selectors.expert_sheet_get(user=request.user, pk=pk)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写回避原因。"))
        return redirect("evaluation:expert_sheet", pk=pk)
    try:
        services.expert_conflict_declare(
            actor=request.user, sheet=sheet, reason=form.cleaned_data["reason"]
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:expert_sheet", pk=pk)
    messages.success(request, _("已声明回避，该评审任务已撤回。"))
    return redirect("evaluation:expert_home")


# --------------------------------------------------------------------------- guiding units


def _guiding(request: AuthenticatedHttpRequest) -> None:
    if not roles_of(request.user).is_guiding:
        raise Http404


@login_required
def guiding_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    _guiding(request)
    campaign = campaign_current()
    applications = list(selectors.guiding_candidates(user=request.user, campaign=campaign))
    mine = set(roles_of(request.user).guiding_unit_ids)
    return render(
        request,
        "evaluation/guiding_home.html",
        {
            "rows": [
                {
                    "application": a,
                    "video": getattr(a, "presentation_video", None),
                    "mine": next(
                        (r for r in a.guiding_reviews.all() if r.guiding_unit_id in mine), None
                    ),
                }
                for a in applications
            ]
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def guiding_candidate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _guiding(request)
    app = selectors.guiding_candidate_get(user=request.user, pk=pk)
    form = GuidingReviewForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("evaluation.review_candidate", app):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.guiding_review_record(
                    actor=request.user,
                    application=app,
                    verdict=form.cleaned_data["verdict"],
                    comment=form.cleaned_data["comment"],
                )
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("审核意见已提交。"))
                return redirect("evaluation:guiding_home")
    return render(
        request,
        "evaluation/guiding_candidate.html",
        {
            "application": app,
            "video": getattr(app, "presentation_video", None),
            "reviews": list(app.guiding_reviews.all()),
            "attachments": list(app.attachments.all()),
            "form": form,
            "may_review": request.user.has_perm("evaluation.review_candidate", app),
        },
    )


# --------------------------------------------------------------------------- video


def _viewable_video(request: AuthenticatedHttpRequest, pk: int) -> PresentationVideo:
    video = (
        PresentationVideo.objects.select_related("application").filter(application_id=pk).first()
    )
    if video is None or not video.file:
        raise Http404
    if not request.user.has_perm("evaluation.view_video", video.application):
        raise Http404
    return video


@login_required
def video_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    video = _viewable_video(request, pk)
    return uploads.attachment_response(
        video.file, download_name=video.original_name, content_type=video.content_type or None
    )


_STREAM_BLOCK = 256 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The one range of a ``Range: bytes=a-b`` header as (first, last), inclusive;
    None when absent or not a single satisfiable range (the caller answers 200 or 416)."""
    match = _RANGE.match(header.strip())
    if not match or size <= 0:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last n bytes
        n = int(last[:19])
        return (max(0, size - n), size - 1) if n > 0 else None
    start = int(first[:19])
    end = min(int(last[:19]), size - 1) if last else size - 1
    return (start, end) if start <= end else None


def _blocks(file: Any, start: int, length: int) -> Iterator[bytes]:
    try:
        file.seek(start)
        while length > 0:
            block = file.read(min(_STREAM_BLOCK, length))
            if not block:
                break
            length -= len(block)
            yield block
    finally:
        file.close()


@login_required
def video_stream(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The video played in the page (``<video>``): the same permission as the download,
    served inline with byte ranges (seeking, resuming) in blocks, never whole in memory.
    Its type is the one detected from the content at upload, never the browser's guess."""
    video = _viewable_video(request, pk)
    size = video.file.size
    header = request.headers.get("Range", "")
    wanted = _byte_range(header, size) if header else None
    if header and wanted is None and _RANGE.match(header.strip()):
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    first, last = wanted if wanted is not None else (0, size - 1)
    response = StreamingHttpResponse(
        _blocks(video.file.open("rb"), first, last - first + 1),
        status=206 if wanted is not None else 200,
        content_type=video.content_type or "application/octet-stream",
    )
    response["Content-Length"] = str(max(0, last - first + 1))
    if wanted is not None:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-cache"
    return response


def _applicant_application(request: AuthenticatedHttpRequest, pk: int) -> Application:
    app = get_object_or_404(
        Application.objects.select_related("organisation", "campaign"),
        pk=pk,
        organisation_id__in=roles_of(request.user).organisation_ids,
    )
    return app


@login_required
@require_http_methods(["GET", "POST"])
def video_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    app = _applicant_application(request, pk)
    form = VideoForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("evaluation.upload_video", app):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.video_attach_upload(
                    actor=request.user, application=app, upload_id=form.cleaned_data["upload_id"]
                )
            except ServiceError as exc:
                form.add_error("upload_id", exc.message)
            else:
                messages.success(request, _("发表视频已上传。"))
                return redirect("evaluation:outcomes")
    return render(
        request,
        "evaluation/video_upload.html",
        {
            "application": app,
            "form": form,
            "video": getattr(app, "presentation_video", None),
            "may_upload": request.user.has_perm("evaluation.upload_video", app),
            "target": services.video_upload_target(app),
        },
    )


@login_required
def outcomes(request: AuthenticatedHttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    if not roles.organisation_ids:
        raise Http404
    return render(
        request,
        "evaluation/outcomes.html",
        # Every year: past published ones carry the consent and the certificate.
        {"rows": selectors.applicant_outcomes(user=request.user)},
    )
