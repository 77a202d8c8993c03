"""Demo data of the association's evaluation (called by ``seed_demo``): the current year's
applications that the common demo put past the recommendation get the records their state
implies — formal reviews, an expert panel (with the demo login expert@demo.saq), round 1,
expert sheets (scored where the state says the scoring is over), decisions, and for the
typical experiences a guiding unit's approval. Applications in FORMAL_PASSED are left
unassigned so that staff can try the automatic assignment. Typical experiences and
typical-experience candidates carry a short real video made at demo time
(xinban.evaluation.demo_video), so the guiding unit can watch and decide; the first
candidate is left without one, so that its applicants see the upload task. The
published past years get their decisions too, about one typical experience in four
recommended to the national level, so that their results show all three levels."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.utils import timezone

from xinban.accounts.models import User
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Domain
from xinban.core import uploads
from xinban.evaluation.checklist import checklist_for
from xinban.evaluation.demo_video import NAME, demo_video_bytes
from xinban.evaluation.models import (
    Decision,
    DecisionLevel,
    EvaluationRound,
    ExpertPanelMember,
    FormalOutcome,
    FormalReview,
    GuidingReview,
    GuidingVerdict,
    PresentationVideo,
)
from xinban.evaluation.selectors import expert_conflicts
from xinban.organisations.models import GuidingUnit
from xinban.scoring import aggregation
from xinban.scoring.models import CriterionScore, Judge, ScoreSheet, SheetStatus, Stage
from xinban.scoring.services import engine_criteria, rubric_for

if TYPE_CHECKING:
    from xinban.ops.demo_data import DemoContext

S = ApplicationState
PAST_FORMAL = (
    S.FORMAL_PASSED,
    S.EXPERT_REVIEW,
    S.SELECTED,
    S.NOT_SELECTED,
    S.TYPICAL_CANDIDATE,
    S.TYPICAL,
)
SCORED = (S.SELECTED, S.NOT_SELECTED, S.TYPICAL_CANDIDATE, S.TYPICAL)
LEVEL_OF: dict[str, str] = {
    S.SELECTED: DecisionLevel.SELECTED,
    S.NOT_SELECTED: DecisionLevel.NOT_SELECTED,
    S.TYPICAL_CANDIDATE: DecisionLevel.TYPICAL_CANDIDATE,
    S.TYPICAL: DecisionLevel.TYPICAL,
}
EXPERTS = [
    ("孙文博", "上海质量管理科学研究院"),
    ("周立群", "上海交通大学安泰经济与管理学院"),
    ("吴海燕", "上海市质量协会"),
    ("郑国栋", "上海电气集团质量部"),
    ("王晓岚", "同济大学经济与管理学院"),
    ("冯志强", "上海宝钢质量管理部"),
    ("陈美玲", "上海市卫生健康质量控制中心"),
    ("褚建华", "上汽集团质量保证部"),
    ("卫红梅", "上海建工集团技术质量部"),
    ("蒋明远", "华东理工大学商学院"),
    ("沈佳怡", "上海国际港务集团"),
    ("韩德胜", "上海市标准化研究院"),
]
CHAIR = "吴海燕"


def seed(ctx: DemoContext) -> None:
    campaign = ctx.campaigns[ctx.year]
    rng = ctx.builder.rng
    staff = ctx.user("staff@demo.saq")
    _seed_past_decisions(ctx, staff)
    now = timezone.now()
    applications = list(
        Application.objects.filter(campaign=campaign, state__in=PAST_FORMAL)
        .select_related("organisation")
        .order_by("number")
    )

    # Formal reviews, passed, for everything past them (failed ones with a reason).
    items = checklist_for(campaign)
    passed = {str(item.pk): True for item in items}
    failed = list(
        Application.objects.filter(campaign=campaign, state=S.FORMAL_FAILED).order_by("number")
    )
    FormalReview.objects.bulk_create(
        [
            FormalReview(
                application=app,
                outcome=FormalOutcome.PASSED,
                checks=passed,
                reviewed_by=staff,
                bulk=True,
            )
            for app in applications
        ]
        + [
            FormalReview(
                application=app,
                outcome=FormalOutcome.FAILED,
                checks={**passed, str(items[0].pk): False},
                reason="六方面创建材料不完整，缺少“质量改进成果”部分的佐证材料。",
                reviewed_by=staff,
            )
            for app in failed
        ]
    )

    # The expert panel: the demo login first.
    domains = list(Domain.objects.filter(active=True).order_by("position"))
    demo_expert = ctx.user("expert@demo.saq")
    experts: list[Judge] = []
    for n, (name, employer) in enumerate(EXPERTS):
        if n == 0:
            user = demo_expert
        else:
            user = User.objects.create_user(
                f"expert{n:02d}@demo.saq", password=None, name=name, email_verified=True
            )
            ctx.builder.created.user_ids.append(user.pk)
        judge = Judge.objects.create(
            user=user,
            name=name,
            employer=employer,
            tgq_number=f"TGQ{ctx.year - 3}{300 + n:04d}",
            address="上海市长宁区泰安路74号",
            email=user.email,
            mobile=f"139{16880100 + n:08d}"[:11],
        )
        ctx.builder.created.judge_ids.append(judge.pk)
        judge.domains.set([domains[n % len(domains)], domains[(n + 2) % len(domains)]])
        experts.append(judge)
    ExpertPanelMember.objects.bulk_create(
        [ExpertPanelMember(campaign=campaign, judge=j, is_chair=j.name == CHAIR) for j in experts]
    )
    EvaluationRound.objects.create(campaign=campaign, number=1, deadline=now + timedelta(days=14))

    # Expert sheets for applications in review and beyond: three conflict-free experts,
    # spread evenly; submitted where the scoring is over, about half otherwise.
    reviewed = [a for a in applications if a.state != S.FORMAL_PASSED]
    conflicts = expert_conflicts(campaign, reviewed, experts)
    rubric = rubric_for(campaign=campaign, stage=Stage.EXPERT)
    criteria = list(rubric.criteria.all())
    engine = engine_criteria(rubric)
    load = dict.fromkeys((j.pk for j in experts), 0)
    sheets: list[ScoreSheet] = []
    points: list[dict[int, Decimal]] = []
    for app in reviewed:
        eligible = sorted(
            (j for j in experts if (j.pk, app.pk) not in conflicts),
            key=lambda j: (load[j.pk], rng.random()),
        )[:3]
        quality = rng.uniform(0.62, 0.93)
        for position, judge in enumerate(eligible):
            load[judge.pk] += 1
            done = app.state in SCORED or (position < 2 and judge != experts[0])
            sheet = ScoreSheet(
                application=app,
                judge=judge,
                stage=Stage.EXPERT,
                round=1,
                status=SheetStatus.SUBMITTED if done else SheetStatus.ASSIGNED,
                assigned_by=staff,
            )
            values: dict[int, Decimal] = {}
            if done:
                share = quality + rng.uniform(-0.06, 0.06)
                values = {
                    c.pk: (c.max_points * Decimal(str(min(share, 1.0)))).quantize(
                        Decimal("0.5"), rounding=ROUND_HALF_UP
                    )
                    for c in criteria
                }
                sheet.total = aggregation.weighted_total(
                    {str(k): v for k, v in values.items()}, engine
                )
                sheet.submitted_at = now - timedelta(days=rng.randint(1, 5))
                sheet.conformity = "符合《质量信得过班组建设准则》要求，活动记录完整。"
                sheet.features = "以数据驱动现场改进，成效可量化、可复制。"
                sheet.shortcomings = "成果推广范围和持续改进机制的说明可更充分。"
            sheets.append(sheet)
            points.append(values)
    ScoreSheet.objects.bulk_create(sheets)
    CriterionScore.objects.bulk_create(
        [
            CriterionScore(sheet=sheet, criterion_id=criterion_id, points=value)
            for sheet, values in zip(sheets, points, strict=True)
            for criterion_id, value in values.items()
        ]
    )

    # Decisions as the states say; a national mark on the first typical experience.
    decided = [a for a in applications if a.state in LEVEL_OF]
    first_typical = next((a.pk for a in decided if a.state == S.TYPICAL), None)
    Decision.objects.bulk_create(
        [
            Decision(
                application=app,
                level=LEVEL_OF[app.state],
                national=app.pk == first_typical,
                consensus_notes="评审组长合议：专家意见一致，同意评价结果。",
                decided_by=staff,
            )
            for app in decided
        ]
    )
    guiding = GuidingUnit.objects.order_by("pk").first()
    guide = ctx.user("guide@demo.saq")
    if guiding is not None:
        GuidingReview.objects.bulk_create(
            [
                GuidingReview(
                    application=app,
                    guiding_unit=guiding,
                    reviewer=guide,
                    verdict=GuidingVerdict.APPROVE,
                    comment="同意作为典型经验。",
                )
                for app in decided
                if app.state == S.TYPICAL
            ]
        )
    _seed_videos(ctx, applications, guide)


def _seed_videos(ctx: DemoContext, applications: list[Application], guide: User) -> int:
    """The demo video for the typical experiences and all candidates but the first (the
    one whose applicants see the upload task); returns how many got it (0 without
    ffmpeg)."""
    del ctx
    candidates = [a for a in applications if a.state == S.TYPICAL_CANDIDATE]
    chosen = candidates[1:] + [a for a in applications if a.state == S.TYPICAL]
    if not chosen:
        return 0
    content = demo_video_bytes()
    if content is None:
        return 0
    digest = uploads.sha256_of(ContentFile(content))
    for app in chosen:
        video = PresentationVideo(
            application=app,
            original_name=NAME,
            content_type="video/mp4",
            size=len(content),
            sha256=digest,
            uploaded_by=app.created_by if app.created_by_id else guide,
        )
        video.file.save(
            uploads.safe_storage_name(NAME, ext="mp4"), ContentFile(content), save=False
        )
        video.save()
    return len(chosen)


def _seed_past_decisions(ctx: DemoContext, staff: User) -> None:
    """The decisions behind the past years' published results (their applications are
    already in their final states). Drawn per application number, not from the builder's
    random stream, so the rest of the demo stays as it was."""
    past = [c for year, c in ctx.campaigns.items() if year != ctx.year]
    decided = list(
        Application.objects.filter(campaign__in=past, state__in=list(LEVEL_OF)).order_by(
            "campaign__year", "number"
        )
    )
    Decision.objects.bulk_create(
        [
            Decision(
                application=app,
                level=LEVEL_OF[app.state],
                national=app.state == S.TYPICAL and random.Random(app.number).random() < 0.25,
                consensus_notes="评审组长合议：专家意见一致，同意评价结果。",
                decided_by=staff,
                decided_at=app.updated_at,
            )
            for app in decided
        ]
    )
