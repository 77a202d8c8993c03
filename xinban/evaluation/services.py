"""The association's evaluation transitions (docs/architecture.md, "The association's evaluation").
Each public function is one
atomic, audited transition that checks the current state, the actor's right and — for
formal review, assignment, expert scoring and decisions — the EVALUATION window.

Flow of an application::

    RECOMMENDED ─ formal review ─┬─> FORMAL_PASSED ─ experts assigned ─> EXPERT_REVIEW
                                 ├─> FORMAL_FAILED
                                 └─> RETURNED ─ corrected, resubmitted ─> RECOMMENDED
    EXPERT_REVIEW ─ decision ─> SELECTED (建设经验) | NOT_SELECTED
    SELECTED ─ decision ─> TYPICAL_CANDIDATE ─ video, guiding approval, staff ─> TYPICAL
    TYPICAL ─ staff ─> national flag (推荐全国质量信得过班组典型经验)

Decisions can be revised (always with a reason) until the year's results are published.
Applicants are e-mailed after commit; their mails never name experts nor give scores."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.lifecycle import transition
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign, Industry, PhaseKind
from xinban.campaigns.models import Domain as DomainTerm
from xinban.campaigns.selectors import phase_is_open
from xinban.core import uploads
from xinban.core.audit import audit_record
from xinban.core.errors import NotAllowed, ServiceError, WindowClosed, WrongState
from xinban.core.roles import roles_of
from xinban.core.rulebook import Refusal, enforce
from xinban.core.text import join_clauses
from xinban.evaluation import assignment, rules
from xinban.evaluation.models import (
    ChecklistItem,
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
from xinban.evaluation.selectors import (
    AUTOMATIC_KEYS,
    application_domains,
    automatic_checks,
    expert_conflicts,
)
from xinban.notifications.delivery import notify_after_commit, organisation_emails
from xinban.organisations.models import GuidingUnit, Organisation
from xinban.scoring.models import (
    ConflictDeclaration,
    Judge,
    JudgeEmployment,
    ScoreSheet,
    SheetStatus,
    Stage,
)

__all__ = [
    "DEFAULT_CHECKLIST",
    "AutoAssignment",
    "BulkReviewResult",
    "checklist_for",
    "decision_set",
    "employment_add",
    "employment_remove",
    "expert_assign_auto",
    "expert_assign_manual",
    "expert_conflicts",
    "expert_panel_add",
    "expert_panel_edit",
    "expert_panel_remove",
    "expert_panel_update",
    "expert_profile_set",
    "expert_unassign",
    "formal_review_bulk",
    "formal_review_record",
    "guiding_review_record",
    "national_mark",
    "round_create",
    "round_set_deadline",
    "typical_confirm",
    "video_attach",
]

#: Largest presentation video accepted (the resumable upload enforces the same limit).
VIDEO_MAX_BYTES_DEFAULT = 2 * 1024 * 1024 * 1024


def video_max_bytes() -> int:
    return int(getattr(settings, "XINBAN_MAX_VIDEO_BYTES", VIDEO_MAX_BYTES_DEFAULT))


# --------------------------------------------------------------------------- guards


def _require_staff(actor: User) -> None:
    if not roles_of(actor).is_staff:
        raise NotAllowed(_("只有质协工作人员可以进行此操作。"), code="not_staff")


def _require_window(campaign: Campaign, organisation_id: int | None = None) -> None:
    if not phase_is_open(
        campaign=campaign, kind=PhaseKind.EVALUATION, organisation_id=organisation_id
    ):
        raise WindowClosed(_("成果评价及推优不在开放时间内。"), code="window_closed")


def _require_unpublished(campaign: Campaign) -> None:
    if campaign.results_published:
        raise WrongState(_("本年度评价结果已发布，不能再修改。"), code="results_published")


def _require_state(application: Application, allowed: Iterable[str]) -> None:
    if application.state not in set(allowed):
        raise WrongState(
            _("当前状态（%(state)s）下不能进行此操作。")
            % {"state": application.get_state_display()},
            code="wrong_state",
        )


def _require_round_open(evaluation_round: EvaluationRound) -> None:
    if not evaluation_round.is_open():
        raise WrongState(
            _("%(round)s已于 %(time)s 截止，请新建评审轮次或延长截止时间。")
            % {
                "round": str(evaluation_round),
                "time": timezone.localtime(evaluation_round.deadline).strftime("%Y-%m-%d %H:%M"),
            },
            code="round_closed",
            field="round",
        )


def _lock(application: Application) -> Application:
    """Re-read the application under a row lock; the caller's copy may be stale."""
    return (
        Application.objects.select_for_update()
        .select_related("campaign", "organisation", "recommending_unit")
        .get(pk=application.pk)
    )


def _set_state(application: Application, state: str, *extra_fields: str, via: str) -> None:
    """The evaluation's steps of the lifecycle (xinban.applications.lifecycle); each
    caller writes its own, richer audit entry."""
    transition(application, via=via, to=state, fields=extra_fields)


def _site_link(name: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name)


# --------------------------------------------------------------------------- checklist

#: The default checklist, from 附件4 and the form's notes: (key, text). Keys listed in
#: ``selectors.AUTOMATIC_KEYS`` are computed from the data; the others are ticked by hand.
DEFAULT_CHECKLIST: list[tuple[str, str]] = [
    ("materials", "六方面创建材料完整（附件4第8条）"),
    ("team_name", "班组名称符合命名要求（以“班”“组”“工段”“室”等为名，不以“班组”为名）"),
    ("stamped_form", "已上传盖章申报表（加盖公章的扫描件）"),
    ("commitments", "四项组织承诺均已确认"),
    ("basic_unit", "班组为最基础的正式组织单元（附件4第2条）"),
    ("no_accidents", "近三年无质量、安全、环保事故（附件4第6条）"),
    ("indicators", "班组主要指标填写完整"),
    ("full_names", "企业名称、班组名称写全称，不挂上级部门，企业名称与公章一致"),
    ("standard", "按《质量信得过班组建设准则》（T/CAQ 10204-2017）开展活动（附件4第7条）"),
    (
        "activities",
        "积极投身于本单位、本行业、本区域开展的各项群众性质量提升活动，有行动，出成效"
        "（附件4第1条）",
    ),
    (
        "strategy",
        "班组围绕组织的经营战略分解目标，本着“质量为顾客和其他相关方创造价值”的核心理念"
        "开展建设活动并取得成效（附件4第3条）",
    ),
    (
        "methods",
        "班组成员有效运用适宜的质量管理理论和工具方法，稳定提高产品、服务和工作质量，"
        "取得顾客满意和信赖（附件4第4条）",
    ),
    (
        "results",
        "班组活动目标完成率在本组织突出，质量达到同行业、同工序先进水平；现场活动记录齐全，"
        "活动结果得到顾客确认，满意程度高（附件4第5条）",
    ),
]


