"""Application (附件3) writes (docs/architecture.md, "Applications"), one module per
use case: ``drafts`` (create, edit, team rules), ``attachments``, ``stamped_form`` (the
stamped scan), ``submission``, ``withdrawal``, ``correction`` (returned for correction);
``guards`` holds their shared checks. What a submission needs is read from
``applications.readiness``, the snapshot of 附件2 from ``applications.selectors``; both are
re-exported here too. Each public function is one atomic, audited
transition that checks the current state, the actor's right and the phase window. This
package re-exports every public name, so ``from xinban.applications.services import x``
keeps working."""

from xinban.applications.models import CONTENT_FIELDS
from xinban.applications.readiness import (
    stamped_form_changes,
    stamped_form_refusal,
    submission_problems,
)
from xinban.applications.selectors import registration_snapshot
from xinban.applications.services.attachments import (
    application_attachment_add,
    application_attachment_remove,
)
from xinban.applications.services.correction import (
    application_return_for_correction,
    return_refusal,
)
from xinban.applications.services.drafts import (
    RegistrationUpdateNeeded,
    accepted_team_name_endings,
    application_create,
    application_number_next,
    application_update,
    create_refusal,
    team_name_refusal,
)
from xinban.applications.services.guards import ATTACHMENT_KINDS, Limits
from xinban.applications.services.stamped_form import (
    ScanRefused,
    application_stamped_form_upload,
)
from xinban.applications.services.submission import (
    SubmissionIncomplete,
    application_content_snapshot,
    application_submit,
)
from xinban.applications.services.withdrawal import (
    WITHDRAWABLE_STATES,
    application_withdraw,
    withdraw_refusal,
)

__all__ = [
    "ATTACHMENT_KINDS",
    "CONTENT_FIELDS",
    "Limits",
    "RegistrationUpdateNeeded",
    "ScanRefused",
    "SubmissionIncomplete",
    "WITHDRAWABLE_STATES",
    "accepted_team_name_endings",
    "application_attachment_add",
    "application_attachment_remove",
    "application_content_snapshot",
    "application_create",
    "application_number_next",
    "application_return_for_correction",
    "application_stamped_form_upload",
    "application_submit",
    "application_update",
    "application_withdraw",
    "create_refusal",
    "registration_snapshot",
    "return_refusal",
    "stamped_form_changes",
    "stamped_form_refusal",
    "submission_problems",
    "team_name_refusal",
    "withdraw_refusal",
]
