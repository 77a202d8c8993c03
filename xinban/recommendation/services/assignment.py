"""Assigning the unit's judges to the applications it received (by hand, or spread evenly)
and the per-judge progress counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign
from xinban.core.audit import audit_record
from xinban.core.errors import NotAllowed, ServiceError, WrongState
from xinban.notifications.delivery import notify_after_commit
from xinban.organisations.models import RecommendingUnit
from xinban.recommendation.models import PanelMember
from xinban.recommendation.services.guards import (
    _lock_application,
    _require_open_report,
    report_for,
    require_recommendation_window,
    require_unit_admin,
)
from xinban.recommendation.services.judges import conflict_reason
from xinban.scoring.models import ConflictDeclaration, Judge, ScoreSheet, SheetStatus, Stage


def _assignable(application: Application, unit: RecommendingUnit) -> None:
    if application.recommending_unit_id != unit.pk:
        raise NotAllowed(_("申报不属于本推荐单位。"), code="foreign_application")
    if application.state != ApplicationState.SUBMITTED:
        raise WrongState(_("只能为已提交的申报分配评委。"), code="wrong_state")


def assignment_add(*, actor: User, application: Application, judge: Judge) -> ScoreSheet:
    unit = application.recommending_unit
    require_unit_admin(actor, unit.pk)
    with transaction.atomic():
        current = _lock_application(application)
        _assignable(current, unit)
        require_recommendation_window(current.campaign, unit.pk)
        _require_open_report(report_for(unit=unit, campaign=current.campaign))
        if not PanelMember.objects.filter(unit=unit, judge=judge).exists():
            raise ServiceError(
                _("该评委不在本单位评委名单中。"), code="not_on_panel", field="judge"
            )
        reason = conflict_reason(judge, current)
        if reason:
            raise ServiceError(
                _("不能分配：%(reason)s。") % {"reason": reason}, code="conflict", field="judge"
            )
        try:
            with transaction.atomic():
                sheet = ScoreSheet.objects.create(
                    application=current, judge=judge, stage=Stage.UNIT, assigned_by=actor
                )
        except IntegrityError as exc:
            raise ServiceError(
                _("已分配给该评委。"), code="already_assigned", field="judge"
            ) from exc
        audit_record(actor=actor, action="unit.assign", obj=current, changes={"judge": judge.name})
        _notify_judge_assigned(judge, [current])
    return sheet


def assignment_remove(*, actor: User, sheet: ScoreSheet) -> None:
    application = sheet.application
    require_unit_admin(actor, application.recommending_unit_id)
    with transaction.atomic():
        current = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
        require_recommendation_window(application.campaign, application.recommending_unit_id)
        _require_open_report(
            report_for(unit=application.recommending_unit, campaign=application.campaign)
        )
        if current.status == SheetStatus.SUBMITTED:
            raise WrongState(_("评委已提交评分，不能取消分配。"), code="sheet_submitted")
        current.delete()
        audit_record(
            actor=actor,
            action="unit.unassign",
            obj=application,
            changes={"judge": sheet.judge.name},
        )


def assignment_spread_evenly(
    *, actor: User, unit: RecommendingUnit, campaign: Campaign, per_application: int = 3
) -> int:
    """One click: give every submitted application up to `per_application` judges from the
    panel, always choosing the least-loaded judge without a conflict. Returns how many
    assignments were made."""
    require_unit_admin(actor, unit.pk)
    if per_application < 1:
        raise ServiceError(_("每份申报至少分配 1 位评委。"), code="bad_k", field="per_application")
    with transaction.atomic():
        require_recommendation_window(campaign, unit.pk)
        _require_open_report(report_for(unit=unit, campaign=campaign, lock=True))
        judges = list(Judge.objects.filter(unit_panels__unit=unit).order_by("pk"))
        if not judges:
            raise ServiceError(_("请先添加本单位的评委。"), code="no_judges")
        applications = list(
            Application.objects.select_for_update()
            .filter(recommending_unit=unit, campaign=campaign, state=ApplicationState.SUBMITTED)
            .order_by("number")
        )
        existing = list(
            ScoreSheet.objects.filter(stage=Stage.UNIT, application__in=applications).values_list(
                "application_id", "judge_id"
            )
        )
        assigned: dict[int, set[int]] = {}
        for app_id, judge_id in existing:
            assigned.setdefault(app_id, set()).add(judge_id)
        load = Counter(judge_id for _app, judge_id in existing)
        declared = set(
            ConflictDeclaration.objects.filter(judge__in=judges).values_list(
                "judge_id", "organisation_id"
            )
        )
        new: list[ScoreSheet] = []
        per_judge: dict[int, list[Application]] = {}
        for application in applications:
            have = assigned.setdefault(application.pk, set())
            candidates = [
                j
                for j in judges
                if j.pk not in have and conflict_reason(j, application, declared) is None
            ]
            while len(have) < per_application and candidates:
                candidates.sort(key=lambda j: (load[j.pk], j.pk))
                judge = candidates.pop(0)
                have.add(judge.pk)
                load[judge.pk] += 1
                new.append(
                    ScoreSheet(
                        application=application, judge=judge, stage=Stage.UNIT, assigned_by=actor
                    )
                )
                per_judge.setdefault(judge.pk, []).append(application)
        ScoreSheet.objects.bulk_create(new)
        audit_record(
            actor=actor,
            action="unit.assign_evenly",
            obj=unit,
            changes={"assigned": len(new), "per_application": per_application},
        )
        for judge in judges:
            if judge.pk in per_judge:
                _notify_judge_assigned(judge, per_judge[judge.pk])
    return len(new)


def _notify_judge_assigned(judge: Judge, applications: Sequence[Application]) -> None:
    notify_after_commit(
        to=[judge.email],
        template="judge_assigned",
        context={
            "judge": judge,
            "count": len(applications),
            "link": settings.SITE_URL.rstrip("/") + reverse("recommendation:judge_home"),
        },
    )


def unit_progress_counts(unit: RecommendingUnit, campaign: Campaign) -> dict[int, dict[str, int]]:
    """Per judge: assigned and submitted sheet counts (for the unit's progress view)."""
    rows = (
        ScoreSheet.objects.filter(
            stage=Stage.UNIT, application__recommending_unit=unit, application__campaign=campaign
        )
        .values("judge_id")
        .annotate(
            assigned=Count("id"), submitted=Count("id", filter=Q(status=SheetStatus.SUBMITTED))
        )
    )
    return {r["judge_id"]: {"assigned": r["assigned"], "submitted": r["submitted"]} for r in rows}