#: The default items' English (English pages show ``ChecklistItem.label``); staff edit
#: both texts per year in the admin (形式审查条目).
DEFAULT_CHECKLIST_EN: dict[str, str] = {
    "materials": "The materials of all six areas are complete (Annex 4, item 8)",
    "team_name": (
        "The team's name follows the naming rule (ends in “班”, “组”, “工段”, “室” or "
        "similar, not in “班组”)"
    ),
    "stamped_form": "The stamped application form is uploaded (a scan with the official seal)",
    "commitments": "All four commitments of the organisation are confirmed",
    "basic_unit": "The team is a basic formal organisational unit (Annex 4, item 2)",
    "no_accidents": (
        "No quality, safety or environmental accident in the last three years (Annex 4, item 6)"
    ),
    "indicators": "The team's main indicators are filled in",
    "full_names": (
        "Organisation and team names in full, without the parent department; the "
        "organisation's name matches its seal"
    ),
    "standard": (
        "Activities follow the Guidelines for Building Quality Trustworthy Teams "
        "(T/CAQ 10204-2017) (Annex 4, item 7)"
    ),
    "activities": (
        "Takes an active part in the quality improvement activities of its organisation, "
        "industry and district, with actions and results (Annex 4, item 1)"
    ),
    "strategy": (
        "The team breaks down its goals from the organisation's strategy and builds on the "
        "core idea that quality creates value for customers and other parties, with results "
        "(Annex 4, item 3)"
    ),
    "methods": (
        "The team's members use suitable quality management theories, tools and methods, "
        "steadily improve the quality of products, services and work, and win customers' "
        "satisfaction and trust (Annex 4, item 4)"
    ),
    "results": (
        "The team's target completion rate stands out in its organisation and its quality "
        "reaches the industry's advanced level; on-site records are complete and results "
        "confirmed by customers, with high satisfaction (Annex 4, item 5)"
    ),
}


def checklist_for(campaign: Campaign) -> list[ChecklistItem]:
    """The year's active checklist items, in order. The first call of a year seeds it:
    a copy of the previous year's (as staff edited it), else the defaults from 附件4."""
    items = list(ChecklistItem.objects.filter(campaign=campaign).order_by("position", "id"))
    if not items:
        with transaction.atomic():
            Campaign.objects.select_for_update().get(pk=campaign.pk)
            if not ChecklistItem.objects.filter(campaign=campaign).exists():
                previous = (
                    Campaign.objects.filter(year__lt=campaign.year, checklist_items__isnull=False)
                    .order_by("-year")
                    .first()
                )
                if previous is not None:
                    rows = [
                        ChecklistItem(
                            campaign=campaign,
                            key=i.key,
                            text=i.text,
                            text_en=i.text_en,
                            position=i.position,
                            active=i.active,
                        )
                        for i in previous.checklist_items.order_by("position", "id")
                    ]
                else:
                    rows = [
                        ChecklistItem(
                            campaign=campaign,
                            key=key,
                            text=text,
                            text_en=DEFAULT_CHECKLIST_EN.get(key, ""),
                            position=n,
                        )
                        for n, (key, text) in enumerate(DEFAULT_CHECKLIST)
                    ]
                ChecklistItem.objects.bulk_create(rows)
        items = list(ChecklistItem.objects.filter(campaign=campaign).order_by("position", "id"))
    return [i for i in items if i.active]


def _recorded_checks(
    items: list[ChecklistItem],
    campaign: Campaign,
    given: Mapping[Any, Any],
    computed: dict[str, bool],
) -> dict[str, bool]:
    """{item id: bool} for every active item. An automatic item holds only when the data
    satisfies it *and* the reviewer did not untick it; a hand-ticked item holds when the
    reviewer ticked it."""
    known = {
        str(pk)
        for pk in ChecklistItem.objects.filter(campaign=campaign).values_list("pk", flat=True)
    }
    for key in given:
        if str(key) not in known:
            raise ServiceError(
                _("核对条目不存在，请刷新后重试。"), code="unknown_check", field="checks"
            )
    values = {str(k): bool(v) for k, v in given.items()}
    recorded: dict[str, bool] = {}
    for item in items:
        pk = str(item.pk)
        if item.key in AUTOMATIC_KEYS:
            recorded[pk] = computed.get(item.key, False) and values.get(pk, True)
        else:
            recorded[pk] = values.get(pk, False)
    return recorded


def _notify_formal(application: Application, outcome: str, reason: str) -> None:
    if outcome == FormalOutcome.PASSED:
        return
    notify_after_commit(
        to=organisation_emails(application.organisation_id),
        template="formal_review_returned"
        if outcome == FormalOutcome.RETURNED
        else "formal_review_failed",
        context={"application": application, "reason": reason},
    )


FORMAL_STATE = {
    FormalOutcome.PASSED: ApplicationState.FORMAL_PASSED,
    FormalOutcome.FAILED: ApplicationState.FORMAL_FAILED,
    FormalOutcome.RETURNED: ApplicationState.RETURNED,
}


def formal_review_refusal(application: Application) -> Refusal | None:
    """Whether the formal review may be recorded now (the page offers its form, the API
    and the service ask it): a recommended application, in the evaluation window, before
    the results are published. See docs/rules.md, "The application's lifecycle"."""
    if application.state != ApplicationState.RECOMMENDED:
        return Refusal(
            _("当前状态（%(state)s）下不能进行此操作。")
            % {"state": application.get_state_display()},
            code="wrong_state",
        )
    if not phase_is_open(campaign=application.campaign, kind=PhaseKind.EVALUATION):
        return Refusal(
            _("成果评价及推优不在开放时间内。"), code="window_closed", error=WindowClosed
        )
    if application.campaign.results_published:
        return Refusal(_("本年度评价结果已发布，不能再修改。"), code="results_published")
    return None


def formal_review_record(
    *,
    actor: User,
    application: Application,
    outcome: str,
    checks: Mapping[Any, Any],
    reason: str = "",
) -> FormalReview:
    """资料形式审查 of one recommended application: pass (every active checklist item
    holds), fail, or return to the applicant for correction (both with a reason). A
    returned application comes back as RECOMMENDED when resubmitted and is reviewed
    again; the record keeps the latest review, the audit log every one."""
    _require_staff(actor)
    if outcome not in FormalOutcome.values:
        raise ServiceError(_("审查结论无效。"), code="bad_outcome", field="outcome")
    reason = (reason or "").strip()
    if outcome != FormalOutcome.PASSED and not reason:
        raise ServiceError(
            _("判定不通过或退回修改时，请填写原因。"), code="reason_required", field="reason"
        )
    with transaction.atomic():
        current = _lock(application)
        enforce(formal_review_refusal(current))
        items = checklist_for(current.campaign)
        computed = automatic_checks([current])[current.pk]
        recorded = _recorded_checks(items, current.campaign, checks, computed)
        if outcome == FormalOutcome.PASSED:
            failing = [i.text for i in items if not recorded[str(i.pk)]]
            if failing:
                raise ServiceError(
                    _("以下条目未通过核对，不能判定为通过：%(items)s")
                    % {"items": join_clauses(failing)},
                    code="checks_failed",
                    field="checks",
                )
        review = _save_review(current, outcome, recorded, reason, actor, bulk=False)
    return review


def _save_review(
    current: Application,
    outcome: str,
    recorded: dict[str, bool],
    reason: str,
    actor: User,
    *,
    bulk: bool,
) -> FormalReview:
    review, _created = FormalReview.objects.update_or_create(
        application=current,
        defaults={
            "outcome": outcome,
            "checks": recorded,
            "reason": reason,
            "bulk": bulk,
            "reviewed_by": actor,
            "reviewed_at": timezone.now(),
        },
    )
    previous = current.state
    extra: tuple[str, ...] = ()
    if outcome == FormalOutcome.RETURNED:
        current.return_reason = reason
        extra = ("return_reason",)
    _set_state(current, FORMAL_STATE[FormalOutcome(outcome)], *extra, via="formal_review")
    audit_record(
        actor=actor,
        action="evaluation.formal_review",
        obj=current,
        changes={
            "state": [previous, current.state],
            "outcome": outcome,
            "checks": recorded,
            "reason": reason,
            "bulk": bulk,
        },
    )
    _notify_formal(current, outcome, reason)
    return review


