"""Voiding a filed 附件5: the listed applications leave the association's evaluation and go
back to the unit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.lifecycle import TRANSITIONS, Notice, transition
from xinban.applications.models import Application, ApplicationState
from xinban.core.audit import audit_record
from xinban.core.errors import ServiceError
from xinban.core.rulebook import Refusal, enforce
from xinban.evaluation.models import Decision
from xinban.notifications.delivery import notify_after_commit, organisation_emails
from xinban.recommendation.models import ReportStatus, UnitRecommendationReport
from xinban.recommendation.services.guards import require_staff, unit_emails
from xinban.scoring.models import ScoreSheet, SheetStatus, Stage

# The listed applications a void moves: the table's sources of the transition (a listed
# one that was never recommended, or has already left, stays where it is).
VOIDABLE = TRANSITIONS["void_recommendation"].sources


def report_void_refusal(report: UnitRecommendationReport) -> Refusal | None:
    """推荐无效 applies to a filed report of a year whose results are not yet published.
    See docs/rules.md (rule 1)."""
    if report.status != ReportStatus.SUBMITTED:
        return Refusal(_("只能对已报送的推荐表认定推荐无效。"), code="wrong_state")
    if report.campaign.results_published:
        return Refusal(
            _(
                "本年度评价结果已发布，不能再认定推荐无效；"
                "已发布的结果如需撤销，须通过单独的、记入审计日志的撤销操作。"
            ),
            code="results_published",
        )
    return None


def _withdraw_from_evaluation(application: Application) -> dict[str, Any]:
    """Undo what the association's evaluation did to ``application``: unscored expert
    assignments withdrawn, the decision deleted. Returns what was undone, for the audit."""
    pending = ScoreSheet.objects.filter(application=application, stage=Stage.EXPERT).exclude(
        status=SheetStatus.SUBMITTED
    )
    experts = sorted(pending.values_list("judge__name", flat=True))
    pending.delete()
    undone: dict[str, Any] = {}
    if experts:
        undone["assignments_withdrawn"] = experts
    decision = Decision.objects.filter(application=application).first()
    if decision is not None:
        undone["decision_undone"] = {"level": decision.level, "national": decision.national}
        decision.delete()
    return undone


def report_void(
    *, actor: User, report: UnitRecommendationReport, reason: str
) -> UnitRecommendationReport:
    """推荐无效: staff void a unit's recommendations (e.g. it charged fees). Every
    application the unit recommended leaves the association's evaluation whatever it has
    reached (formal review, expert review, decided): assignments withdrawn, decisions
    undone, applicants and the unit told, all audited. Refused after publication."""
    require_staff(actor)
    if not reason.strip():
        raise ServiceError(_("请填写推荐无效的原因。"), code="reason_required", field="reason")
    reason = reason.strip()
    with transaction.atomic():
        locked = (
            UnitRecommendationReport.objects.select_for_update()
            .select_related("unit", "campaign")
            .get(pk=report.pk)
        )
        enforce(report_void_refusal(locked))
        affected = list(
            Application.objects.select_for_update()
            .filter(recommendation__report=locked)
            .filter(state__in=VOIDABLE)
            .order_by("pk")
        )
        for application in affected:
            undone = _withdraw_from_evaluation(application)
            transition(
                application,
                via="void_recommendation",
                to=ApplicationState.NOT_RECOMMENDED,
                actor=actor,
                action="application.recommendation_voided",
                changes={"reason": reason, **undone},
                notice=Notice(
                    to=organisation_emails(application.organisation_id),
                    template="recommendation_voided",
                    context={"application": application, "unit": locked.unit, "reason": reason},
                ),
            )
        locked.status = ReportStatus.VOIDED
        locked.void_reason = reason
        locked.voided_at = timezone.now()
        locked.save(update_fields=["status", "void_reason", "voided_at"])
        audit_record(
            actor=actor,
            action="unit.report_void",
            obj=locked,
            changes={"reason": reason, "applications": len(affected)},
        )
        notify_after_commit(
            to=unit_emails(locked.unit_id),
            template="unit_recommendation_voided",
            context={
                "unit": locked.unit,
                "year": locked.campaign.year,
                "count": len(affected),
                "teams": "、".join(a.team_name for a in affected),
                "reason": reason,
            },
        )
    return locked
