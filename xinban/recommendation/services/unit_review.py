"""The unit's own review of an application: the on-site review note and whether enough
judges have scored it to recommend it."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import Application, ApplicationState
from xinban.core.audit import audit_record
from xinban.core.errors import ServiceError, WrongState
from xinban.core.rulebook import Refusal
from xinban.recommendation.models import UnitNote
from xinban.recommendation.rules import review_minimum_refusal
from xinban.recommendation.services.guards import (
    _lock_application,
    require_recommendation_window,
    require_unit_admin,
)
from xinban.scoring.models import ScoreSheet, SheetStatus, Stage


def unit_note_save(
    *,
    actor: User,
    application: Application,
    on_site_review: bool,
    on_site_date: date | None,
    notes: str,
) -> UnitNote:
    require_unit_admin(actor, application.recommending_unit_id)
    if on_site_review and on_site_date is None:
        raise ServiceError(_("请填写现场评审日期。"), code="date_required", field="on_site_date")
    with transaction.atomic():
        current = _lock_application(application)
        require_recommendation_window(current.campaign, current.recommending_unit_id)
        if current.state == ApplicationState.DRAFT:
            raise WrongState(_("草稿不能标记现场评审。"), code="wrong_state")
        note, _created = UnitNote.objects.update_or_create(
            application=current,
            defaults={
                "on_site_review": on_site_review,
                "on_site_date": on_site_date,
                "on_site_notes": notes,
            },
        )
        audit_record(
            actor=actor,
            action="unit.on_site_review",
            obj=current,
            changes={"on_site_review": on_site_review, "date": on_site_date, "notes": notes},
        )
    return note


def review_refusal(application: Application) -> Refusal | None:
    submitted = ScoreSheet.objects.filter(
        application=application, stage=Stage.UNIT, status=SheetStatus.SUBMITTED
    ).count()
    return review_minimum_refusal(
        submitted_sheets=submitted, minimum=application.campaign.min_unit_judge_sheets
    )
