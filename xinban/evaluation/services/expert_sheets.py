"""An expert's sheets: staff withdraw an unscored one, an expert declares a conflict of
interest (回避, docs/rules.md rule 8) — both withdraw sheets the same way — and the gate
that keeps an expert sheet writable only during expert review and its round."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import Application, ApplicationState
from xinban.core.audit import audit_record
from xinban.core.errors import NotAllowed, ServiceError, WindowClosed, WrongState
from xinban.core.rulebook import enforce
from xinban.evaluation import rules
from xinban.evaluation.models import EvaluationRound
from xinban.evaluation.services.guards import (
    lock,
    require_staff,
    require_unpublished,
    set_state,
    staff_emails,
)
from xinban.notifications.delivery import notify_after_commit
from xinban.scoring.models import ConflictDeclaration, ScoreSheet, SheetStatus, Stage


def withdraw_sheets(
    *,
    actor: User,
    sheets: Iterable[ScoreSheet],
    action: str,
    reason: str,
    changes: Mapping[str, Any] | None = None,
) -> list[Application]:
    """Withdraw unscored expert sheets (the caller holds them under a row lock and has
    checked its own right and state): delete them; each application left without any
    expert sheet returns from EXPERT_REVIEW to FORMAL_PASSED; one audit entry ``action``
    per application (its state, the expert, ``changes``, the reason). Returns the
    applications, locked, in the order of their first sheet."""
    sheets = list(sheets)
    applications = {s.application_id: s.application for s in sheets}
    judges = {s.application_id: s.judge.name for s in sheets}
    ScoreSheet.objects.filter(pk__in=[s.pk for s in sheets]).delete()
    touched = []
    for application in applications.values():
        current = lock(application)
        previous = current.state
        if (
            current.state == ApplicationState.EXPERT_REVIEW
            and not ScoreSheet.objects.filter(application=current, stage=Stage.EXPERT).exists()
        ):
            set_state(current, ApplicationState.FORMAL_PASSED, via="unassign_last_expert")
        audit_record(
            actor=actor,
            action=action,
            obj=current,
            changes={
                "state": [previous, current.state],
                **(changes or {}),
                "expert": judges[current.pk],
                "reason": reason,
            },
        )
        touched.append(current)
    return touched


def expert_unassign(*, actor: User, sheet: ScoreSheet, reason: str = "") -> None:
    """Withdraw an expert's unscored assignment. An application left without any expert
    returns to FORMAL_PASSED."""
    require_staff(actor)
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
        current = lock(current_sheet.application)
        current_sheet.application = current
        enforce(rules.expert_unassign_refusal(current_sheet))
        withdraw_sheets(
            actor=actor,
            sheets=[current_sheet],
            action="evaluation.unassign",
            reason=reason,
            changes={"round": current_sheet.round},
        )


def expert_conflict_declare(*, actor: User, sheet: ScoreSheet, reason: str) -> ConflictDeclaration:
    """An expert declares a conflict of interest (回避) on one of their sheets, as unit
    judges can: the declaration is kept (no later assignment to that organisation), the
    expert's unscored sheets for it are withdrawn (:func:`withdraw_sheets`: an application
    left without experts returns to 形式审查通过), staff are told and can reassign. See
    docs/rules.md (rule 8)."""
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
        require_unpublished(current_sheet.application.campaign)
        organisation = current_sheet.application.organisation
        judge = current_sheet.judge
        declaration, _created = ConflictDeclaration.objects.update_or_create(
            judge=judge, organisation=organisation, defaults={"reason": reason}
        )
        withdrawn = (
            ScoreSheet.objects.select_for_update()
            .filter(judge=judge, stage=Stage.EXPERT, application__organisation=organisation)
            .exclude(status=SheetStatus.SUBMITTED)
            .select_related("application", "judge")
        )
        applications = withdraw_sheets(
            actor=actor, sheets=withdrawn, action="evaluation.expert_conflict", reason=reason
        )
        for current in applications:
            notify_after_commit(
                to=staff_emails(),
                template="expert_conflict_declared",
                context={"application": current, "expert": judge.name, "reason": reason},
            )
    return declaration


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
