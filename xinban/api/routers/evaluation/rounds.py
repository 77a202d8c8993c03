"""Rounds of expert scoring over JSON: list, create, move a deadline."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Schema, Status
from pydantic import ConfigDict

from xinban.api.auth import scoped
from xinban.api.common import error_responses, require_campaign
from xinban.api.errors import InvalidInput
from xinban.api.labels import form_field
from xinban.api.routers.evaluation.common import router, staff_user
from xinban.api.schemas import InputDateTime, _required_from
from xinban.evaluation import selectors
from xinban.evaluation.forms import DeadlineForm
from xinban.evaluation.models import EvaluationRound
from xinban.evaluation.services import rounds as round_services

RoundNumber = Annotated[int, Path(title="轮次")]


class RoundIn(Schema):
    deadline: InputDateTime | None = Field(None, title="评分截止时间")


class RoundOut(Schema):
    number: int = Field(title="轮次")
    deadline: datetime = Field(title="评分截止时间")


class DeadlineIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(DeadlineForm))

    deadline: InputDateTime | None = form_field(
        DeadlineForm,
        "deadline",
        None,
        description="ISO 8601 时间，如 2026-06-30T17:00:00+08:00；可延长，也可提前截止",
    )
    reason: str | None = form_field(DeadlineForm, "reason", None)


@router.get(
    "/evaluation/rounds",
    response={200: list[RoundOut], **error_responses(403)},
    summary="评审轮次",
)
def round_list(request: HttpRequest) -> list[RoundOut]:
    staff_user(request)
    return [
        RoundOut(number=r.number, deadline=r.deadline)
        for r in selectors.rounds_of(require_campaign())
    ]


@router.post(
    "/evaluation/rounds",
    response={201: RoundOut, **error_responses(400, 403, 409, 422)},
    summary="新建评审轮次",
    auth=scoped("staff:write"),
)
def round_create(request: HttpRequest, payload: RoundIn) -> Status[RoundOut]:
    user = staff_user(request)
    if payload.deadline is None:
        raise InvalidInput({"deadline": [_("请填写评分截止时间。")]})
    created = round_services.round_create(
        actor=user, campaign=require_campaign(), deadline=payload.deadline
    )
    return Status(201, RoundOut(number=created.number, deadline=created.deadline))


@router.put(
    "/evaluation/rounds/{number}/deadline",
    response={200: RoundOut, **error_responses(400, 403, 404, 409, 422)},
    summary="调整评审轮次的评分截止时间（须填写原因）",
    auth=scoped("staff:write"),
)
def round_deadline(request: HttpRequest, number: RoundNumber, payload: DeadlineIn) -> RoundOut:
    user = staff_user(request)
    evaluation_round = get_object_or_404(
        EvaluationRound, campaign=require_campaign(), number=number
    )
    errors: dict[str, list[str]] = {}
    if payload.deadline is None:
        errors["deadline"] = [_("请填写评分截止时间。")]
    try:
        reason = DeadlineForm.base_fields["reason"].clean(payload.reason or "")
    except DjangoValidationError as exc:
        errors["reason"] = [str(m) for m in exc.messages]
    if errors or payload.deadline is None:
        raise InvalidInput(errors)
    updated = round_services.round_set_deadline(
        actor=user, evaluation_round=evaluation_round, deadline=payload.deadline, reason=reason
    )
    return RoundOut(number=updated.number, deadline=updated.deadline)
