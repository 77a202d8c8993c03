"""A recommending unit's work (the pages of xinban.recommendation.views, as JSON): its inbox,
returning and on-site review, its judge panel and their assignments, the ranking, the
recommendation list within quota, and the signed 附件5.

Who may do what, as on the pages: a unit's members and association staff see the unit
(anyone else gets 404); acting needs the unit's admin role (403 otherwise); voiding a
unit's recommendations and raising its quota are for staff.
"""

from __future__ import annotations

import io
from typing import Annotated, Any

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from pydantic import WithJsonSchema

from xinban.accounts.models import User
from xinban.api import labels
from xinban.api.auth import current_user, require_scope, scoped
from xinban.api.common import (
    ApplicationId,
    JudgeId,
    RecommendationId,
    SheetId,
    UnitId,
    binary_response,
    error_responses,
    multipart_body,
    require_campaign,
    validated_upload,
)
from xinban.api.errors import (
    Errors,
    InvalidInput,
    ensure_valid,
    fields_named,
    validation_error_messages,
)
from xinban.api.labels import model_label, zh
from xinban.api.payloads import form_data
from xinban.api.presenters import (
    assignment_out,
    inbox_item_out,
    invitation_out,
    my_unit_out,
    on_site_out,
    panel_judge_out,
    ranking_row_out,
    recommendation_out,
    report_out,
    unit_application_out,
)
from xinban.api.schemas import (
    AssignedCountOut,
    AssignIn,
    AssignmentOut,
    InboxItemOut,
    InvitationOut,
    InviteIn,
    JudgeIn,
    MyUnitOut,
    OnSiteIn,
    OnSiteOut,
    OrderIn,
    PanelJudgeOut,
    QuotaIn,
    QuotaOut,
    RankingOut,
    RecommendationOut,
    RecommendIn,
    ReportIn,
    ReportOut,
    ReturnIn,
    SpreadIn,
    UnitApplicationOut,
    VoidIn,
)
from xinban.applications.models import Application, ApplicationState
from xinban.applications.services import application_return_for_correction
from xinban.campaigns.models import Campaign
from xinban.core import uploads
from xinban.core.errors import NotAllowed
from xinban.core.roles import roles_of
from xinban.organisations.models import RecommendingUnit, UnitMembership
from xinban.recommendation import documents, selectors, services
from xinban.recommendation.forms import (
    AssignForm,
    InviteForm,
    JudgeForm,
    OnSiteForm,
    QuotaForm,
    ReasonForm,
    RecommendForm,
    ReportForm,
    ScanForm,
    SpreadForm,
)
from xinban.recommendation.models import Recommendation, UnitRecommendationReport
from xinban.scoring.models import Judge, ScoreSheet, Stage
from xinban.scoring.services import rubric_for

router = Router(tags=["推荐单位"])

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

INBOX_STATES = [s for s in ApplicationState.values if s != ApplicationState.DRAFT]
INBOX_SORTS = list(selectors.SORTS)
# Checked in the endpoint (with the forms' message); the schema documents the choices.
_InboxState = Annotated[str, WithJsonSchema({"type": "string", "enum": ["", *INBOX_STATES]})]
_InboxSort = Annotated[str, WithJsonSchema({"type": "string", "enum": INBOX_SORTS})]

_STATE_TITLE = model_label(Application, "state")
_SCAN_PROPERTY = {
    "type": "string",
    "format": "binary",
    "title": model_label(UnitRecommendationReport, "stamped_scan"),
    "description": zh(ScanForm.base_fields["file"].help_text),
}
_DOWNLOAD_HELP = "附件5 推荐表，文件名为“推荐单位+质量班组活动统计表”（通知注2）"


# --- lookups -------------------------------------------------------------------------------


def _unit(user: User, unit_id: int, *, admin: bool = False) -> RecommendingUnit:
    """The unit if the user is its member or staff, else 404; with ``admin``, 403 unless the
    user is the unit's admin (staff only look)."""
    unit = selectors.unit_get_for(user=user, pk=unit_id)
    if admin and not _is_admin(user, unit):
        raise NotAllowed(_("只有该推荐单位的管理员可以进行此操作。"), code="not_unit_admin")
    return unit


