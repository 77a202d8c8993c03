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
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import PhaseKind
from xinban.campaigns.selectors import phase_is_open
from xinban.core.errors import WindowClosed
from xinban.core.roles import roles_of
from xinban.core.rulebook import Refusal, first_refusal
from xinban.evaluation.models import EvaluationRound, PresentationVideo
from xinban.scoring.models import ScoreSheet, SheetStatus, Stage


@rules.predicate
def is_staff(user: Any) -> bool:
    return roles_of(user).is_staff


@rules.predicate
def is_assigned_expert(user: Any, application: Application | None) -> bool:
    if application is None or not getattr(user, "is_authenticated", False):
        return False
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


# --- preconditions of the assignment's steps of the lifecycle (docs/rules.md, "The
# application's lifecycle"): the page offers the form / button only when these return
# ``None`` and shows the message otherwise; the services enforce the same functions.
# Kept here, not in services.py, so the page, the API and the service share one answer.

ASSIGNABLE_STATES = frozenset({ApplicationState.FORMAL_PASSED, ApplicationState.EXPERT_REVIEW})


def _state_refusal(application: Application, allowed: frozenset[str]) -> Refusal | None:
    if application.state in allowed:
        return None
    return Refusal(
        _("当前状态（%(state)s）下不能进行此操作。") % {"state": application.get_state_display()},
        code="wrong_state",
    )


def _evaluation_open_refusal(application: Application) -> Refusal | None:
    if not phase_is_open(campaign=application.campaign, kind=PhaseKind.EVALUATION):
        return Refusal(
            _("成果评价及推优不在开放时间内。"), code="window_closed", error=WindowClosed
        )
    if application.campaign.results_published:
        return Refusal(_("本年度评价结果已发布，不能再修改。"), code="results_published")
    return None


def round_open_refusal(evaluation_round: EvaluationRound | None) -> Refusal | None:
    """An expert is assigned in a round that is still open."""
    if evaluation_round is None:
        return Refusal(_("请先新建评审轮次。"), code="no_round", field="round")
    if evaluation_round.is_open():
        return None
    return Refusal(
        _("%(round)s已于 %(time)s 截止，请新建评审轮次或延长截止时间。")
        % {
            "round": str(evaluation_round),
            "time": timezone.localtime(evaluation_round.deadline).strftime("%Y-%m-%d %H:%M"),
        },
        code="round_closed",
        field="round",
    )


def expert_assign_refusal(
    application: Application, evaluation_round: EvaluationRound | None
) -> Refusal | None:
    """Whether staff may assign an expert to ``application`` in ``evaluation_round`` now
    (transition ``assign_experts``; one already under review may get another expert):
    formally passed or under expert review, in the evaluation window, unpublished, the
    round open. The expert's own conflicts and capacity are the choice list's to filter
    (``selectors.exclusions_for``) and the service's to check."""
    return first_refusal(
        (
            _state_refusal(application, ASSIGNABLE_STATES),
            _evaluation_open_refusal(application),
            round_open_refusal(evaluation_round),
        )
    )


def expert_unassign_refusal(sheet: ScoreSheet) -> Refusal | None:
    """Whether staff may withdraw an expert's assignment (transition
    ``unassign_last_expert`` when it is the last one): the application under expert
    review, in the evaluation window, unpublished, the sheet not submitted."""
    refused = first_refusal(
        (
            _state_refusal(sheet.application, frozenset({ApplicationState.EXPERT_REVIEW})),
            _evaluation_open_refusal(sheet.application),
        )
    )
    if refused is None and sheet.status == SheetStatus.SUBMITTED:
        return Refusal(_("专家已提交评分，不能取消分配。"), code="sheet_submitted")
    return refused
