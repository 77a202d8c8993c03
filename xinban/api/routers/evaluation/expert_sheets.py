"""An expert's sheets over JSON: list, read, save or submit (the score sheet's form,
``SheetForm.save``, as on the page), 回避."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema

from xinban.api.auth import current_user, scoped
from xinban.api.common import SheetId, error_responses
from xinban.api.errors import ensure_valid
from xinban.api.payloads import form_data
from xinban.api.presenters import organisation_out
from xinban.api.routers.evaluation.common import ApplicationBrief, brief, router
from xinban.api.schemas import ConflictIn, ConflictOut
from xinban.evaluation import selectors
from xinban.evaluation.services.expert_sheets import expert_conflict_declare
from xinban.scoring.forms import ConflictForm, SheetForm
from xinban.scoring.models import ScoreSheet, Stage
from xinban.scoring.services import rubric_for


class ExpertSheetOut(Schema):
    id: int = Field(title="评分表 id")
    round: int = Field(title="轮次")
    status: str = Field(title="状态")
    application: ApplicationBrief
    criteria: list[dict[str, Any]] = Field(title="评分细则")
    points: dict[str, Decimal | None] = Field(title="我的评分（评分项 id → 得分）")
    conformity: str = Field(title="符合标准程度")
    features: str = Field(title="特色")
    shortcomings: str = Field(title="不足之处")
    total: Decimal | None = Field(title="总分")


class ExpertSheetIn(Schema):
    points: dict[str, Decimal | None] = Field(
        default_factory=dict, title="评分（评分项 id → 得分）"
    )
    conformity: str = Field("", title="符合标准程度")
    features: str = Field("", title="特色")
    shortcomings: str = Field("", title="不足之处")
    submit: bool = Field(False, title="提交（否则保存草稿）")


def _expert_sheet_out(sheet: ScoreSheet) -> ExpertSheetOut:
    rubric = rubric_for(campaign=sheet.application.campaign, stage=Stage.EXPERT)
    return ExpertSheetOut(
        id=sheet.pk,
        round=sheet.round,
        status=sheet.status,
        application=brief(sheet.application),
        criteria=[
            {"id": c.pk, "label": c.label, "max_points": str(c.max_points)}
            for c in rubric.criteria.all()
        ],
        points={str(s.criterion_id): s.points for s in sheet.scores.all()},
        conformity=sheet.conformity,
        features=sheet.features,
        shortcomings=sheet.shortcomings,
        total=sheet.total,
    )


@router.get(
    "/expert/sheets",
    response={200: list[ExpertSheetOut], **error_responses()},
    summary="分配给我的专家评审",
)
def expert_sheets(request: HttpRequest) -> list[ExpertSheetOut]:
    return [_expert_sheet_out(s) for s in selectors.expert_sheets(user=current_user(request))]


@router.get(
    "/expert/sheets/{sheet_id}",
    response={200: ExpertSheetOut, **error_responses(404)},
    summary="专家评分表",
)
def expert_sheet_get(request: HttpRequest, sheet_id: SheetId) -> ExpertSheetOut:
    return _expert_sheet_out(selectors.expert_sheet_get(user=current_user(request), pk=sheet_id))


@router.put(
    "/expert/sheets/{sheet_id}",
    response={200: ExpertSheetOut, **error_responses(400, 403, 404, 409, 422)},
    summary="保存草稿或提交专家评分",
    auth=scoped("judge:write"),
)
def expert_sheet_put(
    request: HttpRequest, sheet_id: SheetId, payload: ExpertSheetIn
) -> ExpertSheetOut:
    user = current_user(request)
    sheet = selectors.expert_sheet_get(user=user, pk=sheet_id)
    data: dict[str, Any] = {
        "conformity": payload.conformity,
        "features": payload.features,
        "shortcomings": payload.shortcomings,
        # Points of criteria not in the sheet's rubric are no field of the form: ignored.
        **{f"points_{k}": "" if v is None else str(v) for k, v in payload.points.items()},
    }
    form = SheetForm.for_sheet(sheet, data)
    ensure_valid(form)
    form.save(actor=user, sheet=sheet, submit=payload.submit)
    return _expert_sheet_out(selectors.expert_sheet_get(user=user, pk=sheet_id))


@router.post(
    "/expert/sheets/{sheet_id}/conflict",
    response={200: ConflictOut, **error_responses(400, 403, 404, 409, 422)},
    summary="专家声明回避",
    description=(
        "对该申报单位声明回避：我尚未提交的评审任务随即撤回，以后也不会再分配给我；"
        "质协工作人员收到通知并可另行分配。"
    ),
    auth=scoped("judge:write"),
)
def expert_sheet_conflict(
    request: HttpRequest, sheet_id: SheetId, payload: ConflictIn
) -> ConflictOut:
    user = current_user(request)
    sheet = selectors.expert_sheet_get(user=user, pk=sheet_id)
    data, type_errors = form_data(payload, ConflictForm)
    form = ConflictForm(data)
    ensure_valid(form, type_errors)
    declaration = expert_conflict_declare(
        actor=user,  # type: ignore[arg-type]
        sheet=sheet,
        reason=form.cleaned_data["reason"],
    )
    organisation = sheet.application.organisation
    return ConflictOut(
        organisation=organisation_out(organisation),
        reason=declaration.reason,
        withdrawn=not ScoreSheet.objects.filter(pk=sheet.pk).exists(),
    )