def _is_admin(user: User, unit: RecommendingUnit) -> bool:
    return unit.pk in roles_of(user).unit_admin_ids


def _require_staff(user: User) -> None:
    if not roles_of(user).is_staff:
        raise NotAllowed(_("只有质协工作人员可以进行此操作。"), code="not_staff")


def _detail(user: User, unit: RecommendingUnit, application_id: int) -> UnitApplicationOut:
    application = selectors.unit_application_get(unit=unit, pk=application_id)
    return unit_application_out(
        application,
        user=user,
        sheets=selectors.unit_sheets_of(application),
        conflicts=[
            (judge, services.conflict_reason(judge, application))
            for judge in selectors.unit_panel(unit=unit)
        ],
    )


def _report(user: User, unit: RecommendingUnit, campaign: Campaign) -> ReportOut:
    # Looking does not create the report (as on the page); the first write does.
    report = selectors.unit_report(unit=unit, campaign=campaign) or UnitRecommendationReport(
        unit=unit, campaign=campaign
    )
    return report_out(
        report,
        quota=services.quota_for(unit=unit, campaign=campaign),
        is_admin=_is_admin(user, unit),
    )


def _invalid_choice(value: Any) -> str:
    return str(forms.ChoiceField.default_error_messages["invalid_choice"] % {"value": value})


# --- the units I work for ------------------------------------------------------------------


@router.get(
    "/units",
    response={200: list[MyUnitOut], **error_responses()},
    summary="我所在的推荐单位（质协工作人员：全部推荐单位）",
)
def unit_list(request: HttpRequest) -> list[MyUnitOut]:
    user = current_user(request)
    mine = dict(UnitMembership.objects.filter(user=user).values_list("unit_id", "role"))
    units = RecommendingUnit.objects.order_by("position", "name")
    if not roles_of(user).is_staff:
        units = units.filter(pk__in=mine)
    return [my_unit_out(unit, role=mine.get(unit.pk)) for unit in units]


# --- inbox and one application -------------------------------------------------------------


@router.get(
    "/units/{unit_id}/applications",
    response={200: list[InboxItemOut], **error_responses(404, 422)},
    summary="收到的申报（本年度）：筛选、搜索、排序",
)
def inbox(
    request: HttpRequest,
    unit_id: UnitId,
    q: str = Query(  # noqa: B008
        "", title="搜索", description="按编号、班组名称或申报单位名称搜索"
    ),
    state: _InboxState = Query(  # noqa: B008
        "",
        title=_STATE_TITLE,
        description="只列出该状态的申报；空为全部",
    ),
    sort: _InboxSort = Query(  # noqa: B008
        "number",
        title="排序方式",
        description="number 编号 / organisation 申报单位 / team 班组名称 / "
        "submitted 提交时间（新的在前）/ state 状态",
    ),
) -> list[InboxItemOut]:
    unit = _unit(current_user(request), unit_id)
    campaign = require_campaign()
    errors: Errors = {}
    if state and state not in INBOX_STATES:
        errors["state"] = [_invalid_choice(state)]
    if sort not in INBOX_SORTS:
        errors["sort"] = [_invalid_choice(sort)]
    if errors:
        raise InvalidInput(errors)
    applications = selectors.unit_applications(
        unit=unit, campaign=campaign, q=q.strip(), state=state, sort=sort
    )
    return [inbox_item_out(a) for a in applications]


@router.get(
    "/units/{unit_id}/applications/{application_id}",
    response={200: UnitApplicationOut, **error_responses(404)},
    summary="查看一份申报：材料、现场评审、评委与进度、提交记录",
)
def unit_application(
    request: HttpRequest, unit_id: UnitId, application_id: ApplicationId
) -> UnitApplicationOut:
    user = current_user(request)
    return _detail(user, _unit(user, unit_id), application_id)


