"""The ranking by domain and the decisions over JSON: 评价结果, typical experiences, the
national mark (the page's forms do the parsing and the service call)."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema

from xinban.api.auth import scoped
from xinban.api.common import ApplicationId, error_responses, require_campaign
from xinban.api.errors import InvalidInput, ensure_valid
from xinban.api.payloads import form_data
from xinban.api.routers.evaluation.common import (
    ApplicationBrief,
    brief,
    evaluation_application,
    router,
    staff_user,
)
from xinban.evaluation import selectors
from xinban.evaluation.forms import DecisionForm, NationalForm
from xinban.evaluation.services.decisions import typical_confirm


class ExpertRankingRowOut(Schema):
    application: ApplicationBrief
    domain: str = Field(title="领域")
    score: Decimal | None = Field(title="得分")
    judges: int = Field(title="专家数")
    flagged: bool = Field(title="分歧大")
    rank: int | None = Field(title="领域内排名")
    decision: str | None = Field(title="评价结果")


class DecisionIn(Schema):
    level: str = Field("", title="评价结果")
    consensus_notes: str = Field("", title="评审组长合议意见")
    reason: str = Field("", title="修改原因")


class DecisionOut(Schema):
    level: str = Field(title="评价结果")
    national: bool = Field(title="推荐全国质量信得过班组典型经验")
    consensus_notes: str = Field(title="评审组长合议意见")


class NationalIn(Schema):
    value: bool | None = Field(None, title="推荐全国")
    reason: str = Field("", title="原因")


class ReasonIn(Schema):
    reason: str = Field("", title="原因")


class RankingQuery(Schema):
    normalise: bool | None = Field(None, title="按评委标准化")
    round: int | None = Field(None, title="轮次（空：各专家最新一轮）")


@router.get(
    "/evaluation/ranking",
    response={200: list[ExpertRankingRowOut], **error_responses(403)},
    summary="分领域排序（截尾平均、可选评委标准化、分歧标记）",
)
def ranking(request: HttpRequest, query: Query[RankingQuery]) -> list[ExpertRankingRowOut]:
    staff_user(request)
    domains = selectors.expert_ranking(
        campaign=require_campaign(), round=query.round, normalise=query.normalise
    )
    return [
        ExpertRankingRowOut(
            application=brief(row.application),
            domain=row.domain,
            score=row.score,
            judges=row.judges,
            flagged=row.flagged,
            rank=row.rank,
            decision=row.decision.level if row.decision else None,
        )
        for d in domains
        for row in d.rows
    ]


@router.put(
    "/evaluation/applications/{application_id}/decision",
    response={200: DecisionOut, **error_responses(400, 403, 404, 409, 422)},
    summary="作出或修改评价结果（修改须填写原因）",
    auth=scoped("staff:write"),
)
def decision_put(
    request: HttpRequest, application_id: ApplicationId, payload: DecisionIn
) -> DecisionOut:
    user = staff_user(request)
    app = evaluation_application(application_id)
    data, type_errors = form_data(payload, DecisionForm)
    form = DecisionForm(data)
    ensure_valid(form, type_errors)
    decision = form.save(actor=user, application=app)
    return DecisionOut(
        level=decision.level, national=decision.national, consensus_notes=decision.consensus_notes
    )


@router.post(
    "/evaluation/applications/{application_id}/confirm",
    response={200: DecisionOut, **error_responses(400, 403, 404, 409)},
    summary="确认典型经验（须有视频、指导单位同意且无反对）",
    auth=scoped("staff:write"),
)
def confirm(request: HttpRequest, application_id: ApplicationId, payload: ReasonIn) -> DecisionOut:
    user = staff_user(request)
    decision = typical_confirm(
        actor=user, application=evaluation_application(application_id), reason=payload.reason
    )
    return DecisionOut(
        level=decision.level, national=decision.national, consensus_notes=decision.consensus_notes
    )


@router.put(
    "/evaluation/applications/{application_id}/national",
    response={200: DecisionOut, **error_responses(400, 403, 404, 409, 422)},
    summary="推荐（或取消推荐）全国质量信得过班组典型经验",
    auth=scoped("staff:write"),
)
def national(
    request: HttpRequest, application_id: ApplicationId, payload: NationalIn
) -> DecisionOut:
    user = staff_user(request)
    if payload.value is None:
        raise InvalidInput({"value": [_("请选择是否推荐。")]})
    form = NationalForm({"value": "1" if payload.value else "0", "reason": payload.reason})
    ensure_valid(form)
    decision = form.save(actor=user, application=evaluation_application(application_id))
    return DecisionOut(
        level=decision.level, national=decision.national, consensus_notes=decision.consensus_notes
    )
