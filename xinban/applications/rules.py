"""Who may do what with an application. Views map "cannot view" to 404 and
"can view but not act" to 403."""

from __future__ import annotations

from typing import Any

import rules

from xinban.applications.models import Application
from xinban.core.roles import roles_of
from xinban.scoring.models import ScoreSheet


@rules.predicate
def is_applicant_member(user: Any, application: Application | None) -> bool:
    if application is None:
        return False
    return application.organisation_id in roles_of(user).organisation_ids


@rules.predicate
def is_recommending_unit_member(user: Any, application: Application | None) -> bool:
    # A unit sees an application once it has been submitted to it, never drafts (nor a
    # draft withdrawn before it was ever submitted).
    if application is None or application.submitted_at is None:
        return False
    return application.recommending_unit_id in roles_of(user).unit_ids


@rules.predicate
def is_assigned_judge(user: Any, application: Application | None) -> bool:
    if application is None or not getattr(user, "is_authenticated", False):
        return False

    return ScoreSheet.objects.filter(application=application, judge__user=user).exists()


@rules.predicate
def is_association_staff(user: Any) -> bool:
    return roles_of(user).is_staff


can_view_application = (
    is_applicant_member | is_recommending_unit_member | is_association_staff | is_assigned_judge
)
can_edit_application = is_applicant_member

rules.add_perm("applications.view_application", can_view_application)
rules.add_perm("applications.change_application", can_edit_application)
rules.add_perm("applications.download_application", can_view_application)
rules.add_perm("applications.browse_all", is_association_staff)