@router.post(
    "/units/{unit_id}/applications/{application_id}/return",
    response={200: UnitApplicationOut, **error_responses(400, 403, 404, 409, 422)},
    summary="退回申报单位修改",
    description="只能退回已提交的申报；申报单位会收到通知，修改后重新提交，提交记录保留各版本。",
    auth=scoped("units:write"),
)
def application_return(
    request: HttpRequest, unit_id: UnitId, application_id: ApplicationId, payload: ReturnIn
) -> UnitApplicationOut:
    user = current_user(request)
    # The unit's admin or staff: the service asks return_refusal (docs/rules.md).
    unit = _unit(user, unit_id)
    if not _is_admin(user, unit):
        if not roles_of(user).is_staff:
            raise NotAllowed(_("只有该推荐单位的管理员可以进行此操作。"), code="not_unit_admin")
        require_scope(request, "staff:write")  # staff returning a unit's application
    application = selectors.unit_application_get(unit=unit, pk=application_id)
    data, type_errors = form_data(payload, ReasonForm)
    form = ReasonForm(data)
    ensure_valid(form, type_errors)
    application_return_for_correction(
        actor=user, application=application, reason=form.cleaned_data["reason"]
    )
    return _detail(user, unit, application_id)


@router.put(
    "/units/{unit_id}/applications/{application_id}/on-site",
    response={200: OnSiteOut, **error_responses(400, 403, 404, 409, 422)},
    summary="标记现场评审：日期与记录",
    auth=scoped("units:write"),
)
def on_site(
    request: HttpRequest, unit_id: UnitId, application_id: ApplicationId, payload: OnSiteIn
) -> OnSiteOut:
    user = current_user(request)
    unit = _unit(user, unit_id, admin=True)
    application = selectors.unit_application_get(unit=unit, pk=application_id)
    data, type_errors = form_data(payload, OnSiteForm)
    form = OnSiteForm(data)
    ensure_valid(form, type_errors)
    note = services.unit_note_save(
        actor=user,
        application=application,
        on_site_review=form.cleaned_data["on_site_review"],
        on_site_date=form.cleaned_data["on_site_date"],
        notes=form.cleaned_data["notes"],
    )
    return on_site_out(note)


# --- assignment ----------------------------------------------------------------------------


_JUDGE_ID = {"judge_id": "judge"}
_JUDGE_FIELD = {"judge": "judge_id"}


@router.post(
    "/units/{unit_id}/applications/{application_id}/assignments",
    response={201: AssignmentOut, **error_responses(400, 403, 404, 409, 422)},
    summary="分配评委",
    description=(
        "从本单位评委名单中分配。评委来自申报单位、是其成员或已声明回避时不能分配"
        "（code: conflict）；已分配返回 code: already_assigned。"
    ),
    auth=scoped("units:write"),
)
def assignment_add(
    request: HttpRequest, unit_id: UnitId, application_id: ApplicationId, payload: AssignIn
) -> Status[AssignmentOut]:
    user = current_user(request)
    unit = _unit(user, unit_id, admin=True)
    application = selectors.unit_application_get(unit=unit, pk=application_id)
    data, type_errors = form_data(payload, AssignForm, names=_JUDGE_ID)
    form = AssignForm(data, judges=selectors.unit_panel(unit=unit))
    ensure_valid(form, type_errors, names=_JUDGE_FIELD)
    with fields_named(_JUDGE_FIELD):
        sheet = services.assignment_add(
            actor=user, application=application, judge=form.cleaned_data["judge"]
        )
    return Status(201, assignment_out(sheet))


@router.delete(
    "/units/{unit_id}/assignments/{sheet_id}",
    response={204: None, **error_responses(403, 404, 409)},
    summary="取消分配",
    description="评委已提交评分的不能取消（code: sheet_submitted）。",
    auth=scoped("units:write"),
)
def assignment_remove(request: HttpRequest, unit_id: UnitId, sheet_id: SheetId) -> Status[None]:
    user = current_user(request)
    unit = _unit(user, unit_id, admin=True)
    sheet = (
        ScoreSheet.objects.select_related("application", "judge")
        .filter(pk=sheet_id, stage=Stage.UNIT, application__recommending_unit=unit)
        .first()
    )
    if sheet is None:
        raise Http404
    services.assignment_remove(actor=user, sheet=sheet)
    return Status(204, None)


