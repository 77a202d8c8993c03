"""Decisions (评价结果): selected, not selected, typical-experience candidate, their
revisions; typical experiences confirmed; the national mark (docs/rules.md, rule 7)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import PhaseKind
from xinban.campaigns.selectors import phase_is_open
from xinban.core.audit import audit_record
from xinban.core.errors import ServiceError, WindowClosed, WrongState
from xinban.core.rulebook import Refusal, enforce
from xinban.evaluation.models import (
    Decision,
    DecisionLevel,
    GuidingReview,
    GuidingVerdict,
    PresentationVideo,
)
from xinban.evaluation.services.guards import (
    lock,
    require_staff,
    require_state,
    require_unpublished,
    require_window,
    set_state,
)
from xinban.notifications.delivery import notify_after_commit, organisation_emails
from xinban.scoring.models import ScoreSheet, SheetStatus, Stage

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
    require_staff(actor)
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
        current = lock(application)
        require_window(current.campaign)
        require_unpublished(current.campaign)
        require_state(current, DECISION_SOURCES[level])
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
            set_state(current, level, via="decide")
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
    require_staff(actor)
    reason = (reason or "").strip()
    with transaction.atomic():
        current = lock(application)
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
        set_state(current, ApplicationState.TYPICAL, via="confirm_typical")
        _decision_audit(
            actor, current, "evaluation.typical_confirm", before, decision, previous, reason
        )
        _notify_decision(current, decision, revised=False)
    return decision


def national_mark(*, actor: User, application: Application, value: bool, reason: str) -> Decision:
    """Mark (or unmark) a typical experience as recommended to the national level
    (全国质量信得过班组典型经验), with a reason."""
    require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("请填写原因。"), code="reason_required", field="reason")
    with transaction.atomic():
        current = lock(application)
        require_state(current, {ApplicationState.TYPICAL})
        require_window(current.campaign)
        require_unpublished(current.campaign)
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
