"""The unit's judge panel, invitations, and the judges' assignments to applications."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Status

from xinban.api.auth import current_user, require_scope, scoped
from xinban.api.common import (
    ApplicationId,
    JudgeId,
    SheetId,
    UnitId,
    error_responses,
    require_campaign,
)
from xinban.api.errors import ensure_valid, fields_named
from xinban.api.payloads import form_data
from xinban.api.presenters import assignment_out, invitation_out, panel_judge_out
from xinban.api.routers.unit.base import _is_admin, _unit, router
from xinban.api.schemas import (
    AssignedCountOut,
    AssignIn,
    AssignmentOut,
    InvitationOut,
    InviteIn,
    JudgeIn,
    PanelJudgeOut,
    SpreadIn,
)
from xinban.core.errors import NotAllowed
from xinban.core.roles import roles_of
from xinban.recommendation import selectors, services
from xinban.recommendation.forms import AssignForm, InviteForm, JudgeForm, SpreadForm
from xinban.scoring.models import Judge, ScoreSheet, Stage

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