@router.post(
    "/units/{unit_id}/assign-evenly",
    response={200: AssignedCountOut, **error_responses(400, 403, 404, 409, 422)},
    summary="一键平均分配评委",
    description=(
        "为每份已提交的申报补足评委人数，每次选择任务最少且无须回避的评委。返回本次新分配的评审数。"
    ),
    auth=scoped("units:write"),
)
def assign_evenly(request: HttpRequest, unit_id: UnitId, payload: SpreadIn) -> AssignedCountOut:
    user = current_user(request)
    unit = _unit(user, unit_id, admin=True)
    data, type_errors = form_data(payload, SpreadForm)
    form = SpreadForm(data)
    ensure_valid(form, type_errors)
    made = services.assignment_spread_evenly(
        actor=user,
        unit=unit,
        campaign=require_campaign(),
        per_application=form.cleaned_data["per_application"],
    )
    return AssignedCountOut(assigned=made)


# --- the judge panel and invitations -------------------------------------------------------


@router.get(
    "/units/{unit_id}/judges",
    response={200: list[PanelJudgeOut], **error_responses(404)},
    summary="本单位评委名单及评审进度",
)
def judge_list(request: HttpRequest, unit_id: UnitId) -> list[PanelJudgeOut]:
    unit = _unit(current_user(request), unit_id)
    progress = services.unit_progress_counts(unit, require_campaign())
    return [
        panel_judge_out(member.judge, progress.get(member.judge_id))
        for member in selectors.panel_members(unit=unit)
    ]


@router.post(
    "/units/{unit_id}/judges",
    response={201: PanelJudgeOut, **error_responses(400, 403, 404, 422)},
    summary="添加评委（姓名、工作单位、TGQ评委证书号、通讯地址、E-mail、手机）",
    description="该邮箱已有账号时直接关联，否则向其发送邀请邮件，接受后即可登录评分。",
    auth=scoped("units:write"),
)
def judge_add(request: HttpRequest, unit_id: UnitId, payload: JudgeIn) -> Status[PanelJudgeOut]:
    user = current_user(request)
    unit = _unit(user, unit_id, admin=True)
    campaign = require_campaign()  # for the progress counts: before anything is written
    data, type_errors = form_data(payload, JudgeForm)
    form = JudgeForm(data)
    ensure_valid(form, type_errors)
    judge = services.judge_add_to_panel(actor=user, unit=unit, data=form.cleaned_data)
    progress = services.unit_progress_counts(unit, campaign)
    return Status(201, panel_judge_out(judge, progress.get(judge.pk)))


@router.delete(
    "/units/{unit_id}/judges/{judge_id}",
    response={204: None, **error_responses(400, 403, 404)},
    summary="从评委名单中移除",
    description="评委还有本单位的评审任务时不能移除（code: judge_has_sheets）。",
    auth=scoped("units:write"),
)
def judge_remove(request: HttpRequest, unit_id: UnitId, judge_id: JudgeId) -> Status[None]:
    user = current_user(request)
    unit = _unit(user, unit_id, admin=True)
    judge = Judge.objects.filter(pk=judge_id, unit_panels__unit=unit).first()
    if judge is None:
        raise Http404
    services.judge_remove_from_panel(actor=user, unit=unit, judge=judge)
    return Status(204, None)


@router.post(
    "/units/{unit_id}/invitations",
    response={201: InvitationOut, **error_responses(400, 403, 404, 422)},
    summary="邀请本单位的管理员或工作人员",
    description="向该邮箱发送邀请链接；对方登录后接受邀请即加入本单位。",
    auth=scoped("units:write"),
)
def invitation_send(
    request: HttpRequest, unit_id: UnitId, payload: InviteIn
) -> Status[InvitationOut]:
    user = current_user(request)
    unit = _unit(user, unit_id)
    if not _is_admin(user, unit):
        if not roles_of(user).is_staff:
            raise NotAllowed(_("只有该推荐单位的管理员可以进行此操作。"), code="not_unit_admin")
        require_scope(request, "staff:write")  # staff inviting into another's unit
    data, type_errors = form_data(payload, InviteForm)
    form = InviteForm(data)
    ensure_valid(form, type_errors)
    invitation = services.invitation_send(
        actor=user, unit=unit, email=form.cleaned_data["email"], role=form.cleaned_data["role"]
    )
    return Status(201, invitation_out(invitation))


