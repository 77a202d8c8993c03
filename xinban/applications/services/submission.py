"""Submitting the application to its recommending unit: what is still missing, the
submission itself and the snapshots frozen into it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.lifecycle import Notice, transition
from xinban.applications.models import (
    EDITABLE_STATES,
    Application,
    ApplicationRevision,
    ApplicationState,
)
from xinban.applications.readiness import stamped_form_refusal, submission_problems
from xinban.applications.selectors import registration_snapshot
from xinban.applications.services.drafts import _registration_for
from xinban.applications.services.guards import (
    _content_values,
    _edit_kinds_for,
    _lock,
    _require_member,
    _require_state,
    _require_window,
    _returned_by_formal_review,
)
from xinban.core.errors import ServiceError
from xinban.core.rulebook import enforce
from xinban.notifications.delivery import organisation_emails
from xinban.tasks.api import enqueue_declared


class SubmissionIncomplete(ServiceError):
    """Submission refused; `problems` maps each field to what is missing."""

    status = 400

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(
            _("申报表还不完整，请补全标红的内容后再提交。"), code="incomplete", field=None
        )
        self.problems = problems


def application_submit(*, actor: User, application: Application) -> Application:
    _require_member(actor, application.organisation_id)
    with transaction.atomic():
        current = _lock(application)
        _require_state(current, EDITABLE_STATES)
        _require_window(current.campaign, current.organisation_id, *_edit_kinds_for(current))
        enforce(stamped_form_refusal(current))
        problems = submission_problems(current)
        if problems:
            raise SubmissionIncomplete(problems)
        registration = _registration_for(current.organisation, current.campaign)
        back_to_association = _returned_by_formal_review(current)
        current.organisation_snapshot = registration_snapshot(registration)
        current.submitted_at = timezone.now()
        current.return_reason = ""
        revision_number = current.revisions.count() + 1
        ApplicationRevision.objects.create(
            application=current,
            number=revision_number,
            content=application_content_snapshot(current),
            submitted_at=current.submitted_at,
            submitted_by=actor,
        )
        # The similarity check (docs/similarity.md) runs in the background after commit
        # (by name: the integrity area sits above this one).
        enqueue_declared("integrity.check", application_id=current.pk, user_id=actor.pk)
        # The state change and its audit entry last (tests/faults pause there).
        transition(
            current,
            via="submit",
            to=ApplicationState.RECOMMENDED if back_to_association else ApplicationState.SUBMITTED,
            fields=None,
            actor=actor,
            action="application.resubmit"
            if current.state == ApplicationState.RETURNED
            else "application.submit",
            changes={"revision": revision_number},
            # The organisation's confirmation, with the number to quote.
            notice=Notice(
                to=organisation_emails(current.organisation_id),
                template="application_submitted",
                context={"application": current, "revision": revision_number},
            ),
        )
    return current


def application_content_snapshot(application: Application) -> dict[str, Any]:
    values: dict[str, Any] = {
        k: (str(v) if v is not None and not isinstance(v, bool | int | str) else v)
        for k, v in _content_values(application).items()
    }
    values["attachments"] = [
        {"area": a.area, "name": a.original_name, "sha256": a.sha256}
        for a in application.attachments.all()
    ]
    values["organisation"] = application.organisation_snapshot
    return values