@dataclass(frozen=True)
class BulkReviewResult:
    passed: list[Application]
    refused: dict[int, str]  # application id → why it was left for individual review


def hand_items(items: Iterable[ChecklistItem]) -> list[ChecklistItem]:
    """The checklist items a person ticks (the others are computed from the data)."""
    return [i for i in items if i.key not in AUTOMATIC_KEYS]


def hand_checks_refusal(items: Iterable[ChecklistItem], ticked: Iterable[Any]) -> Refusal | None:
    """Rule 6: an application passes in bulk only when a person ticked every hand-checked
    item for it; nothing is ticked on a person's behalf. See docs/rules.md."""
    done = {str(t) for t in ticked}
    missing = [i.text for i in hand_items(items) if str(i.pk) not in done]
    if not missing:
        return None
    return Refusal(
        _("以下人工核对项未由审查人勾选：%(items)s") % {"items": join_clauses(missing)},
        code="hand_checks_missing",
        field="checks",
    )


def formal_review_bulk(
    *,
    actor: User,
    applications: Iterable[Application],
    outcome: str = FormalOutcome.PASSED,
    hand_checked: Mapping[int, Iterable[Any]] | None = None,
) -> BulkReviewResult:
    """Pass, in one transaction, every given application whose automatic checks all hold
    and whose hand-checked items the reviewer ticked for it (``hand_checked``: application
    id → ticked item ids; rule 6 of docs/rules.md). The others are left untouched and
    reported with the reason, for an individual review. Only ``passed`` is possible in
    bulk: failing or returning needs a reason per application."""
    hand_checked = hand_checked or {}
    _require_staff(actor)
    if outcome != FormalOutcome.PASSED:
        raise ServiceError(
            _("批量操作只能判定通过；不通过或退回修改请逐份填写原因。"),
            code="bulk_pass_only",
            field="outcome",
        )
    ids = [a.pk for a in applications]
    passed: list[Application] = []
    refused: dict[int, str] = {}
    with transaction.atomic():
        locked = list(
            Application.objects.select_for_update()
            .select_related("campaign")
            .filter(pk__in=ids)
            .order_by("number")
        )
        campaigns = {a.campaign_id: a.campaign for a in locked}
        for campaign in campaigns.values():
            _require_window(campaign)
            _require_unpublished(campaign)
        items_of = {pk: checklist_for(c) for pk, c in campaigns.items()}
        computed = automatic_checks(locked)
        for current in locked:
            if current.state != ApplicationState.RECOMMENDED:
                refused[current.pk] = _("当前状态（%(state)s）不能进行形式审查。") % {
                    "state": current.get_state_display()
                }
                continue
            items = items_of[current.campaign_id]
            failing = [
                i.text
                for i in items
                if i.key in AUTOMATIC_KEYS and not computed[current.pk].get(i.key, False)
            ]
            if failing:
                refused[current.pk] = _("未通过自动核对：%(items)s") % {
                    "items": join_clauses(failing)
                }
                continue
            unticked = hand_checks_refusal(items, hand_checked.get(current.pk, ()))
            if unticked is not None:
                refused[current.pk] = unticked.message
                continue
            recorded = {str(i.pk): True for i in items}
            _save_review(current, FormalOutcome.PASSED, recorded, "", actor, bulk=True)
            passed.append(current)
        for missing in set(ids) - {a.pk for a in locked}:
            refused[missing] = _("申报不存在。")
    return BulkReviewResult(passed=passed, refused=refused)


# --------------------------------------------------------------------------- the panel


def expert_panel_add(
    *,
    actor: User,
    campaign: Campaign,
    judge: Judge,
    capacity: int | None = None,
    is_chair: bool = False,
) -> ExpertPanelMember:
    """Put a judge on the year's expert panel (专家评委库). No window: the panel is
    prepared ahead of the evaluation."""
    _require_staff(actor)
    _require_unpublished(campaign)
    with transaction.atomic():
        try:
            with transaction.atomic():
                member = ExpertPanelMember.objects.create(
                    campaign=campaign, judge=judge, capacity=capacity, is_chair=is_chair
                )
        except IntegrityError as exc:
            raise ServiceError(
                _("该专家已在本年度专家评委库中。"), code="already_on_panel", field="judge"
            ) from exc
        audit_record(
            actor=actor,
            action="evaluation.panel_add",
            obj=member,
            changes={"judge": judge.name, "capacity": capacity, "is_chair": is_chair},
        )
    return member


def expert_panel_update(
    *, actor: User, member: ExpertPanelMember, capacity: int | None, is_chair: bool
) -> ExpertPanelMember:
    _require_staff(actor)
    with transaction.atomic():
        current = (
            ExpertPanelMember.objects.select_for_update()
            .select_related("campaign", "judge")
            .get(pk=member.pk)
        )
        _require_unpublished(current.campaign)
        before = {"capacity": current.capacity, "is_chair": current.is_chair}
        current.capacity, current.is_chair = capacity, is_chair
        current.save(update_fields=["capacity", "is_chair"])
        audit_record(
            actor=actor,
            action="evaluation.panel_update",
            obj=current,
            changes={
                k: [before[k], v]
                for k, v in {"capacity": capacity, "is_chair": is_chair}.items()
                if before[k] != v
            },
        )
    return current


def expert_panel_remove(*, actor: User, member: ExpertPanelMember) -> None:
    """Take an expert off the panel; refused while they have unscored assignments."""
    _require_staff(actor)
    with transaction.atomic():
        current = (
            ExpertPanelMember.objects.select_for_update()
            .select_related("campaign", "judge")
            .get(pk=member.pk)
        )
        _require_unpublished(current.campaign)
        pending = (
            ScoreSheet.objects.filter(
                judge_id=current.judge_id,
                stage=Stage.EXPERT,
                application__campaign=current.campaign,
            )
            .exclude(status=SheetStatus.SUBMITTED)
            .exists()
        )
        if pending:
            raise ServiceError(_("该专家还有未完成的评审，请先取消分配。"), code="judge_has_sheets")
        audit_record(
            actor=actor,
            action="evaluation.panel_remove",
            obj=current.campaign,
            changes={"judge": current.judge.name},
        )
        current.delete()


def expert_profile_set(
    *,
    actor: User,
    judge: Judge,
    domains: Iterable[DomainTerm],
    industries: Iterable[Industry],
) -> Judge:
    """An expert's fields of expertise (preferred in assignment, never required)."""
    _require_staff(actor)
    domains, industries = list(domains), list(industries)
    with transaction.atomic():
        before = {
            "domains": sorted(judge.domains.values_list("name", flat=True)),
            "industries": sorted(judge.industries.values_list("name", flat=True)),
        }
        judge.domains.set(domains)
        judge.industries.set(industries)
        after = {
            "domains": sorted(d.name for d in domains),
            "industries": sorted(i.name for i in industries),
        }
        audit_record(
            actor=actor,
            action="evaluation.expert_profile",
            obj=judge,
            changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        )
    return judge


