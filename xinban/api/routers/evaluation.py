"""The association's evaluation (the pages of xinban.evaluation.views, as JSON): formal
review, rounds, automatic and manual expert assignment, the per-domain ranking, decisions,
typical experiences and the national mark (staff); the expert's own sheets; guiding units'
review of candidates; the applicant's outcomes and presentation video.

Who may do what, as on the pages: staff operations answer 403 to other signed-in users;
an expert's sheet, a guiding unit's candidate and an applicant's application are 404 to
anyone else. Applicants never receive experts' names or scores."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import ConfigDict, WithJsonSchema

from xinban.accounts.models import User
from xinban.api.auth import current_user, scoped
from xinban.api.common import ApplicationId, SheetId, error_responses, require_campaign
from xinban.api.errors import InvalidInput, ensure_valid, fields_named
from xinban.api.labels import form_field
from xinban.api.payloads import form_data
from xinban.api.presenters import organisation_out, term_out
from xinban.api.schemas import (
    ConflictIn,
    ConflictOut,
    InputDateTime,
    JsonBool,
    JsonId,
    JsonIdList,
    JsonText,
    TermOut,
    _required_from,
)
from xinban.applications.models import Application, ApplicationState
from xinban.core.roles import roles_of
from xinban.evaluation import selectors, services
from xinban.evaluation.forms import (
    DeadlineForm,
    DecisionForm,
    EmploymentForm,
    FormalReviewForm,
    GuidingReviewForm,
    NationalForm,
    PanelAddForm,
    PanelMemberForm,
    ReasonForm,
)
from xinban.evaluation.models import EvaluationRound, ExpertPanelMember
from xinban.recommendation.forms import ConflictForm, SheetForm
from xinban.scoring.models import Judge, JudgeEmployment, ScoreSheet, Stage
from xinban.scoring.services import rubric_for, sheet_save

router = Router(tags=["成果评价"])


# --------------------------------------------------------------------------- schemas


class ApplicationBrief(Schema):
    id: int = Field(title="申报 id")
    number: str = Field(title="申报编号")
    team_name: str = Field(title="班组名称")
    organisation: str = Field(title="申报单位")
    state: str = Field(title="状态")


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


class RoundIn(Schema):
    deadline: InputDateTime | None = Field(None, title="评分截止时间")


class RoundOut(Schema):
    number: int = Field(title="轮次")
    deadline: datetime = Field(title="评分截止时间")


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


class CandidateOut(Schema):
    application: ApplicationBrief
    video: str | None = Field(title="发表视频文件名")
    reviews: list[dict[str, str]] = Field(title="指导单位审核")


class GuidingReviewIn(Schema):
    verdict: str = Field("", title="审核意见", description="approve / reject")
    comment: str = Field("", title="说明")


class OutcomeOut(Schema):
    application: ApplicationBrief
    formal_outcome: str = Field(title="形式审查")
    return_reason: str = Field(title="退回原因")
    decision: str = Field(title="评价结果")
    national: bool = Field(title="推荐全国")
    video_required: bool = Field(title="需上传发表视频")


class VideoIn(Schema):
    upload_id: str = Field("", title="断点续传上传 id")


class VideoOut(Schema):
    name: str = Field(title="文件名")
    size: int = Field(title="大小（字节）")
    sha256: str = Field(title="SHA-256")


# --------------------------------------------------------------------------- helpers


def _brief(app: Application) -> ApplicationBrief:
    return ApplicationBrief(
        id=app.pk,
        number=app.number,
        team_name=app.team_name,
        organisation=app.organisation.name,
        state=app.state,
    )


def _staff(request: HttpRequest) -> User:
    user = current_user(request)
    if not user.has_perm("evaluation.manage"):
        raise PermissionDenied
    return user


def _app(application_id: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("organisation", "campaign"),
        pk=application_id,
        campaign=require_campaign(),
        state__in=[ApplicationState.RECOMMENDED, *selectors.REVIEWED_STATES],
    )


def _round(number: int) -> EvaluationRound:
    found = EvaluationRound.objects.filter(campaign=require_campaign(), number=number).first()
    if found is None:
        raise InvalidInput({"round": [_("评审轮次不存在。")]})
    return found


# --------------------------------------------------------------------------- staff


@router.get(
    "/evaluation/formal",
    response={200: list[FormalRowOut], **error_responses(403)},
    summary="形式审查队列（待审查的推荐申报及自动核对结果）",
)
def formal_queue(request: HttpRequest) -> list[FormalRowOut]:
    _staff(request)
    return [
        FormalRowOut(
            application=_brief(row.application),
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
    user = _staff(request)
    app = _app(application_id)
    items = services.checklist_for(app.campaign)
    form = FormalReviewForm(
        {
            "outcome": payload.outcome,
            "reason": payload.reason,
            **{f"check_{k}": "on" for k, v in payload.checks.items() if v},
        },
        items=items,
    )
    ensure_valid(form)
    services.formal_review_record(
        actor=user,
        application=app,
        outcome=form.cleaned_data["outcome"],
        checks=form.checks(),
        reason=form.cleaned_data["reason"],
    )
    app.refresh_from_db()
    return _brief(app)


@router.post(
    "/evaluation/formal/bulk",
    response={200: BulkOut, **error_responses(403, 409, 422)},
    summary="批量通过形式审查（仅自动核对均符合者）",
    auth=scoped("staff:write"),
)
def formal_bulk(request: HttpRequest, payload: BulkIn) -> BulkOut:
    user = _staff(request)
    campaign = require_campaign()
    applications = list(
        Application.objects.filter(
            campaign=campaign,
            pk__in=[pk for pk in payload.application_ids if 0 < pk < 2**63],
            state=ApplicationState.RECOMMENDED,
        )
    )
    result = services.formal_review_bulk(
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


@router.get(
    "/evaluation/rounds",
    response={200: list[RoundOut], **error_responses(403)},
    summary="评审轮次",
)
def round_list(request: HttpRequest) -> list[RoundOut]:
    _staff(request)
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
    user = _staff(request)
    if payload.deadline is None:
        raise InvalidInput({"deadline": [_("请填写评分截止时间。")]})
    created = services.round_create(
        actor=user, campaign=require_campaign(), deadline=payload.deadline
    )
    return Status(201, RoundOut(number=created.number, deadline=created.deadline))


@router.post(
    "/evaluation/rounds/{number}/auto-assign",
    response={200: AutoAssignOut, **error_responses(400, 403, 409, 422)},
    summary="自动分配专家（不违反回避规则；无法覆盖的申报附原因）",
    auth=scoped("staff:write"),
)
def auto_assign(request: HttpRequest, number: int, payload: AutoAssignIn) -> AutoAssignOut:
    user = _staff(request)
    result = services.expert_assign_auto(
        actor=user, campaign=require_campaign(), round=_round(number), k=payload.k
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
    _staff(request)
    return _expert_sheets(_app(application_id))


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
    user = _staff(request)
    app = _app(application_id)
    judge_id = payload.judge_id or 0
    judge = Judge.objects.filter(pk=judge_id if 0 < judge_id < 2**63 else 0).first()
    if judge is None:
        raise InvalidInput({"judge_id": [_("专家不存在。")]})
    if payload.round is None:
        raise InvalidInput({"round": [_("请选择评审轮次。")]})
    sheet = services.expert_assign_manual(
        actor=user, application=app, judge=judge, round=_round(payload.round)
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


class RankingQuery(Schema):
    normalise: bool | None = Field(None, title="按评委标准化")
    round: int | None = Field(None, title="轮次（空：各专家最新一轮）")


@router.get(
    "/evaluation/ranking",
    response={200: list[ExpertRankingRowOut], **error_responses(403)},
    summary="分领域排序（截尾平均、可选评委标准化、分歧标记）",
)
def ranking(request: HttpRequest, query: Query[RankingQuery]) -> list[ExpertRankingRowOut]:
    _staff(request)
    domains = selectors.expert_ranking(
        campaign=require_campaign(), round=query.round, normalise=query.normalise
    )
    return [
        ExpertRankingRowOut(
            application=_brief(row.application),
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
    user = _staff(request)
    app = _app(application_id)
    data, type_errors = form_data(payload, DecisionForm)
    form = DecisionForm(data)
    ensure_valid(form, type_errors)
    decision = services.decision_set(
        actor=user,
        application=app,
        level=form.cleaned_data["level"],
        consensus_notes=form.cleaned_data["consensus_notes"],
        reason=form.cleaned_data["reason"],
    )
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
    user = _staff(request)
    decision = services.typical_confirm(
        actor=user, application=_app(application_id), reason=payload.reason
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
    user = _staff(request)
    if payload.value is None:
        raise InvalidInput({"value": [_("请选择是否推荐。")]})
    form = NationalForm({"value": "1" if payload.value else "0", "reason": payload.reason})
    ensure_valid(form)
    decision = services.national_mark(
        actor=user,
        application=_app(application_id),
        value=form.cleaned_data["value"],
        reason=form.cleaned_data["reason"],
    )
    return DecisionOut(
        level=decision.level, national=decision.national, consensus_notes=decision.consensus_notes
    )


# --------------------------------------------------------------------------- the panel

MemberId = Annotated[int, Path(title="专家评委库成员 id")]
EmploymentId = Annotated[int, Path(title="工作经历 id")]
RoundNumber = Annotated[int, Path(title="轮次")]

JsonCapacity = Annotated[
    Any,
    WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 1000}, {"type": "null"}]}
    ),
]
JsonYear = Annotated[Any, WithJsonSchema({"type": "integer", "minimum": 1950, "maximum": 2100})]
JsonYearOrNull = Annotated[
    Any,
    WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": 1950, "maximum": 2100}, {"type": "null"}]}
    ),
]


class EmploymentOut(Schema):
    id: int = Field(title="工作经历 id")
    organisation_name: str = Field(title="单位名称")
    start_year: int = Field(title="起始年份")
    end_year: int | None = Field(title="结束年份", description="空：至今")


class ExpertConflictOut(Schema):
    organisation: str = Field(title="单位")
    reason: str = Field(title="回避原因")


class PanelMemberOut(Schema):
    id: int = Field(title="专家评委库成员 id")
    judge_id: int = Field(title="专家 id")
    name: str = Field(title="姓名")
    employer: str = Field(title="工作单位")
    tgq_number: str = Field(title="TGQ评委证书号")
    capacity: int | None = Field(title="评审容量", description="每轮最多评审的申报数；空：不限")
    is_chair: bool = Field(title="评审组长")
    domains: list[TermOut] = Field(title="擅长领域")
    industries: list[TermOut] = Field(title="熟悉行业")
    assigned: int = Field(title="已分配评审数")
    submitted: int = Field(title="已提交评审数")


class PanelMemberDetailOut(PanelMemberOut):
    employments: list[EmploymentOut] = Field(title="工作经历")
    conflicts: list[ExpertConflictOut] = Field(title="回避声明")


class PanelCandidateOut(Schema):
    id: int = Field(title="专家 id")
    name: str = Field(title="姓名")
    employer: str = Field(title="工作单位")
    tgq_number: str = Field(title="TGQ评委证书号")


class PanelAddIn(Schema):
    model_config = ConfigDict(
        json_schema_extra=_required_from(PanelAddForm, names={"judge": "judge_id"})
    )

    judge_id: JsonId = form_field(
        PanelAddForm,
        "judge",
        None,
        description="尚不在本年度专家评委库中的评委 id（见 /evaluation/panel/candidates）",
    )
    capacity: JsonCapacity = form_field(PanelAddForm, "capacity", None)
    is_chair: JsonBool = form_field(PanelAddForm, "is_chair", None)


class PanelMemberIn(Schema):
    """The whole member (a full replacement, as the page's form): absent values are
    empty — no limit, not chair, no domain, no industry."""

    capacity: JsonCapacity = form_field(PanelMemberForm, "capacity", None)
    is_chair: JsonBool = form_field(PanelMemberForm, "is_chair", None)
    domains: JsonIdList = form_field(
        PanelMemberForm, "domains", None, description="领域 id 列表（见 /taxonomies）"
    )
    industries: JsonIdList = form_field(
        PanelMemberForm, "industries", None, description="行业 id 列表（见 /taxonomies）"
    )


class EmploymentIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(EmploymentForm))

    organisation_name: JsonText = form_field(
        EmploymentForm, "organisation_name", None, description="与申报单位全称一致时即回避"
    )
    start_year: JsonYear = form_field(EmploymentForm, "start_year", None)
    end_year: JsonYearOrNull = form_field(EmploymentForm, "end_year", None)


class DeadlineIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(DeadlineForm))

    deadline: InputDateTime | None = form_field(
        DeadlineForm,
        "deadline",
        None,
        description="ISO 8601 时间，如 2026-06-30T17:00:00+08:00；可延长，也可提前截止",
    )
    reason: str | None = form_field(DeadlineForm, "reason", None)


class UnassignQuery(Schema):
    reason: str = Field("", title="撤回原因", description="记入审计日志（可不填）")


def _terms(items: Any) -> list[TermOut]:
    return [term_out(t) for t in items]


def _member_fields(member: ExpertPanelMember, assigned: int, submitted: int) -> dict[str, Any]:
    judge = member.judge
    return {
        "id": member.pk,
        "judge_id": judge.pk,
        "name": judge.name,
        "employer": judge.employer,
        "tgq_number": judge.tgq_number,
        "capacity": member.capacity,
        "is_chair": member.is_chair,
        "domains": _terms(judge.domains.all()),
        "industries": _terms(judge.industries.all()),
        "assigned": assigned,
        "submitted": submitted,
    }


def _member(member_id: int) -> ExpertPanelMember:
    return get_object_or_404(
        ExpertPanelMember.objects.select_related("judge"),
        pk=member_id,
        campaign=require_campaign(),
    )


def _member_detail(member: ExpertPanelMember) -> PanelMemberDetailOut:
    row = next(
        (r for r in selectors.expert_panel(campaign=member.campaign) if r.member.pk == member.pk),
        None,
    )
    judge = member.judge
    return PanelMemberDetailOut(
        **_member_fields(member, row.assigned if row else 0, row.submitted if row else 0),
        employments=[
            EmploymentOut(
                id=e.pk,
                organisation_name=e.organisation_name,
                start_year=e.start_year,
                end_year=e.end_year,
            )
            for e in judge.employments.order_by("start_year", "pk")
        ],
        conflicts=[
            ExpertConflictOut(organisation=c.organisation.name, reason=c.reason)
            for c in judge.conflicts.select_related("organisation").order_by("pk")
        ],
    )


@router.get(
    "/evaluation/panel",
    response={200: list[PanelMemberOut], **error_responses(403)},
    summary="本年度专家评委库（含各专家的评审量）",
)
def panel_list(request: HttpRequest) -> list[PanelMemberOut]:
    _staff(request)
    return [
        PanelMemberOut(**_member_fields(row.member, row.assigned, row.submitted))
        for row in selectors.expert_panel(campaign=require_campaign())
    ]


@router.get(
    "/evaluation/panel/candidates",
    response={200: list[PanelCandidateOut], **error_responses(403)},
    summary="可加入专家评委库的评委（尚不在本年度评委库中）",
)
def panel_candidates(request: HttpRequest) -> list[PanelCandidateOut]:
    _staff(request)
    on_panel = ExpertPanelMember.objects.filter(campaign=require_campaign()).values("judge_id")
    return [
        PanelCandidateOut(id=j.pk, name=j.name, employer=j.employer, tgq_number=j.tgq_number)
        for j in Judge.objects.exclude(pk__in=on_panel).order_by("name", "pk")
    ]


@router.post(
    "/evaluation/panel",
    response={201: PanelMemberDetailOut, **error_responses(400, 403, 409, 422)},
    summary="将评委加入本年度专家评委库",
    auth=scoped("staff:write"),
)
def panel_add(request: HttpRequest, payload: PanelAddIn) -> Status[PanelMemberDetailOut]:
    user = _staff(request)
    campaign = require_campaign()
    on_panel = ExpertPanelMember.objects.filter(campaign=campaign).values("judge_id")
    names = {"judge_id": "judge"}
    data, type_errors = form_data(payload, PanelAddForm, names=names)
    form = PanelAddForm(data, judges=Judge.objects.exclude(pk__in=on_panel))
    ensure_valid(form, type_errors, names={"judge": "judge_id"})
    with fields_named({"judge": "judge_id"}):
        member = services.expert_panel_add(
            actor=user,
            campaign=campaign,
            judge=form.cleaned_data["judge"],
            capacity=form.cleaned_data["capacity"],
            is_chair=form.cleaned_data["is_chair"],
        )
    return Status(201, _member_detail(_member(member.pk)))


@router.get(
    "/evaluation/panel/{member_id}",
    response={200: PanelMemberDetailOut, **error_responses(403, 404)},
    summary="专家评委库成员（擅长领域、熟悉行业、工作经历、回避声明）",
)
def panel_member(request: HttpRequest, member_id: MemberId) -> PanelMemberDetailOut:
    _staff(request)
    return _member_detail(_member(member_id))


@router.put(
    "/evaluation/panel/{member_id}",
    response={200: PanelMemberDetailOut, **error_responses(400, 403, 404, 409, 422)},
    summary="修改专家的评审容量、评审组长、擅长领域和熟悉行业",
    description="整体替换（与页面表单相同）：未给出的值为空。领域与行业属于专家本人，各年度通用。",
    auth=scoped("staff:write"),
)
def panel_member_update(
    request: HttpRequest, member_id: MemberId, payload: PanelMemberIn
) -> PanelMemberDetailOut:
    user = _staff(request)
    member = _member(member_id)
    data, type_errors = form_data(payload, PanelMemberForm)
    form = PanelMemberForm(data)
    ensure_valid(form, type_errors)
    services.expert_panel_edit(
        actor=user,
        member=member,
        capacity=form.cleaned_data["capacity"],
        is_chair=form.cleaned_data["is_chair"],
        domains=form.cleaned_data["domains"],
        industries=form.cleaned_data["industries"],
    )
    return _member_detail(_member(member_id))


@router.delete(
    "/evaluation/panel/{member_id}",
    response={204: None, **error_responses(400, 403, 404, 409)},
    summary="移出专家评委库",
    description="专家还有未提交的评审时不能移出（code: judge_has_sheets），请先撤回分配。",
    auth=scoped("staff:write"),
)
def panel_remove(request: HttpRequest, member_id: MemberId) -> Status[None]:
    user = _staff(request)
    services.expert_panel_remove(actor=user, member=_member(member_id))
    return Status(204, None)


@router.post(
    "/evaluation/panel/{member_id}/employments",
    response={201: PanelMemberDetailOut, **error_responses(400, 403, 404, 422)},
    summary="添加专家的工作经历（曾任职单位的申报将回避）",
    auth=scoped("staff:write"),
)
def employment_add(
    request: HttpRequest, member_id: MemberId, payload: EmploymentIn
) -> Status[PanelMemberDetailOut]:
    user = _staff(request)
    member = _member(member_id)
    data, type_errors = form_data(payload, EmploymentForm)
    form = EmploymentForm(data)
    ensure_valid(form, type_errors)
    services.employment_add(
        actor=user,
        judge=member.judge,
        organisation_name=form.cleaned_data["organisation_name"],
        start_year=form.cleaned_data["start_year"],
        end_year=form.cleaned_data["end_year"],
    )
    return Status(201, _member_detail(member))


@router.delete(
    "/evaluation/panel/{member_id}/employments/{employment_id}",
    response={204: None, **error_responses(403, 404)},
    summary="删除专家的工作经历",
    auth=scoped("staff:write"),
)
def employment_remove(
    request: HttpRequest, member_id: MemberId, employment_id: EmploymentId
) -> Status[None]:
    user = _staff(request)
    member = _member(member_id)
    employment = get_object_or_404(JudgeEmployment, pk=employment_id, judge=member.judge)
    services.employment_remove(actor=user, employment=employment)
    return Status(204, None)


@router.put(
    "/evaluation/rounds/{number}/deadline",
    response={200: RoundOut, **error_responses(400, 403, 404, 409, 422)},
    summary="调整评审轮次的评分截止时间（须填写原因）",
    auth=scoped("staff:write"),
)
def round_deadline(request: HttpRequest, number: RoundNumber, payload: DeadlineIn) -> RoundOut:
    user = _staff(request)
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
    updated = services.round_set_deadline(
        actor=user, evaluation_round=evaluation_round, deadline=payload.deadline, reason=reason
    )
    return RoundOut(number=updated.number, deadline=updated.deadline)


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
    user = _staff(request)
    app = _app(application_id)
    sheet = get_object_or_404(ScoreSheet, pk=sheet_id, application=app, stage=Stage.EXPERT)
    form = ReasonForm({"reason": query.reason})
    ensure_valid(form)
    services.expert_unassign(actor=user, sheet=sheet, reason=form.cleaned_data["reason"])
    return _expert_sheets(app)


# --------------------------------------------------------------------------- experts


def _expert_sheet_out(sheet: ScoreSheet) -> ExpertSheetOut:
    rubric = rubric_for(campaign=sheet.application.campaign, stage=Stage.EXPERT)
    return ExpertSheetOut(
        id=sheet.pk,
        round=sheet.round,
        status=sheet.status,
        application=_brief(sheet.application),
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
    criteria = list(
        rubric_for(campaign=sheet.application.campaign, stage=Stage.EXPERT).criteria.all()
    )
    data: dict[str, Any] = {
        "conformity": payload.conformity,
        "features": payload.features,
        "shortcomings": payload.shortcomings,
    }
    for criterion in criteria:
        value = payload.points.get(str(criterion.pk))
        data[f"points_{criterion.pk}"] = "" if value is None else str(value)
    form = SheetForm(data, criteria=criteria)
    ensure_valid(form)
    sheet_save(
        actor=user,
        sheet=sheet,
        points=form.points(),
        conformity=form.cleaned_data["conformity"],
        features=form.cleaned_data["features"],
        shortcomings=form.cleaned_data["shortcomings"],
        submit=payload.submit,
    )
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
    declaration = services.expert_conflict_declare(
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


# --------------------------------------------------------------------------- guiding units


def _candidate_out(app: Application) -> CandidateOut:
    video = getattr(app, "presentation_video", None)
    return CandidateOut(
        application=_brief(app),
        video=video.original_name if video else None,
        reviews=[
            {"guiding_unit": r.guiding_unit.name, "verdict": r.verdict, "comment": r.comment}
            for r in app.guiding_reviews.all()
        ],
    )


@router.get(
    "/guiding/candidates",
    response={200: list[CandidateOut], **error_responses(404)},
    summary="典型经验候选（指导单位）",
)
def guiding_candidates(request: HttpRequest) -> list[CandidateOut]:
    user = current_user(request)
    if not roles_of(user).is_guiding:
        raise Http404
    return [
        _candidate_out(a)
        for a in selectors.guiding_candidates(user=user, campaign=require_campaign())
    ]


@router.post(
    "/guiding/candidates/{application_id}/review",
    response={200: CandidateOut, **error_responses(400, 403, 404, 409, 422)},
    summary="指导单位审核典型经验候选（同意或不同意）",
    auth=scoped("guide:write"),
)
def guiding_review(
    request: HttpRequest, application_id: ApplicationId, payload: GuidingReviewIn
) -> CandidateOut:
    user = current_user(request)
    if not roles_of(user).is_guiding:
        raise Http404
    app = selectors.guiding_candidate_get(user=user, pk=application_id)
    if not user.has_perm("evaluation.review_candidate", app):
        raise PermissionDenied
    data, type_errors = form_data(payload, GuidingReviewForm)
    form = GuidingReviewForm(data)
    ensure_valid(form, type_errors)
    services.guiding_review_record(
        actor=user,
        application=app,
        verdict=form.cleaned_data["verdict"],
        comment=form.cleaned_data["comment"],
    )
    return _candidate_out(selectors.guiding_candidate_get(user=user, pk=application_id))


# --------------------------------------------------------------------------- applicants


@router.get(
    "/my/outcomes",
    response={200: list[OutcomeOut], **error_responses()},
    summary="我单位申报的评价结果（不含专家姓名与分数）",
)
def my_outcomes(request: HttpRequest) -> list[OutcomeOut]:
    return [
        OutcomeOut(
            application=ApplicationBrief(
                id=row.application.pk,
                number=row.application.number,
                team_name=row.application.team_name,
                organisation="",
                state=row.application.state,
            ),
            formal_outcome=row.formal_outcome,
            return_reason=row.return_reason,
            decision=row.decision_level,
            national=row.national,
            video_required=row.video_required,
        )
        for row in selectors.applicant_outcomes(
            user=current_user(request), campaign=require_campaign()
        )
    ]


@router.post(
    "/my/applications/{application_id}/video",
    response={200: VideoOut, **error_responses(400, 403, 404, 409, 422)},
    summary="提交发表视频（先用 /uploads/ 断点续传上传，再以上传 id 提交）",
    auth=scoped("applications:write"),
)
def my_video(request: HttpRequest, application_id: ApplicationId, payload: VideoIn) -> VideoOut:
    user = current_user(request)
    app = Application.objects.filter(
        pk=application_id, organisation_id__in=roles_of(user).organisation_ids
    ).first()
    if app is None:
        raise Http404
    if not user.has_perm("evaluation.upload_video", app):
        raise PermissionDenied
    video = services.video_attach_upload(
        actor=user, application=app, upload_id=payload.upload_id[:64]
    )
    return VideoOut(name=video.original_name, size=video.size, sha256=video.sha256)
