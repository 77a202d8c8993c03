"""The judges' work: criteria, score sheets, conflicts of interest, accepted invitations."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Schema
from pydantic import ConfigDict

from xinban.api import labels
from xinban.api.labels import model_field, titled
from xinban.api.schemas.account import OrganisationOut
from xinban.api.schemas.applications import ApplicationOut
from xinban.api.schemas.campaign import UnitOut
from xinban.api.schemas.common import (
    _SHEET_STATUSES,
    JsonBool,
    JsonPoints,
    JsonText,
    _required_from,
)
from xinban.api.schemas.recommendation import ApplicationBriefOut
from xinban.recommendation.forms import ConflictForm
from xinban.recommendation.models import Invitation, InvitationRole
from xinban.scoring.models import ConflictDeclaration, Criterion, ScoreSheet, Stage


class CriterionOut(Schema):
    id: int
    name: str = model_field(Criterion, "name")
    weight: Decimal = model_field(Criterion, "weight")
    max_points: Decimal = model_field(Criterion, "max_points")
    position: int = model_field(Criterion, "position")
    descriptor: str = model_field(Criterion, "descriptor")


class SheetSummaryOut(Schema):
    id: int
    stage: str = titled(labels.STAGE, json_schema_extra={"enum": list(Stage.values)})
    stage_label: str = titled(labels.STAGE_LABEL)
    status: str = model_field(ScoreSheet, "status", json_schema_extra={"enum": _SHEET_STATUSES})
    status_label: str = titled(labels.STATUS_LABEL)
    total: Decimal | None = model_field(ScoreSheet, "total", None)
    submitted_at: datetime | None = titled(labels.SUBMITTED_AT)
    application: ApplicationBriefOut = titled(labels.APPLICATION)


class SheetOut(Schema):
    id: int
    stage: str = titled(labels.STAGE, json_schema_extra={"enum": list(Stage.values)})
    stage_label: str = titled(labels.STAGE_LABEL)
    status: str = model_field(ScoreSheet, "status", json_schema_extra={"enum": _SHEET_STATUSES})
    status_label: str = titled(labels.STATUS_LABEL)
    editable: bool = titled(labels.EDITABLE, description="尚未提交（提交后不能再修改）")
    criteria: list[CriterionOut] = titled(labels.CRITERIA)
    points: dict[str, Decimal] = titled(labels.POINTS, description="评分项 id → 得分")
    conformity: str = model_field(ScoreSheet, "conformity")
    features: str = model_field(ScoreSheet, "features")
    shortcomings: str = model_field(ScoreSheet, "shortcomings")
    total: Decimal | None = model_field(ScoreSheet, "total", None)
    submitted_at: datetime | None = titled(labels.SUBMITTED_AT)
    application: ApplicationOut = titled(labels.APPLICATION, description="申报材料")


class SheetIn(Schema):
    """The whole sheet (a full replacement: omitted points and texts count as empty)."""

    points: JsonPoints = titled(
        labels.POINTS,
        None,
        description=(
            '评分项 id → 得分（0 至该项满分，最多一位小数），如 {"12": 13.5}；'
            "草稿可缺项，提交时每项必填。错误以字段 points_<评分项 id> 返回"
        ),
    )
    conformity: JsonText = model_field(ScoreSheet, "conformity", None)
    features: JsonText = model_field(ScoreSheet, "features", None)
    shortcomings: JsonText = model_field(ScoreSheet, "shortcomings", None)
    submit: JsonBool = titled(
        labels.SUBMIT, None, description="true 提交评分（提交后不能再修改）；省略或 false 保存草稿"
    )


class ConflictIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(ConflictForm))

    reason: JsonText = model_field(
        ConflictDeclaration, "reason", None, description="声明后，该单位尚未提交的评审任务撤回"
    )


class ConflictOut(Schema):
    organisation: OrganisationOut = model_field(ConflictDeclaration, "organisation")
    reason: str = model_field(ConflictDeclaration, "reason")
    withdrawn: bool = titled(labels.WITHDRAWN)


class InvitationAcceptedOut(Schema):
    unit: UnitOut = titled(labels.UNIT)
    role: str = model_field(Invitation, "role", json_schema_extra={"enum": InvitationRole.values})
    role_label: str = titled(labels.ROLE_LABEL)
