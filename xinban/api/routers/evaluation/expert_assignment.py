"""Assigning experts over JSON: automatically for a round, by hand, an application's
experts, withdrawing one."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from xinban.api.auth import scoped
from xinban.api.common import ApplicationId, SheetId, error_responses, require_campaign
from xinban.api.errors import InvalidInput, ensure_valid
from xinban.api.routers.evaluation.common import (
    evaluation_application,
    round_numbered,
    router,
    staff_user,
)
from xinban.applications.models import Application
from xinban.evaluation.forms import ReasonForm
from xinban.evaluation.services.expert_assignment import expert_assign_auto, expert_assign_manual
from xinban.evaluation.services.expert_sheets import expert_unassign
from xinban.scoring.models import Judge, ScoreSheet, Stage


class AutoAssignIn(Schema):
    k: int = Field(3, title="每份申报的专家数", ge=1, le=9)


class AutoAssignOut(Schema):
    created: int = Field(title="新增评审任务数")
    uncovered: dict[str, str] = Field(title="未能覆盖的申报（id → 原因）")


class ManualAssignIn(Schema):
    judge_id: int | None = Field(None, title="专家 id")
    round: int | None = Field(None, title="轮次")


class SheetBrief(Schema):
    id: int = Field(title="评分表 id")
    round: int = Field(title="轮次")
    expert: str = Field(title="专家")
    status: str = Field(title="状态")
    total: Decimal | None = Field(title="总分")


class UnassignQuery(Schema):
    reason: str = Field("", title="撤回原因", description="记入审计日志（可不填）")


@router.post(
    "/evaluation/rounds/{number}/auto-assign",
    response={200: AutoAssignOut, **error_responses(400, 403, 409, 422)},
    summary="自动分配专家（不违反回避规则；无法覆盖的申报附原因）",
    auth=scoped("staff:write"),
)
def auto_assign(request: HttpRequest, number: int, payload: AutoAssignIn) -> AutoAssignOut:
    user = staff_user(request)
    result = expert_assign_auto(
        actor=user, campaign=require_campaign(), round=round_numbered(number), k=payload.k
    )
    return AutoAssignOut(
        created=result.created, uncovered={str(k): v for k, v in result.uncovered.items()}
    )


@router.get(
    "/evaluation/applications/{application_id}/experts",
    response={200: list[SheetBrief], **error_responses(403, 404)},
    summary="申报的专家评审任务（含专家姓名与总分，仅质协）",
)
def expert_list(request: HttpRequest, application_id: ApplicationId) -> list[SheetBrief]:
    staff_user(request)
    return _expert_sheets(evaluation_application(application_id))


def _expert_sheets(app: Application) -> list[SheetBrief]:
    return [
        SheetBrief(id=s.pk, round=s.round, expert=s.judge.name, status=s.status, total=s.total)
        for s in ScoreSheet.objects.filter(application=app, stage=Stage.EXPERT)
        .select_related("judge")
        .order_by("round", "judge__name")
    ]


@router.post(
    "/evaluation/applications/{application_id}/experts",
    response={201: SheetBrief, **error_responses(400, 403, 404, 409, 422)},
    summary="手工分配专家（有回避冲突时拒绝并说明原因）",
    auth=scoped("staff:write"),
)
def expert_add(
    request: HttpRequest, application_id: ApplicationId, payload: ManualAssignIn
) -> Status[SheetBrief]:
    user = staff_user(request)
    app = evaluation_application(application_id)
    judge_id = payload.judge_id or 0
    judge = Judge.objects.filter(pk=judge_id if 0 < judge_id < 2**63 else 0).first()
    if judge is None:
        raise InvalidInput({"judge_id": [_("专家不存在。")]})
    if payload.round is None:
        raise InvalidInput({"round": [_("请选择评审轮次。")]})
    sheet = expert_assign_manual(
        actor=user, application=app, judge=judge, round=round_numbered(payload.round)
    )
    return Status(
        201,
        SheetBrief(
            id=sheet.pk,
            round=sheet.round,
            expert=judge.name,
            status=sheet.status,
            total=sheet.total,
        ),
    )


@router.delete(
    "/evaluation/applications/{application_id}/experts/{sheet_id}",
    response={200: list[SheetBrief], **error_responses(403, 404, 409, 422)},
    summary="撤回专家的评审任务（专家尚未提交评分）",
    description="申报不再有任何专家时回到“形式审查通过”。返回该申报余下的专家评审任务。",
    auth=scoped("staff:write"),
)
def expert_remove(
    request: HttpRequest,
    application_id: ApplicationId,
    sheet_id: SheetId,
    query: Query[UnassignQuery],
) -> list[SheetBrief]:
    user = staff_user(request)
    app = evaluation_application(application_id)
    sheet = get_object_or_404(ScoreSheet, pk=sheet_id, application=app, stage=Stage.EXPERT)
    form = ReasonForm({"reason": query.reason})
    ensure_valid(form)
    expert_unassign(actor=user, sheet=sheet, reason=form.cleaned_data["reason"])
    return _expert_sheets(app)