# --- ranking and recommendation ------------------------------------------------------------


@router.get(
    "/units/{unit_id}/ranking",
    response={200: RankingOut, **error_responses(404, 422)},
    summary="按评委评分排名",
    description=(
        "5 位及以上评委时去掉一个最高分和一个最低分后取平均；评委打分差异较大的标记为“分歧较大”。"
    ),
)
def ranking(
    request: HttpRequest,
    unit_id: UnitId,
    normalise: bool | None = Query(  # noqa: B008
        None,
        title=labels.NORMALISED,
        description="按评委标准化（抵消评委打分偏严或偏松）；省略时按本年度评分细则的设置",
    ),
) -> RankingOut:
    user = current_user(request)
    unit = _unit(user, unit_id)
    campaign = require_campaign()
    if normalise is None:
        normalise = rubric_for(campaign=campaign, stage=Stage.UNIT).normalise_judges
    rows = selectors.unit_ranking(unit=unit, campaign=campaign, normalise=normalise)
    report = selectors.unit_report(unit=unit, campaign=campaign)
    return RankingOut(
        normalise=normalise,
        quota=services.quota_for(unit=unit, campaign=campaign),
        locked=bool(report and report.is_locked),
        rows=[ranking_row_out(row, minimum=campaign.min_unit_judge_sheets) for row in rows],
    )


def _recommendations(unit: RecommendingUnit, campaign: Campaign) -> list[RecommendationOut]:
    report = selectors.unit_report(unit=unit, campaign=campaign)
    return [recommendation_out(r) for r in report.recommendations.all()] if report else []


@router.post(
    "/units/{unit_id}/recommendations",
    response={201: RecommendationOut, **error_responses(400, 403, 404, 409, 422)},
    summary="加入推荐名单（填写推荐意见）",
    description=(
        "每家申报单位最多推荐的班组数有名额（code: quota_reached），推荐的班组类型应有所差异"
        "（code: duplicate_team_type）。默认按得分排在名单中的位置，可再调整。"
    ),
    auth=scoped("units:write"),
)
def recommendation_add(
    request: HttpRequest, unit_id: UnitId, payload: RecommendIn
) -> Status[RecommendationOut]:
    user = current_user(request)
    unit = _unit(user, unit_id, admin=True)
    data, type_errors = form_data(payload, RecommendForm)
    application: Application | None = None
    raw_id = payload.application_id
    if raw_id is None:
        type_errors["application_id"] = [str(forms.Field.default_error_messages["required"])]
    elif isinstance(raw_id, bool) or not isinstance(raw_id, int):
        type_errors["application_id"] = [_("格式不正确。")]
    else:
        try:
            application = selectors.unit_application_get(unit=unit, pk=raw_id)
        except Http404:
            type_errors["application_id"] = [_invalid_choice(raw_id)]
    form = RecommendForm(data)
    ensure_valid(form, type_errors)
    assert application is not None
    recommendation = services.recommend(
        actor=user, application=application, opinion=form.cleaned_data["opinion"]
    )
    fresh = Recommendation.objects.select_related(
        "application__organisation", "application__team_type"
    ).get(pk=recommendation.pk)
    return Status(201, recommendation_out(fresh))


# Registered before ".../recommendations/{recommendation_id}": a path id is any text until
# its type is checked, so "order" would otherwise match that route (and get 405).
@router.put(
    "/units/{unit_id}/recommendations/order",
    response={200: list[RecommendationOut], **error_responses(400, 403, 404, 409, 422)},
    summary="调整推荐名单的顺序",
    description="ids 须恰好为名单中全部推荐的 id（否则 code: order_mismatch）。",
    auth=scoped("units:write"),
)
def recommendation_order(
    request: HttpRequest, unit_id: UnitId, payload: OrderIn
) -> list[RecommendationOut]:
    user = current_user(request)
    unit = _unit(user, unit_id, admin=True)
    campaign = require_campaign()
    ids = payload.ids
    if ids is None:
        raise InvalidInput({"ids": [str(forms.Field.default_error_messages["required"])]})
    if not isinstance(ids, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in ids
    ):
        raise InvalidInput({"ids": [_("应为编号列表，如 [1, 2]。")]})
    report = services.report_for(unit=unit, campaign=campaign)
    services.recommendation_reorder(actor=user, report=report, ordered_ids=ids)
    return _recommendations(unit, campaign)