def expert_panel_edit(
    *,
    actor: User,
    member: ExpertPanelMember,
    capacity: int | None,
    is_chair: bool,
    domains: Iterable[DomainTerm],
    industries: Iterable[Industry],
) -> ExpertPanelMember:
    """The panel member page's one save: the year's load and chair flag, and the expert's
    fields of expertise, together or not at all (each part audited as on its own)."""
    with transaction.atomic():
        current = expert_panel_update(
            actor=actor, member=member, capacity=capacity, is_chair=is_chair
        )
        expert_profile_set(actor=actor, judge=current.judge, domains=domains, industries=industries)
    return current


def employment_add(
    *,
    actor: User,
    judge: Judge,
    organisation_name: str,
    start_year: int,
    end_year: int | None = None,
    organisation: Organisation | None = None,
) -> JudgeEmployment:
    """Record an employer in an expert's history (an organisation they worked for is a
    conflict). Link ``organisation`` when it is on the platform; the exact name matches
    too."""
    _require_staff(actor)
    name = (organisation_name or (organisation.name if organisation else "")).strip()
    if not name:
        raise ServiceError(_("请填写单位名称。"), code="name_required", field="organisation_name")
    this_year = timezone.localdate().year
    if not 1950 <= start_year <= this_year:
        raise ServiceError(_("起始年份无效。"), code="bad_year", field="start_year")
    if end_year is not None and not start_year <= end_year <= this_year:
        raise ServiceError(
            _("结束年份应不早于起始年份，且不晚于今年。"), code="bad_year", field="end_year"
        )
    with transaction.atomic():
        employment = JudgeEmployment.objects.create(
            judge=judge,
            organisation=organisation,
            organisation_name=name,
            start_year=start_year,
            end_year=end_year,
        )
        audit_record(
            actor=actor,
            action="evaluation.employment_add",
            obj=judge,
            changes={"organisation": name, "start_year": start_year, "end_year": end_year},
        )
    return employment


def employment_remove(*, actor: User, employment: JudgeEmployment) -> None:
    _require_staff(actor)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="evaluation.employment_remove",
            obj=employment.judge,
            changes={"organisation": employment.organisation_name},
        )
        employment.delete()


# --------------------------------------------------------------------------- rounds


def round_create(*, actor: User, campaign: Campaign, deadline: datetime) -> EvaluationRound:
    """The next round of expert scoring, with its deadline."""
    _require_staff(actor)
    if deadline <= timezone.now():
        raise ServiceError(_("截止时间应晚于当前时间。"), code="deadline_past", field="deadline")
    with transaction.atomic():
        Campaign.objects.select_for_update().get(pk=campaign.pk)
        _require_window(campaign)
        _require_unpublished(campaign)
        last = EvaluationRound.objects.filter(campaign=campaign).aggregate(n=Max("number"))["n"]
        evaluation_round = EvaluationRound.objects.create(
            campaign=campaign, number=(last or 0) + 1, deadline=deadline
        )
        audit_record(
            actor=actor,
            action="evaluation.round_create",
            obj=evaluation_round,
            changes={"number": evaluation_round.number, "deadline": deadline.isoformat()},
        )
    return evaluation_round


def round_set_deadline(
    *, actor: User, evaluation_round: EvaluationRound, deadline: datetime, reason: str
) -> EvaluationRound:
    """Move a round's deadline (extend it, or close it early), with a reason."""
    _require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("请填写调整原因。"), code="reason_required", field="reason")
    with transaction.atomic():
        current = (
            EvaluationRound.objects.select_for_update()
            .select_related("campaign")
            .get(pk=evaluation_round.pk)
        )
        _require_window(current.campaign)
        _require_unpublished(current.campaign)
        before = current.deadline
        current.deadline = deadline
        current.save(update_fields=["deadline"])
        audit_record(
            actor=actor,
            action="evaluation.round_deadline",
            obj=current,
            changes={
                "deadline": [before.isoformat(), deadline.isoformat()],
                "reason": reason,
            },
        )
    return current


# --------------------------------------------------------------------------- assignment


@dataclass(frozen=True)
class AutoAssignment:
    """What :func:`expert_assign_auto` did. ``uncovered``: application id → why it has
    fewer than ``k`` experts (staff add the missing ones by hand);
    ``conflicting_existing``: earlier assignments that now break a rule (e.g. a conflict
    declared since) → the reason; they were not counted and should be removed."""

    round: EvaluationRound
    k: int
    created: int
    moved: tuple[int, ...]
    uncovered: dict[int, str]
    conflicting_existing: dict[tuple[int, int], str]
    loads: dict[int, int]
    engine: assignment.AssignmentResult


def _notify_experts(
    judges: Iterable[Judge], counts: Mapping[int, int], round_: EvaluationRound
) -> None:
    for judge in judges:
        count = counts.get(judge.pk, 0)
        if count:
            notify_after_commit(
                to=[judge.email],
                template="expert_assigned",
                context={
                    "judge": judge,
                    "count": count,
                    "round": round_,
                    "deadline": timezone.localtime(round_.deadline).strftime("%Y-%m-%d %H:%M"),
                    "link": _site_link("recommendation:judge_home"),
                },
            )


def _engine_expert(member: ExpertPanelMember) -> assignment.Expert:
    judge = member.judge
    return assignment.Expert(
        id=judge.pk,
        domains=frozenset(d.name for d in judge.domains.all()),
        industries=frozenset(i.name for i in judge.industries.all()),
        capacity=member.capacity,
    )


def _uncovered_reason(
    app_id: int,
    got: int,
    k: int,
    panel: list[ExpertPanelMember],
    conflicts: Mapping[tuple[int, int], str],
) -> str:
    if len(panel) < k:
        return _("专家评委库只有 %(n)s 位专家，每份申报需要 %(k)s 位。") % {
            "n": len(panel),
            "k": k,
        }
    excluded = [
        (m.judge.name, conflicts[(m.judge_id, app_id)])
        for m in panel
        if (m.judge_id, app_id) in conflicts
    ]
    free = len(panel) - len(excluded)
    if free < k:
        return _("只有 %(n)s 位专家与该申报无回避关系（需要 %(k)s 位）。需回避：%(who)s") % {
            "n": free,
            "k": k,
            "who": join_clauses(f"{name}（{reason}）" for name, reason in excluded),
        }
    return _(
        "无回避关系的专家评审容量已满：已分配 %(got)s 位，需要 %(k)s 位。"
        "请提高专家的评审容量或增加专家。"
    ) % {"got": got, "k": k}


