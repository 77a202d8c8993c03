"""Rounds of expert scoring and their deadlines."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.campaigns.models import Campaign
from xinban.core.audit import audit_record
from xinban.core.errors import ServiceError
from xinban.evaluation.models import EvaluationRound
from xinban.evaluation.services.guards import require_staff, require_unpublished, require_window


def round_create(*, actor: User, campaign: Campaign, deadline: datetime) -> EvaluationRound:
    """The next round of expert scoring, with its deadline."""
    require_staff(actor)
    if deadline <= timezone.now():
        raise ServiceError(_("截止时间应晚于当前时间。"), code="deadline_past", field="deadline")
    with transaction.atomic():
        Campaign.objects.select_for_update().get(pk=campaign.pk)
        require_window(campaign)
        require_unpublished(campaign)
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
    require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("请填写调整原因。"), code="reason_required", field="reason")
    with transaction.atomic():
        current = (
            EvaluationRound.objects.select_for_update()
            .select_related("campaign")
            .get(pk=evaluation_round.pk)
        )
        require_window(current.campaign)
        require_unpublished(current.campaign)
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