@router.delete(
    "/units/{unit_id}/recommendations/{recommendation_id}",
    response={204: None, **error_responses(403, 404, 409)},
    summary="移出推荐名单",
    auth=scoped("units:write"),
)
def recommendation_remove(
    request: HttpRequest, unit_id: UnitId, recommendation_id: RecommendationId
) -> Status[None]:
    user = current_user(request)
    unit = _unit(user, unit_id, admin=True)
    recommendation = (
        Recommendation.objects.select_related("report", "application")
        .filter(pk=recommendation_id, report__unit=unit)
        .first()
    )
    if recommendation is None:
        raise Http404
    services.unrecommend(actor=user, recommendation=recommendation)
    return Status(204, None)


# --- the signed form (附件5) ----------------------------------------------------------------


@router.get(
    "/units/{unit_id}/report",
    response={200: ReportOut, **error_responses(404)},
    summary="推荐表（附件5）：推荐名单、填表信息、声明、盖章扫描件",
)
def report_get(request: HttpRequest, unit_id: UnitId) -> ReportOut:
    user = current_user(request)
    return _report(user, _unit(user, unit_id), require_campaign())


@router.put(
    "/units/{unit_id}/report",
    response={200: ReportOut, **error_responses(403, 404, 409, 422)},
    summary="填写推荐表：填表人、电话、填表日期、未收费声明、推荐声明",
    auth=scoped("units:write"),
)
def report_put(request: HttpRequest, unit_id: UnitId, payload: ReportIn) -> ReportOut:
    user = current_user(request)
    unit = _unit(user, unit_id, admin=True)
    campaign = require_campaign()
    current = services.report_for(unit=unit, campaign=campaign)
    data, type_errors = form_data(payload, ReportForm)
    form = ReportForm(data, instance=current)
    ensure_valid(form, type_errors)
    services.report_save(actor=user, report=current, data=form.cleaned_data)
    return _report(user, unit, campaign)


@router.post(
    "/units/{unit_id}/report/scan",
    response={200: ReportOut, **error_responses(403, 404, 409, 422)},
    summary="上传加盖公章的推荐表扫描件",
    description="multipart/form-data：file（PDF、JPG 或 PNG）。再次上传会替换原文件。",
    openapi_extra=multipart_body({"file": _SCAN_PROPERTY}, ["file"]),
    auth=scoped("units:write"),
)
def report_scan(request: HttpRequest, unit_id: UnitId) -> ReportOut:
    user = current_user(request)
    unit = _unit(user, unit_id, admin=True)
    campaign = require_campaign()
    current = services.report_for(unit=unit, campaign=campaign)
    form = validated_upload(request, ScanForm)
    try:
        services.report_upload_scan(actor=user, report=current, file=form.cleaned_data["file"])
    except DjangoValidationError as exc:
        raise InvalidInput(validation_error_messages(exc, field="file")) from exc
    return _report(user, unit, campaign)


@router.post(
    "/units/{unit_id}/report/submit",
    response={200: ReportOut, **error_responses(400, 403, 404, 409)},
    summary="报送上海市质协（锁定推荐名单）",
    description=(
        "推荐名单中的申报变为“已推荐”，本单位其他已提交的申报变为“未推荐”，并通知申报单位。"
        "不完整时返回 400（code: incomplete），errors 列出各缺项。"
    ),
    auth=scoped("units:write"),
)
def report_submit(request: HttpRequest, unit_id: UnitId) -> ReportOut:
    user = current_user(request)
    unit = _unit(user, unit_id, admin=True)
    campaign = require_campaign()
    services.report_submit(actor=user, report=services.report_for(unit=unit, campaign=campaign))
    return _report(user, unit, campaign)


