"""资料形式审查 over JSON: the queue, one application's review, the bulk pass (the page's
form does the parsing and the service call: ``FormalReviewForm.save``)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Schema

from xinban.api.auth import scoped
from xinban.api.common import ApplicationId, error_responses, require_campaign
from xinban.api.errors import ensure_valid
from xinban.api.routers.evaluation.common import (
    ApplicationBrief,
    brief,
    evaluation_application,
    router,
    staff_user,
)
from xinban.applications.models import Application, ApplicationState
from xinban.evaluation import selectors
from xinban.evaluation.forms import FormalReviewForm
from xinban.evaluation.services.formal_review import formal_review_bulk


class FormalRowOut(Schema):
    application: ApplicationBrief
    automatic_ok: bool = Field(title="自动核对均符合")
    failing: list[str] = Field(title="不符合的自动核对条目")
    outcome: str | None = Field(title="审查结论")
    indicator_flags: dict[str, str] = Field(
        default_factory=dict,
        title="指标请核对",
        description="指标之间不合常理之处（字段名 → 说明），供审查人留意",
    )


class FormalReviewIn(Schema):
    outcome: str = Field("", title="审查结论", description="passed / failed / returned")
    reason: str = Field("", title="原因")
    checks: dict[str, bool] = Field(
        default_factory=dict, title="人工核对条目", description="核对条目 id → 是否符合"
    )


class BulkIn(Schema):
    application_ids: list[int] = Field(default_factory=list, title="申报 id 列表")
    hand_checks: dict[str, list[int]] = Field(
        default_factory=dict,
        title="人工核对项",
        description=(
            "申报 id → 审查人逐项勾选的人工核对条目 id（见形式审查核对表）；"
            "未勾选全部人工核对项的申报不批量通过"
        ),
    )


class BulkOut(Schema):
    passed: list[int] = Field(title="已通过")
    refused: dict[str, str] = Field(title="需逐份审查（id → 原因）")


@router.get(
    "/evaluation/formal",
    response={200: list[FormalRowOut], **error_responses(403)},
    summary="形式审查队列（待审查的推荐申报及自动核对结果）",
)
def formal_queue(request: HttpRequest) -> list[FormalRowOut]:
    staff_user(request)
    return [
        FormalRowOut(
            application=brief(row.application),
            automatic_ok=row.automatic_ok,
            failing=row.failing,
            outcome=row.review.outcome if row.review else None,
            indicator_flags=row.application.indicator_flags,
        )
        for row in selectors.formal_review_queue(campaign=require_campaign())
    ]


@router.post(
    "/evaluation/applications/{application_id}/formal-review",
    response={200: ApplicationBrief, **error_responses(400, 403, 404, 409, 422)},
    summary="记录形式审查结论（通过、不通过或退回修改）",
    auth=scoped("staff:write"),
)
def formal_review(
    request: HttpRequest, application_id: ApplicationId, payload: FormalReviewIn
) -> ApplicationBrief:
    user = staff_user(request)
    app = evaluation_application(application_id)
    form = FormalReviewForm.for_application(
        app,
        {
            "outcome": payload.outcome,
            "reason": payload.reason,
            **{f"check_{k}": "on" for k, v in payload.checks.items() if v},
        },
    )
    ensure_valid(form)
    form.save(actor=user, application=app)
    app.refresh_from_db()
    return brief(app)


@router.post(
    "/evaluation/formal/bulk",
    response={200: BulkOut, **error_responses(403, 409, 422)},
    summary="批量通过形式审查（仅自动核对均符合者）",
    auth=scoped("staff:write"),
)
def formal_bulk(request: HttpRequest, payload: BulkIn) -> BulkOut:
    user = staff_user(request)
    campaign = require_campaign()
    applications = list(
        Application.objects.filter(
            campaign=campaign,
            pk__in=[pk for pk in payload.application_ids if 0 < pk < 2**63],
            state=ApplicationState.RECOMMENDED,
        )
    )
    result = formal_review_bulk(
        actor=user,
        applications=applications,
        hand_checked={
            int(k): v for k, v in payload.hand_checks.items() if k.isdigit() and len(k) < 19
        },
    )
    return BulkOut(
        passed=[a.pk for a in result.passed],
        refused={str(k): v for k, v in result.refused.items()},
    )
