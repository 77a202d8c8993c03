"""Who may see and do what in the association's evaluation (django-rules). Views map
"cannot view" to 404 and "can view but not act" to 403.

* Staff: everything.
* An expert: only the applications assigned to them in the expert review (a ScoreSheet
  of stage EXPERT), and never the recommending unit's scores.
* A guiding unit: only typical-experience candidates and typical experiences; reviews
  candidates that have their video.
* An applicant: their own outcome, formal-review result and video task — never the
  experts' names or scores.
"""

from __future__ import annotations

from typing import Any

import rules

from xinban.applications.models import Application, ApplicationState
from xinban.core.roles import roles_of


@rules.predicate
def is_staff(user: Any) -> bool:
    return roles_of(user).is_staff


@rules.predicate
def is_assigned_expert(user: Any, application: Application | None) -> bool:
    if application is None or not getattr(user, "is_authenticated", False):
        return False
    from xinban.scoring.models import ScoreSheet, Stage

    return ScoreSheet.objects.filter(
        application=application, stage=Stage.EXPERT, judge__user=user
    ).exists()


@rules.predicate
def is_guiding_user(user: Any) -> bool:
    return roles_of(user).is_guiding


@rules.predicate
def is_candidate_or_typical(user: Any, application: Application | None) -> bool:
    return application is not None and application.state in (
        ApplicationState.TYPICAL_CANDIDATE,
        ApplicationState.TYPICAL,
    )


@rules.predicate
def is_candidate_with_video(user: Any, application: Application | None) -> bool:
    if application is None or application.state != ApplicationState.TYPICAL_CANDIDATE:
        return False
    from xinban.evaluation.models import PresentationVideo

    return PresentationVideo.objects.filter(application=application).exists()


@rules.predicate
def is_candidate(user: Any, application: Application | None) -> bool:
    return application is not None and application.state == ApplicationState.TYPICAL_CANDIDATE


@rules.predicate
def is_applicant_member(user: Any, application: Application | None) -> bool:
    return (
        application is not None and application.organisation_id in roles_of(user).organisation_ids
    )


@rules.predicate
def is_recommending_unit_member(user: Any, application: Application | None) -> bool:
    if application is None or application.submitted_at is None:
        return False
    return application.recommending_unit_id in roles_of(user).unit_ids


# The application's materials in the evaluation.
can_view_in_evaluation = is_staff | is_assigned_expert | (is_guiding_user & is_candidate_or_typical)
rules.add_perm("evaluation.view_application", can_view_in_evaluation)
# An expert scores what they were assigned (the sheet service checks the sheet's owner).
rules.add_perm("evaluation.score_application", is_assigned_expert)
# The recommending unit's judges' scores: the unit and staff, never an expert as such.
rules.add_perm("evaluation.view_unit_scores", is_staff | is_recommending_unit_member)
# The experts' names and scores: staff only (not applicants, not guiding units, and an
# expert sees only their own sheet, through expert_sheet_get).
rules.add_perm("evaluation.view_expert_scores", is_staff)
rules.add_perm("evaluation.view_expert_names", is_staff)
# Formal review, assignment, ranking and decisions.
rules.add_perm("evaluation.manage", is_staff)
# The outcome as the applicant sees it.
rules.add_perm("evaluation.view_outcome", is_staff | is_applicant_member)
# The presentation video.
rules.add_perm("evaluation.upload_video", is_applicant_member & is_candidate)
rules.add_perm(
    "evaluation.view_video",
    is_staff | is_applicant_member | (is_guiding_user & is_candidate_or_typical),
)
rules.add_perm("evaluation.review_candidate", is_guiding_user & is_candidate_with_video)
