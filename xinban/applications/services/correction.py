"""Returning an application to its applicant for correction (by its unit, or by the
association's formal review)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.lifecycle import Notice, transition
from xinban.applications.models import Application, ApplicationState
from xinban.applications.services.guards import _lock
from xinban.campaigns.models import PhaseKind
from xinban.campaigns.selectors import phase_is_open
from xinban.core.errors import NotAllowed, ServiceError, WindowClosed
from xinban.core.roles import roles_of
from xinban.core.rulebook import Refusal, enforce
from xinban.notifications.delivery import organisation_emails


def return_refusal(actor: User, application: Application) -> Refusal | None:
    """Whether ``actor`` may return ``application`` for correction now (the unit's
    application page offers the form, the API and the service ask it): the recommending
    unit's admin while the recommendation phase is open, or staff at any time; only a
    submitted application. See docs/rules.md, "The application's lifecycle"."""
    roles = roles_of(actor)
    if not (roles.is_staff or application.recommending_unit_id in roles.unit_admin_ids):
        return Refusal(
            _("只有推荐单位管理员或质协工作人员可以退回申报。"),
            code="not_unit_admin",
            error=NotAllowed,
        )
    if application.state != ApplicationState.SUBMITTED:
        return Refusal(
            _("当前状态（%(state)s）下不能进行此操作。")
            % {"state": application.get_state_display()},
            code="wrong_state",
        )
    if not roles.is_staff and not phase_is_open(
        campaign=application.campaign,
        kind=PhaseKind.RECOMMENDATION,
        unit_id=application.recommending_unit_id,
    ):
        return Refusal(_("成果推荐不在开放时间内。"), code="window_closed", error=WindowClosed)
    return None


def application_return_for_correction(
    *, actor: User, application: Application, reason: str
) -> Application:
    """The recommending unit (or staff) returns a submitted application with a reason
    (:func:`return_refusal`)."""
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("请填写退回原因。"), code="reason_required", field="reason")
    with transaction.atomic():
        current = _lock(application)
        enforce(return_refusal(actor, current))
        current.return_reason = reason
        transition(
            current,
            via="return",
            to=ApplicationState.RETURNED,
            fields=["return_reason"],
            actor=actor,
            action="application.return",
            changes={"reason": reason},
            notice=Notice(
                to=organisation_emails(current.organisation_id),
                template="application_returned",
                context={"application": current},
            ),
        )
    return current
