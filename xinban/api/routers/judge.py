"""A judge's work (the judge pages, as JSON): the score sheets assigned to me, scoring with
the year's rubric and the three-part material evaluation, declaring a conflict; and
accepting an e-mailed invitation to a recommending unit.

A sheet is visible to its judge only: anyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from xinban.accounts.models import User
from xinban.api.auth import current_user, scoped
from xinban.api.common import InvitationToken, SheetId, error_responses
from xinban.api.errors import Errors, ensure_valid
from xinban.api.payloads import form_data
from xinban.api.presenters import (
    organisation_out,
    sheet_out,
    sheet_summary_out,
    unit_out,
)
from xinban.api.schemas import (
    ConflictIn,
    ConflictOut,
    InvitationAcceptedOut,
    SheetIn,
    SheetOut,
    SheetSummaryOut,
)
from xinban.recommendation import selectors, services
from xinban.recommendation.forms import ConflictForm, SheetForm
from xinban.scoring.models import Criterion, ScoreSheet
from xinban.scoring.services import rubric_for

router = Router(tags=["评委评分"])


def _sheet(user: User, sheet_id: SheetId) -> ScoreSheet:
    """The user's own sheet, else 404."""
    return selectors.judge_sheet_get(user=user, pk=sheet_id)


def _criteria(sheet: ScoreSheet) -> list[Criterion]:
    rubric = rubric_for(campaign=sheet.application.campaign, stage=sheet.stage)
    return list(rubric.criteria.all())


def _out(user: User, sheet_id: SheetId) -> SheetOut:
    sheet = _sheet(user, sheet_id)
    return sheet_out(sheet, user=user, criteria=_criteria(sheet))


def _points_data(raw: Any, criteria: list[Criterion]) -> tuple[dict[str, Any], Errors]:
    """The ``points`` object as the page form's ``points_<criterion id>`` fields; errors
    for what the form could misread (a key that is no criterion, a value that is no
    number)."""
    data: dict[str, Any] = {}
    errors: Errors = {}
    if raw is None:
        return data, errors
    if not isinstance(raw, dict):
        return data, {"points": [_("应为对象：评分项 id → 得分。")]}
    known = {str(c.pk) for c in criteria}
    for key, value in raw.items():
        if key not in known:
            errors.setdefault("points", []).append(
                _("没有编号为 %(key)s 的评分项。") % {"key": key}
            )
        elif value is None:
            continue
        elif isinstance(value, bool) or not isinstance(value, int | float | str):
            errors[f"points_{key}"] = [_("格式不正确。")]
        else:
            data[f"points_{key}"] = value
    return data, errors


@router.get(
    "/judge/sheets",
    response={200: list[SheetSummaryOut], **error_responses()},
    summary="分配给我的评审",
)
def sheet_list(request: HttpRequest) -> list[SheetSummaryOut]:
    sheets = selectors.judge_sheets(user=current_user(request)).select_related(
        "application__team_type"
    )
    return [sheet_summary_out(sheet) for sheet in sheets]


@router.get(
    "/judge/sheets/{sheet_id}",
    response={200: SheetOut, **error_responses(404)},
    summary="评分表：申报材料、评分细则、我的评分与材料评价",
)
def sheet_get(request: HttpRequest, sheet_id: SheetId) -> SheetOut:
    return _out(current_user(request), sheet_id)


@router.put(
    "/judge/sheets/{sheet_id}",
    response={200: SheetOut, **error_responses(400, 403, 404, 409, 422)},
    summary="保存草稿或提交评分",
    description=(
        "整体替换评分表。得分须在 0 至该项满分之间、最多一位小数，错误以字段 "
        "points_<评分项 id> 返回（422，或提交时缺项 400 code: points_missing）；"
        "提交时须填写符合标准程度、特色、不足之处（code: text_missing）。"
        "提交后不能再修改（409 code: sheet_submitted）。"
    ),
    auth=scoped("judge:write"),
)
def sheet_put(request: HttpRequest, sheet_id: SheetId, payload: SheetIn) -> SheetOut:
    user = current_user(request)
    sheet = _sheet(user, sheet_id)
    criteria = _criteria(sheet)
    data, type_errors = form_data(payload, SheetForm)
    points, points_errors = _points_data(payload.points, criteria)
    submit = payload.submit
    if submit is not None and not isinstance(submit, bool):
        type_errors["submit"] = [_("应为 true 或 false。")]
    form = SheetForm({**data, **points}, criteria=criteria)
    ensure_valid(form, {**type_errors, **points_errors})
    form.save(actor=user, sheet=sheet, submit=bool(submit))
    return _out(user, sheet_id)


@router.post(
    "/judge/sheets/{sheet_id}/conflict",
    response={200: ConflictOut, **error_responses(400, 403, 404, 422)},
    summary="声明回避",
    description="对该申报单位声明回避：其尚未提交的评审任务随即撤回，以后也不会再分配给我。",
    auth=scoped("judge:write"),
)
def sheet_conflict(request: HttpRequest, sheet_id: SheetId, payload: ConflictIn) -> ConflictOut:
    user = current_user(request)
    sheet = _sheet(user, sheet_id)
    data, type_errors = form_data(payload, ConflictForm)
    form = ConflictForm(data)
    ensure_valid(form, type_errors)
    organisation = sheet.application.organisation
    declaration = services.conflict_declare(
        actor=user, organisation=organisation, reason=form.cleaned_data["reason"]
    )
    return ConflictOut(
        organisation=organisation_out(organisation),
        reason=declaration.reason,
        withdrawn=not ScoreSheet.objects.filter(pk=sheet.pk).exists(),
    )


@router.post(
    "/invitations/{token}/accept",
    response={200: InvitationAcceptedOut, **error_responses(400, 403)},
    summary="接受加入推荐单位的邀请（评委、管理员或工作人员）",
    description=(
        "token 为邀请邮件链接中的一段。须用被邀请的邮箱登录（否则 403 "
        "code: invitation_other_email）；链接无效或已使用时 400（code: invitation_invalid）。"
    ),
    tags=["邀请"],
    auth=scoped("me:write"),
)
def invitation_accept(request: HttpRequest, token: InvitationToken) -> InvitationAcceptedOut:
    invitation = services.invitation_accept(actor=current_user(request), token=token)
    return InvitationAcceptedOut(
        unit=unit_out(invitation.unit),
        role=invitation.role,
        role_label=str(invitation.get_role_display()),
    )