def expert_assign_auto(
    *,
    actor: User,
    campaign: Campaign,
    round: EvaluationRound,  # noqa: A002 - the domain's word
    k: int = assignment.DEFAULT_K,
) -> AutoAssignment:
    """Assign ``k`` experts to every application under review in ``round`` (those that
    passed the formal review, and those in expert review with fewer than ``k`` experts
    in this round), keeping every rule of ``assignment.assign``: no conflict
    (:func:`expert_conflicts`), declared capacities (per round), balanced loads, the
    round's existing assignments kept; domain and industry matches preferred.
    Applications that cannot be covered are reported with the reason, never covered by
    breaking a rule. Experts are told after commit."""
    _require_staff(actor)
    if k < 1:
        raise ServiceError(_("每份申报至少分配 1 位专家。"), code="bad_k", field="k")
    with transaction.atomic():
        current_round = (
            EvaluationRound.objects.select_for_update().select_related("campaign").get(pk=round.pk)
        )
        if current_round.campaign_id != campaign.pk:
            raise ServiceError(_("评审轮次不属于该年度。"), code="foreign_round", field="round")
        _require_window(current_round.campaign)
        _require_unpublished(current_round.campaign)
        _require_round_open(current_round)
        panel = list(
            ExpertPanelMember.objects.filter(campaign=campaign)
            .select_related("judge")
            .prefetch_related("judge__domains", "judge__industries")
            .order_by("judge__name", "pk")
        )
        if not panel:
            raise ServiceError(_("请先组建本年度专家评委库。"), code="no_experts")
        applications = list(
            Application.objects.select_for_update()
            .filter(
                campaign=campaign,
                state__in=[ApplicationState.FORMAL_PASSED, ApplicationState.EXPERT_REVIEW],
            )
            .order_by("submitted_at", "number")
        )
        app_ids = [a.pk for a in applications]
        existing = set(
            ScoreSheet.objects.filter(
                stage=Stage.EXPERT, round=current_round.number, application_id__in=app_ids
            ).values_list("judge_id", "application_id")
        )
        # Judges who hold assignments in this round but left the panel keep them and take
        # nothing more (capacity = what they have).
        panel_ids = {m.judge_id for m in panel}
        held = Counter(j for j, _a in existing if j not in panel_ids)
        outsiders = list(Judge.objects.filter(pk__in=held))
        experts = [_engine_expert(m) for m in panel] + [
            assignment.Expert(id=j.pk, capacity=held[j.pk]) for j in outsiders
        ]
        judges = [m.judge for m in panel] + outsiders
        conflicts = expert_conflicts(campaign, applications, judges)
        domains = application_domains(applications)
        engine_apps = [
            assignment.Application(id=a.pk, domain=domains[a.pk][0], industries=domains[a.pk][1])
            for a in applications
        ]
        result = assignment.assign(
            engine_apps, experts, k=k, conflicts=conflicts, fixed=frozenset(existing)
        )
        new_pairs = sorted(result.pairs - existing)
        ScoreSheet.objects.bulk_create(
            ScoreSheet(
                application_id=app_id,
                judge_id=judge_id,
                stage=Stage.EXPERT,
                round=current_round.number,
                assigned_by=actor,
            )
            for judge_id, app_id in new_pairs
        )
        judge_by_id = {j.pk: j for j in judges}
        added: dict[int, list[str]] = defaultdict(list)
        for judge_id, app_id in new_pairs:
            added[app_id].append(judge_by_id[judge_id].name)
        covered = {app_id for _j, app_id in result.pairs}
        moved = tuple(
            a.pk
            for a in applications
            if a.state == ApplicationState.FORMAL_PASSED and a.pk in covered
        )
        for a in applications:
            if a.pk not in added and a.pk not in moved:
                continue
            previous = a.state
            if a.pk in moved:
                _set_state(a, ApplicationState.EXPERT_REVIEW, via="assign_experts")
            audit_record(
                actor=actor,
                action="evaluation.assign",
                obj=a,
                changes={
                    "state": [previous, a.state],
                    "round": current_round.number,
                    "experts": sorted(added.get(a.pk, [])),
                    "auto": True,
                },
            )
        conflicting = {
            pair: (
                _("已分配的专家需回避：%(reason)s") % {"reason": conflicts[pair]}
                if pair in conflicts
                else _("超出每份所需人数或专家的评审容量")
            )
            for pair in result.rejected_fixed
        }
        uncovered = {
            app_id: _uncovered_reason(app_id, len(result.experts_for(app_id)), k, panel, conflicts)
            for app_id in result.uncovered
        }
        audit_record(
            actor=actor,
            action="evaluation.assign_auto",
            obj=current_round,
            changes={
                "k": k,
                "created": len(new_pairs),
                "uncovered": {str(a): r for a, r in uncovered.items()},
                "conflicting_existing": [list(p) for p in conflicting],
                "spread": result.spread,
                "preference": result.preference_score,
            },
        )
        per_judge = Counter(j for j, _a in new_pairs)
        _notify_experts(judges, per_judge, current_round)
    return AutoAssignment(
        round=current_round,
        k=k,
        created=len(new_pairs),
        moved=moved,
        uncovered=uncovered,
        conflicting_existing=conflicting,
        loads=dict(result.loads),
        engine=result,
    )


def expert_assign_manual(
    *,
    actor: User,
    application: Application,
    judge: Judge,
    round: EvaluationRound,  # noqa: A002
) -> ScoreSheet:
    """Staff add one expert to one application by hand — refused, with the reason, when
    the pair is a conflict or the expert's declared capacity for the round is used up."""
    _require_staff(actor)
    with transaction.atomic():
        current = _lock(application)
        current_round = EvaluationRound.objects.select_for_update().get(pk=round.pk)
        if current_round.campaign_id != current.campaign_id:
            raise ServiceError(_("评审轮次不属于该年度。"), code="foreign_round", field="round")
        enforce(rules.expert_assign_refusal(current, current_round))
        member = ExpertPanelMember.objects.filter(campaign=current.campaign, judge=judge).first()
        if member is None:
            raise ServiceError(
                _("该专家不在本年度专家评委库中。"), code="not_on_panel", field="judge"
            )
        conflicts = expert_conflicts(current.campaign, [current], [judge])
        reason = assignment.explain_exclusion(judge.pk, current.pk, conflicts)
        if reason:
            raise ServiceError(
                _("不能分配：%(reason)s。") % {"reason": reason}, code="conflict", field="judge"
            )
        if member.capacity is not None:
            load = ScoreSheet.objects.filter(
                judge=judge,
                stage=Stage.EXPERT,
                round=current_round.number,
                application__campaign=current.campaign,
            ).count()
            if load >= member.capacity:
                raise ServiceError(
                    _("该专家本轮的评审容量（%(n)s 份）已满。") % {"n": member.capacity},
                    code="capacity_reached",
                    field="judge",
                )
        try:
            with transaction.atomic():
                sheet = ScoreSheet.objects.create(
                    application=current,
                    judge=judge,
                    stage=Stage.EXPERT,
                    round=current_round.number,
                    assigned_by=actor,
                )
        except IntegrityError as exc:
            raise ServiceError(
                _("本轮已分配给该专家。"), code="already_assigned", field="judge"
            ) from exc
        previous = current.state
        if current.state == ApplicationState.FORMAL_PASSED:
            _set_state(current, ApplicationState.EXPERT_REVIEW, via="assign_experts")
        audit_record(
            actor=actor,
            action="evaluation.assign",
            obj=current,
            changes={
                "state": [previous, current.state],
                "round": current_round.number,
                "experts": [judge.name],
                "auto": False,
            },
        )
        _notify_experts([judge], {judge.pk: 1}, current_round)
    return sheet


