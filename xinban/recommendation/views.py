"""Pages of a recommending unit (inbox, assignment, ranking, 附件5) and of its judges.
Outsiders get 404; unit staff without the admin role and association staff get 403 on
actions they may only look at."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xinban.applications.models import ApplicationState
from xinban.applications.services import application_return_for_correction, return_refusal
from xinban.campaigns.models import Campaign
from xinban.campaigns.selectors import campaign_current, campaign_get
from xinban.core import uploads
from xinban.core.actions import perform
from xinban.core.errors import ServiceError
from xinban.core.forms import add_service_error
from xinban.core.http import AuthenticatedHttpRequest
from xinban.core.roles import roles_of
from xinban.dashboards.filters import UNIT_STAGES_BEFORE_RESULTS, drilldown_filters, narrow
from xinban.dashboards.selectors import describe
from xinban.organisations.models import RecommendingUnit
from xinban.recommendation import documents, selectors, services
from xinban.recommendation.forms import (
    AssignForm,
    ConflictForm,
    InviteForm,
    JudgeForm,
    OnSiteForm,
    QuotaForm,
    ReasonForm,
    RecommendForm,
    ReportForm,
    ScanForm,
    SheetForm,
    SpreadForm,
)
from xinban.recommendation.models import (
    Recommendation,
    ReportStatus,
    UnitNote,
    UnitRecommendationReport,
)
from xinban.scoring.models import Judge, ScoreSheet, Stage
from xinban.scoring.services import rubric_for, sheet_deadline, sheet_save


def _unit(
    request: AuthenticatedHttpRequest, unit_pk: int, *, admin: bool = False
) -> RecommendingUnit:
    unit = selectors.unit_get_for(user=request.user, pk=unit_pk)
    if admin and unit.pk not in roles_of(request.user).unit_admin_ids:
        raise PermissionDenied
    return unit


def _campaign() -> Campaign:
    campaign = campaign_current()
    if campaign is None:
        raise Http404
    return campaign


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    if roles.unit_ids:
        return redirect("recommendation:inbox", unit_pk=min(roles.unit_ids))
    if roles.is_staff:
        return redirect("recommendation:staff_units")
    raise Http404


@login_required
def inbox(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    from dataclasses import replace

    unit = _unit(request, unit_pk)
    # Opened from the unit's dashboard (统计看板): the chart's year and filters.
    drill = replace(drilldown_filters(request.GET), unit=None, unit_kind="")
    campaign = (campaign_get(year=drill.year) if drill.year else None) or _campaign()
    drill = replace(drill, year=campaign.year if drill.year else None)
    if not campaign.results_published and drill.stage not in UNIT_STAGES_BEFORE_RESULTS:
        drill = replace(drill, stage="")  # the association's results are not out yet
    q = request.GET.get("q", "").strip()
    state = request.GET.get("state", "")
    sort = request.GET.get("sort", "number")
    applications = narrow(
        selectors.unit_applications(unit=unit, campaign=campaign, q=q, state=state, sort=sort),
        replace(drill, year=None),
    )
    report = selectors.unit_report(unit=unit, campaign=campaign)
    return render(
        request,
        "recommendation/inbox.html",
        {
            "unit": unit,
            "campaign": campaign,
            "applications": applications,
            "filters": {"q": q, "state": state, "sort": sort},
            "drilldown": drill.params(),
            "drilldown_labels": describe(drill),
            "states": [c for c in ApplicationState.choices if c[0] != ApplicationState.DRAFT],
            "is_admin": unit.pk in roles_of(request.user).unit_admin_ids,
            "report": report,
            "spread_form": SpreadForm(),
        },
    )


@login_required
def application(request: AuthenticatedHttpRequest, unit_pk: int, pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    app = selectors.unit_application_get(unit=unit, pk=pk)
    note = UnitNote.objects.filter(application=app).first()
    panel = selectors.unit_panel(unit=unit)
    return render(
        request,
        "recommendation/application.html",
        {
            "unit": unit,
            "application": app,
            "sheets": selectors.unit_sheets_of(app),
            "attachments": list(app.attachments.all()),
            "revisions": list(app.revisions.all()),
            "is_admin": unit.pk in roles_of(request.user).unit_admin_ids,
            "return_form": ReasonForm(),
            # The same rule the service applies (docs/rules.md, "The application's lifecycle").
            "can_return": return_refusal(request.user, app) is None,
            "on_site_form": OnSiteForm(
                initial={
                    "on_site_review": note.on_site_review if note else False,
                    "on_site_date": note.on_site_date if note else None,
                    "notes": note.on_site_notes if note else "",
                }
            ),
            "assign_form": AssignForm(judges=panel),
            "conflicts": {j.pk: services.conflict_reason(j, app) for j in panel},
        },
    )


def _back_to_application(unit: RecommendingUnit, pk: int) -> HttpResponse:
    return redirect("recommendation:application", unit_pk=unit.pk, pk=pk)


@login_required
@require_POST
def return_application(request: AuthenticatedHttpRequest, unit_pk: int, pk: int) -> HttpResponse:
    # The unit's admin or staff: the service asks return_refusal (docs/rules.md).
    unit = _unit(request, unit_pk, admin=not roles_of(request.user).is_staff)
    app = selectors.unit_application_get(unit=unit, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写退回原因。"))
        return _back_to_application(unit, pk)
    perform(
        request,
        lambda: application_return_for_correction(
            actor=request.user, application=app, reason=form.cleaned_data["reason"]
        ),
        _("已退回申报单位修改，并已通知对方。"),
    )
    return _back_to_application(unit, pk)


@login_required
@require_POST
def on_site(request: AuthenticatedHttpRequest, unit_pk: int, pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk, admin=True)
    app = selectors.unit_application_get(unit=unit, pk=pk)
    form = OnSiteForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: services.unit_note_save(
                actor=request.user,
                application=app,
                on_site_review=form.cleaned_data["on_site_review"],
                on_site_date=form.cleaned_data["on_site_date"],
                notes=form.cleaned_data["notes"],
            ),
            _("现场评审信息已保存。"),
        )
    else:
        messages.error(request, _("请检查现场评审日期。"))
    return _back_to_application(unit, pk)


@login_required
@require_POST
def assign(request: AuthenticatedHttpRequest, unit_pk: int, pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk, admin=True)
    app = selectors.unit_application_get(unit=unit, pk=pk)
    form = AssignForm(request.POST, judges=selectors.unit_panel(unit=unit))
    if form.is_valid():
        perform(
            request,
            lambda: services.assignment_add(
                actor=request.user, application=app, judge=form.cleaned_data["judge"]
            ),
            _("已分配评委。"),
        )
    else:
        messages.error(request, _("请选择评委。"))
    return _back_to_application(unit, pk)


@login_required
@require_POST
def unassign(request: AuthenticatedHttpRequest, unit_pk: int, sheet_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk, admin=True)
    sheet = get_object_or_404(
        ScoreSheet, pk=sheet_pk, stage=Stage.UNIT, application__recommending_unit=unit
    )
    perform(
        request,
        lambda: services.assignment_remove(actor=request.user, sheet=sheet),
        _("已取消分配。"),
    )
    return _back_to_application(unit, sheet.application_id)


@login_required
@require_POST
def spread(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk, admin=True)
    form = SpreadForm(request.POST)
    if form.is_valid():
        try:
            made = services.assignment_spread_evenly(
                actor=request.user,
                unit=unit,
                campaign=_campaign(),
                per_application=form.cleaned_data["per_application"],
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已平均分配 %(n)s 项评审任务。") % {"n": made})
    else:
        messages.error(request, _("请填写 1 到 15 之间的人数。"))
    return redirect("recommendation:inbox", unit_pk=unit.pk)


@login_required
@require_http_methods(["GET", "POST"])
def judges(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    is_admin = unit.pk in roles_of(request.user).unit_admin_ids
    form = JudgeForm(request.POST or None)
    invite_form = InviteForm()
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.judge_add_to_panel(actor=request.user, unit=unit, data=form.cleaned_data)
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("评委已加入本单位评委名单。"))
                return redirect("recommendation:judges", unit_pk=unit.pk)
    campaign = _campaign()
    progress = services.unit_progress_counts(unit, campaign)
    members = selectors.panel_members(unit=unit)
    return render(
        request,
        "recommendation/judges.html",
        {
            "unit": unit,
            "members": [
                (m, progress.get(m.judge_id, {"assigned": 0, "submitted": 0})) for m in members
            ],
            "form": form,
            "invite_form": invite_form,
            "is_admin": is_admin,
            "can_invite": is_admin or roles_of(request.user).is_staff,
        },
    )


@login_required
@require_POST
def judge_remove(request: AuthenticatedHttpRequest, unit_pk: int, judge_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk, admin=True)
    judge = get_object_or_404(Judge, pk=judge_pk, unit_panels__unit=unit)
    try:
        services.judge_remove_from_panel(actor=request.user, unit=unit, judge=judge)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("recommendation:judges", unit_pk=unit.pk)


@login_required
@require_POST
def invite(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    roles = roles_of(request.user)
    if unit.pk not in roles.unit_admin_ids and not roles.is_staff:
        raise PermissionDenied
    form = InviteForm(request.POST)
    if form.is_valid():
        services.invitation_send(actor=request.user, unit=unit, **form.cleaned_data)
        messages.success(request, _("邀请邮件已发送。"))
    else:
        messages.error(request, _("请填写正确的邮箱。"))
    return redirect("recommendation:judges", unit_pk=unit.pk)


@login_required
def accept_invitation(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        try:
            invitation = services.invitation_accept(actor=request.user, token=token)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("core:home")
        messages.success(request, _("已加入%(unit)s。") % {"unit": invitation.unit.name})
        if invitation.role == "judge":
            return redirect("recommendation:judge_home")
        return redirect("recommendation:inbox", unit_pk=invitation.unit_id)
    return render(request, "recommendation/accept_invitation.html", {"token": token})


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
@require_http_methods(["GET", "POST"])
def report(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    campaign = _campaign()
    is_admin = unit.pk in roles_of(request.user).unit_admin_ids
    if request.method == "POST" and not is_admin:
        raise PermissionDenied
    # Looking does not create the report; the first save by the unit's admin does.
    current = selectors.unit_report(unit=unit, campaign=campaign) or (
        services.report_for(unit=unit, campaign=campaign)
        if request.method == "POST"
        else UnitRecommendationReport(unit=unit, campaign=campaign)
    )
    form = ReportForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_save(actor=request.user, report=current, data=form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("recommendation:report", unit_pk=unit.pk)
    recommendations = list(current.recommendations.all()) if current.pk else []
    return render(
        request,
        "recommendation/report.html",
        {
            "unit": unit,
            "campaign": campaign,
            "report": current,
            "form": form,
            "scan_form": ScanForm(),
            "problems": services.report_problems(current) if not current.is_locked else {},
            "warnings": services.report_warnings(current) if not current.is_locked else [],
            "is_admin": is_admin,
            "is_staff": roles_of(request.user).is_staff,
            "void_form": ReasonForm(),
            "quota_form": QuotaForm(
                initial={"per_organisation": services.quota_for(unit=unit, campaign=campaign)}
            ),
            "recommendations": recommendations,
            "total_team_size": sum(r.application.team_size for r in recommendations),
            # Part 二 of 附件5 as the downloads print it.
            "judges": selectors.unit_panel(unit=unit),
        },
    )


@login_required
@require_POST
def report_scan(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk, admin=True)
    current = services.report_for(unit=unit, campaign=_campaign())
    form = ScanForm(request.POST, request.FILES)
    refused = uploads.add_upload_refusal_errors(form, request)
    if not refused and form.is_valid():
        try:
            services.report_upload_scan(
                actor=request.user, report=current, file=form.cleaned_data["file"]
            )
        except (ValidationError, ServiceError) as exc:
            messages.error(
                request, " ".join(exc.messages) if isinstance(exc, ValidationError) else exc.message
            )
        else:
            messages.success(request, _("盖章推荐表已上传。"))
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.get("file", [])))
    return redirect("recommendation:report", unit_pk=unit.pk)


@login_required
@require_POST
def report_submit(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk, admin=True)
    current = services.report_for(unit=unit, campaign=_campaign())
    perform(
        request,
        lambda: services.report_submit(actor=request.user, report=current),
        _("推荐表已报送上海市质协，推荐名单已锁定。"),
    )
    return redirect("recommendation:report", unit_pk=unit.pk)


@login_required
@require_POST
def report_void(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    if not roles_of(request.user).is_staff:
        raise PermissionDenied
    current = services.report_for(unit=unit, campaign=_campaign())
    form = ReasonForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: services.report_void(
                actor=request.user, report=current, reason=form.cleaned_data["reason"]
            ),
            _("已认定推荐无效，相关申报单位已收到通知。"),
        )
    else:
        messages.error(request, _("请填写推荐无效的原因。"))
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


def _form_data(unit: RecommendingUnit) -> documents.RecommendationFormData:
    return selectors.recommendation_form_data(unit=unit, campaign=_campaign())


@login_required
def report_download(request: AuthenticatedHttpRequest, unit_pk: int, fmt: str) -> HttpResponseBase:
    unit = _unit(request, unit_pk)
    data = _form_data(unit)
    stamp = selectors.recommendation_form_stamp(unit=unit, campaign=_campaign(), data=data)
    if fmt == "xlsx":
        content = documents.recommendation_form_xlsx(data, stamp)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "docx":
        content = documents.recommendation_form_docx(data, stamp)
        mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        raise Http404
    return uploads.attachment_response(
        ContentFile(content),
        download_name=documents.download_name(unit.name, fmt),
        content_type=mime,
    )


@login_required
def report_scan_download(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponseBase:
    unit = _unit(request, unit_pk)
    current = selectors.unit_report(unit=unit, campaign=_campaign())
    if current is None or not current.stamped_scan:
        raise Http404
    assert current.stamped_scan.name is not None  # a truthy file has a name
    ext = current.stamped_scan.name.rsplit(".", 1)[-1]
    return uploads.attachment_response(
        current.stamped_scan, download_name=f"{unit.name}-盖章推荐表.{ext}"
    )


@login_required
def staff_units(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not roles_of(request.user).is_staff:
        raise PermissionDenied
    campaign = _campaign()
    return render(
        request,
        "recommendation/staff_units.html",
        {"units": selectors.units_for_staff(campaign=campaign), "campaign": campaign},
    )


# --- judges -----------------------------------------------------------------------------


@login_required
def judge_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    sheets = list(selectors.judge_sheets(user=request.user))
    if not sheets and not Judge.objects.filter(user=request.user).exists():
        raise Http404
    return render(request, "recommendation/judge_home.html", {"sheets": sheets})


@login_required
@require_http_methods(["GET", "POST"])
def judge_sheet(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sheet = selectors.judge_sheet_get(user=request.user, pk=pk)
    rubric = rubric_for(campaign=sheet.application.campaign, stage=sheet.stage)
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
            return (
                redirect("recommendation:judge_sheet", pk=sheet.pk)
                if not submit
                else redirect("recommendation:judge_home")
            )
    app = sheet.application
    return render(
        request,
        "recommendation/judge_sheet.html",
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