@router.post(
    "/units/{unit_id}/report/void",
    response={200: ReportOut, **error_responses(403, 404, 409, 422)},
    summary="认定推荐无效（质协工作人员）",
    description=(
        "只能对已报送的推荐表、在本年度结果发布前操作；该单位推荐的申报无论进行到哪一步"
        "（形式审查、专家评审、已有评价结果）都变为“未推荐”：撤回专家评审任务、撤销评价结果，"
        "并通知申报单位和推荐单位。"
    ),
    auth=scoped("staff:write"),
)
def report_void(request: HttpRequest, unit_id: UnitId, payload: VoidIn) -> ReportOut:
    user = current_user(request)
    unit = _unit(user, unit_id)
    _require_staff(user)
    campaign = require_campaign()
    data, type_errors = form_data(payload, ReasonForm)
    form = ReasonForm(data)
    ensure_valid(form, type_errors)
    services.report_void(
        actor=user,
        report=services.report_for(unit=unit, campaign=campaign),
        reason=form.cleaned_data["reason"],
    )
    return _report(user, unit, campaign)


@router.put(
    "/units/{unit_id}/quota",
    response={200: QuotaOut, **error_responses(400, 403, 404, 422)},
    summary="调整本单位本年度的推荐名额（质协工作人员）",
    auth=scoped("staff:write"),
)
def quota_put(request: HttpRequest, unit_id: UnitId, payload: QuotaIn) -> QuotaOut:
    user = current_user(request)
    unit = _unit(user, unit_id)
    _require_staff(user)
    data, type_errors = form_data(payload, QuotaForm)
    form = QuotaForm(data)
    ensure_valid(form, type_errors)
    quota = services.quota_set(
        actor=user,
        unit=unit,
        campaign=require_campaign(),
        per_organisation=form.cleaned_data["per_organisation"],
        reason=form.cleaned_data["reason"],
    )
    return QuotaOut(per_organisation=quota.per_organisation, reason=quota.reason)


def _download(request: HttpRequest, unit_id: int, fmt: str) -> HttpResponseBase:
    unit = _unit(current_user(request), unit_id)
    campaign = require_campaign()
    data = selectors.recommendation_form_data(unit=unit, campaign=campaign)
    stamp = selectors.recommendation_form_stamp(unit=unit, campaign=campaign, data=data)
    if fmt == "xlsx":
        content, mime = documents.recommendation_form_xlsx(data, stamp), XLSX_MIME
    else:
        content, mime = documents.recommendation_form_docx(data, stamp), DOCX_MIME
    return uploads.attachment_response(
        io.BytesIO(content),
        download_name=documents.download_name(unit.name, fmt),
        content_type=mime,
    )


@router.get(
    "/units/{unit_id}/report.xlsx",
    response={200: None, **error_responses(404)},
    url_name="unit_report_xlsx",
    summary="下载推荐表（Excel）",
    openapi_extra=binary_response(XLSX_MIME, _DOWNLOAD_HELP),
)
def report_xlsx(request: HttpRequest, unit_id: UnitId) -> HttpResponseBase:
    return _download(request, unit_id, "xlsx")


@router.get(
    "/units/{unit_id}/report.docx",
    response={200: None, **error_responses(404)},
    url_name="unit_report_docx",
    summary="下载推荐表（Word）",
    openapi_extra=binary_response(DOCX_MIME, _DOWNLOAD_HELP),
)
def report_docx(request: HttpRequest, unit_id: UnitId) -> HttpResponseBase:
    return _download(request, unit_id, "docx")


@router.get(
    "/units/{unit_id}/report/scan",
    response={200: None, **error_responses(404)},
    url_name="unit_report_scan",
    summary="下载加盖公章的推荐表扫描件",
    description="本年度尚未上传时返回 404。",
    openapi_extra=binary_response("application/octet-stream", "盖章推荐表扫描件（PDF 或图片）"),
)
def report_scan_download(request: HttpRequest, unit_id: UnitId) -> HttpResponseBase:
    unit = _unit(current_user(request), unit_id)
    current = selectors.unit_report(unit=unit, campaign=require_campaign())
    if current is None or not current.stamped_scan:
        raise Http404
    ext = (current.stamped_scan.name or "scan.pdf").rsplit(".", 1)[-1]
    return uploads.attachment_response(
        current.stamped_scan, download_name=f"{unit.name}-盖章推荐表.{ext}"
    )