def expert_unassign(*, actor: User, sheet: ScoreSheet, reason: str = "") -> None:
    """Withdraw an expert's unscored assignment. An application left without any expert
    returns to FORMAL_PASSED."""
    _require_staff(actor)
    with transaction.atomic():
        current_sheet = (
            ScoreSheet.objects.select_for_update()
            .select_related("judge")
            .filter(pk=sheet.pk)
            .first()
        )
        if current_sheet is None:
            raise ServiceError(_("该分配已不存在。"), code="gone")
        if current_sheet.stage != Stage.EXPERT:
            raise NotAllowed(_("这不是专家评审的分配。"), code="not_expert_sheet")
        current = _lock(current_sheet.application)
        current_sheet.application = current
        enforce(rules.expert_unassign_refusal(current_sheet))
        judge_name = current_sheet.judge.name
        current_sheet.delete()
        previous = current.state
        if not ScoreSheet.objects.filter(application=current, stage=Stage.EXPERT).exists():
            _set_state(current, ApplicationState.FORMAL_PASSED, via="unassign_last_expert")
        audit_record(
            actor=actor,
            action="evaluation.unassign",
            obj=current,
            changes={
                "state": [previous, current.state],
                "round": current_sheet.round,
                "expert": judge_name,
                "reason": reason,
            },
        )


def _staff_emails() -> list[str]:
    return list(
        User.objects.filter(is_association_staff=True, is_active=True).values_list(
            "email", flat=True
        )
    )


