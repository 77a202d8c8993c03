"""The applicant withdrawing an application, which also leaves its unit's open
recommendation list."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.lifecycle import transition
from xinban.applications.models import Application, ApplicationState
from xinban.applications.services.guards import _lock, _require_member, _returned_by_formal_review
from xinban.campaigns.models import PhaseKind
from xinban.campaigns.selectors import phase_is_open
from xinban.core.errors import WindowClosed
from xinban.core.rulebook import Refusal, enforce
from xinban.notifications.delivery import notify_after_commit
from xinban.organisations.models import RecommendingUnit
from xinban.recommendation.models import Recommendation
from xinban.recommendation.services import unit_emails

WITHDRAWABLE_STATES = frozenset(
    {ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.RETURNED}
)


def withdraw_refusal(application: Application) -> Refusal | None:
    """The one withdrawal rule (page, API and service ask it): a draft, submitted or
    returned application may be withdrawn while the application or recommendation phase
    is open, until its unit files the recommendation (附件5). See docs/rules.md."""
    if application.state not in WITHDRAWABLE_STATES:
        return Refusal(
            _("当前状态（%(state)s）下不能撤回：推荐单位报送推荐表后不能再撤回。")
            % {"state": application.get_state_display()},
            code="wrong_state",
        )
    if _returned_by_formal_review(application):
        # Returned by the association's formal review: the unit has already decided.
        return Refusal(_("该申报已由推荐单位报送，不能撤回。"), code="already_recommended")
    if not any(
        phase_is_open(
            campaign=application.campaign, kind=kind, organisation_id=application.organisation_id
        )
        for kind in (PhaseKind.APPLICATION, PhaseKind.RECOMMENDATION)
    ):
        return Refusal(
            _("成果申报和成果推荐均不在开放时间内，不能撤回。"),
            code="window_closed",
            error=WindowClosed,
        )
    return None


def application_withdraw(*, actor: User, application: Application, reason: str = "") -> Application:
    """Withdrawal is possible until the recommending unit has filed its recommendation
    (:func:`withdraw_refusal`). A unit whose open list held the team is told."""
    _require_member(actor, application.organisation_id)
    with transaction.atomic():
        current = _lock(application)
        enforce(withdraw_refusal(current))
        listed_by = _drop_from_recommendation_list(current)
        transition(
            current,
            via="withdraw",
            to=ApplicationState.WITHDRAWN,
            actor=actor,
            action="application.withdraw",
            changes={"reason": reason},
        )
        if listed_by is not None:
            notify_after_commit(
                to=unit_emails(listed_by.pk),
                template="application_withdrawn_from_list",
                context={"application": current, "unit": listed_by, "reason": reason},
            )
    return current


def _drop_from_recommendation_list(application: Application) -> RecommendingUnit | None:
    """A withdrawn team leaves its unit's (still open) recommendation list; returns the
    unit whose list held it."""
    recommendation = (
        Recommendation.objects.select_related("report__unit")
        .filter(application=application)
        .first()
    )
    if recommendation is None:
        return None
    report = recommendation.report
    recommendation.delete()
    for position, rec in enumerate(report.recommendations.order_by("position", "id"), start=1):
        if rec.position != position:
            rec.position = position
            rec.save(update_fields=["position"])
    return report.unit