def expert_conflict_declare(*, actor: User, sheet: ScoreSheet, reason: str) -> ConflictDeclaration:
    """An expert declares a conflict of interest (回避) on one of their sheets, as unit
    judges can: the declaration is kept (no later assignment to that organisation), the
    expert's unscored sheets for it are withdrawn (an application left without experts
    returns to 形式审查通过), staff are told and can reassign. See docs/rules.md (rule 8)."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("请填写回避原因。"), code="reason_required", field="reason")
    with transaction.atomic():
        current_sheet = (
            ScoreSheet.objects.select_for_update()
            .select_related("judge", "application__organisation", "application__campaign")
            .filter(pk=sheet.pk, stage=Stage.EXPERT, judge__user=actor)
            .first()
        )
        if current_sheet is None:
            raise NotAllowed(_("这不是分配给您的专家评审。"), code="not_your_sheet")
        if current_sheet.status == SheetStatus.SUBMITTED:
            raise WrongState(
                _("您已提交该申报的评分，不能再声明回避；如有问题请联系质协工作人员。"),
                code="sheet_submitted",
            )
        _require_unpublished(current_sheet.application.campaign)
        organisation = current_sheet.application.organisation
        judge = current_sheet.judge
        declaration, _created = ConflictDeclaration.objects.update_or_create(
            judge=judge, organisation=organisation, defaults={"reason": reason}
        )
        withdrawn = list(
            ScoreSheet.objects.select_for_update()
            .filter(judge=judge, stage=Stage.EXPERT, application__organisation=organisation)
            .exclude(status=SheetStatus.SUBMITTED)
            .select_related("application")
        )
        applications = {s.application_id: s.application for s in withdrawn}
        ScoreSheet.objects.filter(pk__in=[s.pk for s in withdrawn]).delete()
        for application in applications.values():
            current = _lock(application)
            previous = current.state
            if (
                current.state == ApplicationState.EXPERT_REVIEW
                and not ScoreSheet.objects.filter(application=current, stage=Stage.EXPERT).exists()
            ):
                _set_state(current, ApplicationState.FORMAL_PASSED, via="unassign_last_expert")
            audit_record(
                actor=actor,
                action="evaluation.expert_conflict",
                obj=current,
                changes={
                    "state": [previous, current.state],
                    "expert": judge.name,
                    "reason": reason,
                },
            )
            notify_after_commit(
                to=_staff_emails(),
                template="expert_conflict_declared",
                context={"application": current, "expert": judge.name, "reason": reason},
            )
    return declaration


# --------------------------------------------------------------------------- decisions

# Where each decision may come from (revisions included) — states equal level values.
DECISION_SOURCES: dict[str, frozenset[str]] = {
    DecisionLevel.SELECTED: frozenset(
        {
            ApplicationState.EXPERT_REVIEW,
            ApplicationState.NOT_SELECTED,
            ApplicationState.SELECTED,
            ApplicationState.TYPICAL_CANDIDATE,
            ApplicationState.TYPICAL,
        }
    ),
    DecisionLevel.NOT_SELECTED: frozenset(
        {
            ApplicationState.EXPERT_REVIEW,
            ApplicationState.NOT_SELECTED,
            ApplicationState.SELECTED,
            ApplicationState.TYPICAL_CANDIDATE,
            ApplicationState.TYPICAL,
        }
    ),
    # A typical-experience candidate is chosen among the year's 建设经验.
    DecisionLevel.TYPICAL_CANDIDATE: frozenset(
        {
            ApplicationState.SELECTED,
            ApplicationState.TYPICAL_CANDIDATE,
            ApplicationState.TYPICAL,
        }
    ),
}


def decision_refusal(application: Application) -> Refusal | None:
    """Whether a decision may be made (or revised) now, whatever its level (the page offers
    its form, the service asks it; the level's sources, the notes and the reason are the
    form's to check): in the evaluation window, before publication, from a state some level
    comes from, and a first decision only once the experts have scored
    (:func:`expert_sheets_refusal`). See docs/rules.md, "The application's lifecycle"."""
    if not phase_is_open(campaign=application.campaign, kind=PhaseKind.EVALUATION):
        return Refusal(
            _("成果评价及推优不在开放时间内。"), code="window_closed", error=WindowClosed
        )
    if application.campaign.results_published:
        return Refusal(_("本年度评价结果已发布，不能再修改。"), code="results_published")
    if application.state not in set().union(*DECISION_SOURCES.values()):
        return Refusal(
            _("当前状态（%(state)s）下不能进行此操作。")
            % {"state": application.get_state_display()},
            code="wrong_state",
        )
    if Decision.objects.filter(application=application).exists():
        return None
    if not ScoreSheet.objects.filter(
        application=application, stage=Stage.EXPERT, status=SheetStatus.SUBMITTED
    ).exists():
        return Refusal(_("尚无专家提交评分，不能作出评价结果。"), code="no_expert_scores")
    return expert_sheets_refusal(application)


def _notify_decision(application: Application, decision: Decision, revised: bool) -> None:
    notify_after_commit(
        to=organisation_emails(application.organisation_id),
        template="evaluation_decision",
        context={
            "application": application,
            "level": decision.get_level_display(),
            "is_candidate": decision.level == DecisionLevel.TYPICAL_CANDIDATE,
            "national": decision.national,
            "revised": revised,
        },
    )


def _decision_audit(
    actor: User,
    application: Application,
    action: str,
    before: dict[str, Any] | None,
    decision: Decision,
    previous_state: str,
    reason: str,
) -> None:
    after = {
        "level": decision.level,
        "national": decision.national,
        "consensus_notes": decision.consensus_notes,
    }
    before = before or {}
    audit_record(
        actor=actor,
        action=action,
        obj=application,
        changes={
            "state": [previous_state, application.state],
            **{k: [before.get(k), v] for k, v in after.items() if before.get(k) != v},
            "reason": reason,
        },
    )


def expert_sheets_refusal(application: Application) -> Refusal | None:
    """A decision needs every expert sheet assigned in the application's latest round
    submitted (a withdrawn assignment no longer has a sheet); the refusal names the
    experts still missing. See docs/rules.md (rule 7)."""
    sheets = ScoreSheet.objects.filter(application=application, stage=Stage.EXPERT)
    latest = sheets.order_by("-round").values_list("round", flat=True).first()
    if latest is None:
        return None
    missing = list(
        sheets.filter(round=latest)
        .exclude(status=SheetStatus.SUBMITTED)
        .order_by("judge__name")
        .values_list("judge__name", flat=True)
    )
    if not missing:
        return None
    return Refusal(
        _(
            "第 %(round)s 轮还有 %(count)s 位专家未提交评分：%(names)s。"
            "请等待其提交，或取消其分配后再作出评价结果。"
        )
        % {"round": latest, "count": len(missing), "names": "、".join(missing)},
        code="expert_sheets_pending",
    )


def decision_set(
    *,
    actor: User,
    application: Application,
    level: str,
    consensus_notes: str = "",
    reason: str = "",
) -> Decision:
    """Decide (or revise) an application's outcome: 建设经验 (selected), not selected, or
    typical-experience candidate (from 建设经验). Typical experiences are confirmed with
    :func:`typical_confirm`. The panel chair's consensus notes (评审组长合议) are recorded
    on the decision (required the first time; kept when left empty on a revision). Once
    a decision exists every change needs a reason; nothing changes after publication.
    The applicant is told after commit."""
    _require_staff(actor)
    if level == DecisionLevel.TYPICAL:
        raise ServiceError(
            _("典型经验需经指导单位审核后确认，请使用“确认典型经验”。"),
            code="use_typical_confirm",
            field="level",
        )
    if level not in DECISION_SOURCES:
        raise ServiceError(_("评价结果无效。"), code="bad_level", field="level")
    consensus_notes = (consensus_notes or "").strip()
    reason = (reason or "").strip()
    with transaction.atomic():
        current = _lock(application)
        _require_window(current.campaign)
        _require_unpublished(current.campaign)
        _require_state(current, DECISION_SOURCES[level])
        decision = Decision.objects.select_for_update().filter(application=current).first()
        if decision is None:
            if not consensus_notes:
                raise ServiceError(
                    _("请填写评审组长合议意见。"), code="notes_required", field="consensus_notes"
                )
            enforce(decision_refusal(current))
            before = None
            decision = Decision(application=current)
        else:
            if not reason:
                raise ServiceError(
                    _("修改已有的评价结果时，请填写修改原因。"),
                    code="reason_required",
                    field="reason",
                )
            before = {
                "level": decision.level,
                "national": decision.national,
                "consensus_notes": decision.consensus_notes,
            }
        decision.level = level
        if level != DecisionLevel.TYPICAL:
            decision.national = False
        if consensus_notes:
            decision.consensus_notes = consensus_notes
        decision.reason = reason
        decision.decided_by = actor
        decision.decided_at = timezone.now()
        decision.save()
        previous = current.state
        if current.state != level:
            _set_state(current, level, via="decide")
        _decision_audit(
            actor,
            current,
            "evaluation.decision" if before is None else "evaluation.decision_revise",
            before,
            decision,
            previous,
            reason,
        )
        _notify_decision(current, decision, revised=before is not None)
    return decision


def typical_confirm_refusal(
    application: Application,
    *,
    has_video: bool | None = None,
    verdicts: Iterable[str] | None = None,
) -> Refusal | None:
    """Whether a typical-experience candidate may be confirmed now (the candidates page
    offers the button, the service asks it): a candidate, in the evaluation window, before
    publication, with its video, at least one guiding unit's approval and no rejection
    (units that have not reviewed do not block). ``has_video`` and ``verdicts`` when the
    caller already holds them. See docs/rules.md, "The application's lifecycle"."""
    if application.state != ApplicationState.TYPICAL_CANDIDATE:
        return Refusal(
            _("当前状态（%(state)s）下不能进行此操作。")
            % {"state": application.get_state_display()},
            code="wrong_state",
        )
    if not phase_is_open(campaign=application.campaign, kind=PhaseKind.EVALUATION):
        return Refusal(
            _("成果评价及推优不在开放时间内。"), code="window_closed", error=WindowClosed
        )
    if application.campaign.results_published:
        return Refusal(_("本年度评价结果已发布，不能再修改。"), code="results_published")
    if has_video is None:
        has_video = PresentationVideo.objects.filter(application=application).exists()
    if not has_video:
        return Refusal(_("候选班组尚未上传发表视频。"), code="video_missing")
    if verdicts is None:
        verdicts = GuidingReview.objects.filter(application=application).values_list(
            "verdict", flat=True
        )
    counted = Counter(verdicts)
    if counted[GuidingVerdict.REJECT]:
        return Refusal(_("有指导单位不同意，不能确认为典型经验。"), code="guiding_rejected")
    if not counted[GuidingVerdict.APPROVE]:
        return Refusal(_("尚无指导单位审核同意，不能确认为典型经验。"), code="guiding_pending")
    return None


def typical_confirm(*, actor: User, application: Application, reason: str = "") -> Decision:
    """Confirm a typical-experience candidate as 典型经验 (:func:`typical_confirm_refusal`)."""
    _require_staff(actor)
    reason = (reason or "").strip()
    with transaction.atomic():
        current = _lock(application)
        enforce(typical_confirm_refusal(current))
        decision = Decision.objects.select_for_update().get(application=current)
        before = {
            "level": decision.level,
            "national": decision.national,
            "consensus_notes": decision.consensus_notes,
        }
        decision.level = DecisionLevel.TYPICAL
        decision.reason = reason
        decision.decided_by = actor
        decision.decided_at = timezone.now()
        decision.save()
        previous = current.state
        _set_state(current, ApplicationState.TYPICAL, via="confirm_typical")
        _decision_audit(
            actor, current, "evaluation.typical_confirm", before, decision, previous, reason
        )
        _notify_decision(current, decision, revised=False)
    return decision


def national_mark(*, actor: User, application: Application, value: bool, reason: str) -> Decision:
    """Mark (or unmark) a typical experience as recommended to the national level
    (全国质量信得过班组典型经验), with a reason."""
    _require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("请填写原因。"), code="reason_required", field="reason")
    with transaction.atomic():
        current = _lock(application)
        _require_state(current, {ApplicationState.TYPICAL})
        _require_window(current.campaign)
        _require_unpublished(current.campaign)
        decision = Decision.objects.select_for_update().get(application=current)
        if decision.national == bool(value):
            raise WrongState(_("推荐全国的标记未发生变化。"), code="no_change", field="value")
        before = {
            "level": decision.level,
            "national": decision.national,
            "consensus_notes": decision.consensus_notes,
        }
        decision.national = bool(value)
        decision.reason = reason
        decision.decided_by = actor
        decision.decided_at = timezone.now()
        decision.save()
        _decision_audit(
            actor, current, "evaluation.national_mark", before, decision, current.state, reason
        )
        _notify_decision(current, decision, revised=not value)
    return decision


# --------------------------------------------------------------------------- video


def _video_checks(application: Application) -> None:
    _require_state(application, {ApplicationState.TYPICAL_CANDIDATE})
    _require_window(application.campaign, application.organisation_id)
    _require_unpublished(application.campaign)


def video_attach(
    *,
    actor: User,
    application: Application,
    file: File[bytes],
    name: str | None = None,
    sha256: str | None = None,
) -> PresentationVideo:
    """A typical-experience candidate's applicant attaches the presentation video.

    ``file`` is any Django ``File``: an upload, or the stored file the resumable upload
    hands over — a file already in the default storage (a ``FieldFile``) is referenced
    where it is, never copied or read into memory; any other file is streamed into
    storage in chunks. The content is type-checked (MP4, MOV, WebM; up to
    ``XINBAN_MAX_VIDEO_BYTES``, 2 GB by default). ``sha256`` may be passed when the
    caller already hashed the bytes; otherwise it is computed in chunks. A new video
    replaces the old one, and the guiding units' reviews of the old one are cleared."""
    if application.organisation_id not in roles_of(actor).organisation_ids:
        raise NotAllowed(_("只有本单位成员可以上传发表视频。"), code="not_member")
    # Cheap checks first, so a refused video is never hashed; repeated under the lock.
    _video_checks(Application.objects.select_related("campaign").get(pk=application.pk))
    try:
        detected = uploads.validate_upload(
            file, kinds=uploads.UploadKind.VIDEO, max_bytes=video_max_bytes()
        )
    except ValidationError as exc:
        raise ServiceError(
            " ".join(exc.messages), code=exc.code or "invalid_file", field="file"
        ) from exc
    display = uploads.clean_display_name(name or file.name or "video")
    digest = sha256 or uploads.sha256_of(file)
    in_place = isinstance(file, FieldFile) and file.storage is default_storage and file.name
    written: list[str] = []
    try:
        with transaction.atomic():
            current = _lock(application)
            _video_checks(current)
            video = (
                PresentationVideo.objects.select_for_update().filter(application=current).first()
            )
            old_name = video.file.name if video and video.file else ""
            if video is None:
                video = PresentationVideo(application=current)
            if in_place:
                video.file.name = file.name
            else:
                video.file.save(
                    uploads.safe_storage_name(display, ext=detected.ext), file, save=False
                )
                written.append(video.file.name or "")
            video.original_name = display
            video.content_type = detected.mime
            video.size = file.size or 0
            video.sha256 = digest
            video.uploaded_at = timezone.now()
            video.uploaded_by = actor
            video.save()
            cleared = GuidingReview.objects.filter(application=current).delete()[0]
            audit_record(
                actor=actor,
                action="evaluation.video_attach",
                obj=current,
                changes={
                    "name": display,
                    "size": video.size,
                    "sha256": digest,
                    "replaced": bool(old_name),
                    "guiding_reviews_cleared": cleared,
                },
            )
            # Only files this service stored itself are ours to delete.
            if old_name and old_name != video.file.name and old_name.startswith("videos/"):
                storage = video.file.storage
                transaction.on_commit(lambda: storage.delete(old_name))
    except BaseException:
        for stored in written:
            default_storage.delete(stored)
        raise
    return video


# --------------------------------------------------------------------------- guiding units


def guiding_review_record(
    *,
    actor: User,
    application: Application,
    verdict: str,
    comment: str = "",
    guiding_unit: GuidingUnit | None = None,
) -> GuidingReview:
    """A guiding unit approves or rejects a typical-experience candidate (after seeing the
    video and the materials); a rejection needs a comment. The unit may change its
    verdict while the application is a candidate. A user in several guiding units names
    the unit."""
    roles = roles_of(actor)
    if not roles.is_guiding:
        raise NotAllowed(_("只有指导单位用户可以审核典型经验候选。"), code="not_guiding")
    if guiding_unit is None:
        if len(roles.guiding_unit_ids) != 1:
            raise ServiceError(
                _("请选择代表哪个指导单位审核。"), code="unit_required", field="guiding_unit"
            )
        unit_id = next(iter(roles.guiding_unit_ids))
    else:
        unit_id = guiding_unit.pk
        if unit_id not in roles.guiding_unit_ids:
            raise NotAllowed(_("您不是该指导单位的成员。"), code="not_guiding_member")
    if verdict not in GuidingVerdict.values:
        raise ServiceError(_("审核意见无效。"), code="bad_verdict", field="verdict")
    comment = (comment or "").strip()
    if verdict == GuidingVerdict.REJECT and not comment:
        raise ServiceError(_("不同意时请填写说明。"), code="comment_required", field="comment")
    with transaction.atomic():
        current = _lock(application)
        _require_state(current, {ApplicationState.TYPICAL_CANDIDATE})
        _require_window(current.campaign)
        _require_unpublished(current.campaign)
        if not PresentationVideo.objects.filter(application=current).exists():
            raise WrongState(_("候选班组尚未上传发表视频，请稍后审核。"), code="video_missing")
        review = GuidingReview.objects.filter(application=current, guiding_unit_id=unit_id).first()
        before = (review.verdict, review.comment) if review else (None, None)
        if review is None:
            review = GuidingReview(application=current, guiding_unit_id=unit_id)
        review.verdict = verdict
        review.comment = comment
        review.reviewer = actor
        review.reviewed_at = timezone.now()
        review.save()
        audit_record(
            actor=actor,
            action="evaluation.guiding_review",
            obj=current,
            changes={
                "guiding_unit": unit_id,
                "verdict": [before[0], verdict],
                "comment": [before[1], comment],
            },
        )
    return review


# --------------------------------------------------------------------------- video upload

VIDEO_PURPOSE = "presentation_video"


def video_upload_target(application: Application) -> str:
    """The resumable upload's target for an application's presentation video."""
    return f"application:{application.pk}"


def video_upload_allowed(user: User, target: str) -> bool:
    """``may_use`` of the resumable upload purpose: only a member of the applicant
    organisation of a typical-experience candidate may start an upload for it."""
    prefix, _sep, raw = target.partition(":")
    if prefix != "application" or not raw.isdigit():
        return False
    application = Application.objects.filter(pk=int(raw)).only("organisation_id", "state").first()
    return bool(
        application is not None
        and application.state == ApplicationState.TYPICAL_CANDIDATE
        and application.organisation_id in roles_of(user).organisation_ids
    )


def video_attach_upload(
    *, actor: User, application: Application, upload_id: str
) -> PresentationVideo:
    """Attach a finished resumable upload (its file is already in storage: referenced in
    place, never read into memory) as the application's presentation video."""
    from xinban.uploads_resumable.services import (
        UploadConflict,
        UploadError,
        upload_session_claim,
    )

    try:
        session = upload_session_claim(
            actor=actor,
            session_id=upload_id,
            purpose=VIDEO_PURPOSE,
            target=video_upload_target(application),
        )
    except UploadConflict as exc:
        raise ServiceError(
            _("视频尚未上传完成，请等待进度条到 100% 后再提交。"),
            code="upload_incomplete",
            field="upload_id",
        ) from exc
    except (UploadError, ValueError, ValidationError) as exc:
        # An unknown, foreign or already used upload id: a field error, not a 404 (the
        # application itself is the caller's to see).
        raise ServiceError(
            _("上传记录无效，请重新上传。"), code="bad_upload", field="upload_id"
        ) from exc
    return video_attach(
        actor=actor,
        application=application,
        file=session.file,
        name=session.filename,
        sha256=session.sha256 or None,
    )


def expert_sheet_gate(sheet: ScoreSheet) -> None:
    """An expert sheet is written while its application is under expert review and
    until its round's deadline."""
    application = sheet.application
    if application.state != ApplicationState.EXPERT_REVIEW:
        raise WrongState(_("专家评审已结束，评分不能再修改。"), code="review_closed")
    deadline = (
        EvaluationRound.objects.filter(campaign_id=application.campaign_id, number=sheet.round)
        .values_list("deadline", flat=True)
        .first()
    )
    if deadline is not None and timezone.now() > deadline:
        raise WindowClosed(
            _("本轮评分已于 %(time)s 截止。")
            % {"time": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")},
            code="round_closed",
        )
