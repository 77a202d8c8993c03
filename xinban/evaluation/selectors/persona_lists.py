"""Reads for the evaluation's other personas and the waiting work: what an expert, a
guiding unit and an applicant see, the candidates for staff, and what waits for a decision
or an assignment. List reads join what they show, so pages run a constant number of
queries whatever the number of applications.

Who sees what (see rules.py): an expert only the applications assigned to them, never the
recommending unit's scores nor other experts; a guiding unit only the typical-experience
candidates and typical experiences; an applicant their own outcomes, never expert names or
scores."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Prefetch,
    QuerySet,
)
from django.http import Http404

from xinban.accounts.models import User
from xinban.applications.models import (
    MATERIAL_FIELDS,
    Application,
    ApplicationState,
)
from xinban.campaigns.models import Campaign
from xinban.core.roles import roles_of
from xinban.evaluation.models import (
    EvaluationRound,
    GuidingReview,
    GuidingVerdict,
    PresentationVideo,
)
from xinban.evaluation.selectors.formal_review import (
    CANDIDATE_STATES,
    assignment_rows,
    round_latest,
)
from xinban.scoring.models import (
    ScoreSheet,
    SheetStatus,
    Stage,
)

# --------------------------------------------------------------------------- experts


def expert_sheets(*, user: User, campaign: Campaign | None = None) -> QuerySet[ScoreSheet]:
    """An expert's own assignments in the association's review (nothing of the unit
    stage, nothing of other experts)."""
    qs = ScoreSheet.objects.filter(stage=Stage.EXPERT, judge__user=user)
    if campaign is not None:
        qs = qs.filter(application__campaign=campaign)
    return qs.select_related(
        "application__organisation", "application__team_type", "application__campaign"
    ).order_by("status", "application__number")


def expert_application_get(*, user: User, pk: int) -> Application:
    """The application if it is assigned to the user as an expert; 404 otherwise."""
    application = (
        Application.objects.select_related("organisation", "team_type", "campaign")
        .filter(
            pk=pk,
            score_sheets__stage=Stage.EXPERT,
            score_sheets__judge__user=user,
        )
        .distinct()
        .first()
    )
    if application is None:
        raise Http404
    return application


def expert_sheet_get(*, user: User, pk: int) -> ScoreSheet:
    sheet = (
        ScoreSheet.objects.select_related(
            "judge", "application__organisation", "application__campaign", "application__team_type"
        )
        .filter(pk=pk, stage=Stage.EXPERT, judge__user=user)
        .first()
    )
    if sheet is None:
        raise Http404
    return sheet


def round_deadlines(campaign: Campaign) -> dict[int, Any]:
    """Round number → deadline, for the expert's list."""
    return dict(EvaluationRound.objects.filter(campaign=campaign).values_list("number", "deadline"))


# --------------------------------------------------------------------------- guiding units


def _with_candidate_data(qs: QuerySet[Application]) -> QuerySet[Application]:
    return qs.select_related(
        "organisation",
        "recommending_unit",
        "team_type",
        "presentation_video",
        "evaluation_decision",
    ).prefetch_related(
        Prefetch(
            "guiding_reviews",
            queryset=GuidingReview.objects.select_related("guiding_unit").order_by(
                "guiding_unit__name"
            ),
        )
    )


def guiding_candidates(*, user: User, campaign: Campaign | None = None) -> QuerySet[Application]:
    """A guiding unit's list: typical-experience candidates and typical experiences only
    (empty for anyone who is not a guiding-unit member)."""
    if not roles_of(user).is_guiding:
        return Application.objects.none()
    qs = Application.objects.filter(state__in=CANDIDATE_STATES)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return _with_candidate_data(qs).order_by("number")


def guiding_candidate_get(*, user: User, pk: int) -> Application:
    application = guiding_candidates(user=user).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


@dataclass(frozen=True)
class CandidateRow:
    application: Application
    video: PresentationVideo | None
    reviews: list[GuidingReview]

    @property
    def approvals(self) -> int:
        return sum(r.verdict == GuidingVerdict.APPROVE for r in self.reviews)

    @property
    def rejections(self) -> int:
        return sum(r.verdict == GuidingVerdict.REJECT for r in self.reviews)

    @property
    def can_confirm(self) -> bool:
        """The typical_confirm rule: a video, at least one approval, no rejection."""
        return (
            self.application.state == ApplicationState.TYPICAL_CANDIDATE
            and self.video is not None
            and self.approvals >= 1
            and self.rejections == 0
        )


def candidates_for_staff(*, campaign: Campaign) -> list[CandidateRow]:
    applications = _with_candidate_data(
        Application.objects.filter(campaign=campaign, state__in=CANDIDATE_STATES)
    ).order_by("number")
    return [
        CandidateRow(
            application=a,
            video=getattr(a, "presentation_video", None),
            reviews=list(a.guiding_reviews.all()),
        )
        for a in applications
    ]


# --------------------------------------------------------------------------- applicants


@dataclass(frozen=True)
class ApplicantOutcome:
    """What an applicant learns about the evaluation: never expert names or scores."""

    application: Application
    state_label: str
    formal_outcome: str  # label, or ""
    return_reason: str
    decision_level: str  # label, or ""
    national: bool
    video_required: bool  # a candidate without a video yet
    video_name: str


def applicant_outcomes(*, user: User, campaign: Campaign | None = None) -> list[ApplicantOutcome]:
    qs = Application.objects.filter(organisation_id__in=roles_of(user).organisation_ids)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    rows = []
    qs = (
        qs.select_related("campaign", "formal_review", "evaluation_decision", "presentation_video")
        .defer(*MATERIAL_FIELDS.values(), "organisation_snapshot")
        .order_by("-campaign__year", "number")
    )
    for a in qs:
        review = getattr(a, "formal_review", None)
        decision = getattr(a, "evaluation_decision", None)
        video = getattr(a, "presentation_video", None)
        rows.append(
            ApplicantOutcome(
                application=a,
                state_label=a.get_state_display(),
                formal_outcome=review.get_outcome_display() if review else "",
                return_reason=a.return_reason if a.state == ApplicationState.RETURNED else "",
                decision_level=decision.get_level_display() if decision else "",
                national=bool(decision and decision.national),
                video_required=a.state == ApplicationState.TYPICAL_CANDIDATE and video is None,
                video_name=video.original_name if video else "",
            )
        )
    return rows


# --------------------------------------------------------------------------- waiting work


def guiding_to_review(*, user: User, campaign: Campaign | None = None) -> list[Application]:
    """The candidates (典型经验候选) of the guiding unit's list on which none of the user's
    guiding units has given its verdict yet."""
    mine = roles_of(user).guiding_unit_ids
    return [
        a
        for a in guiding_candidates(user=user, campaign=campaign)
        if a.state == ApplicationState.TYPICAL_CANDIDATE
        and not any(r.guiding_unit_id in mine for r in a.guiding_reviews.all())
    ]


def decisions_waiting(*, campaign: Campaign) -> list[Application]:
    """Applications under expert review with no decision yet whose experts of the latest
    round have all submitted (at least one sheet): what decision_set would accept now
    (docs/rules.md, rule 7)."""
    applications = list(
        Application.objects.filter(
            campaign=campaign,
            state=ApplicationState.EXPERT_REVIEW,
            evaluation_decision__isnull=True,
        )
        .select_related("organisation")
        .order_by("number")
    )
    rounds: dict[int, dict[int, list[str]]] = defaultdict(dict)
    for application_id, number, status in ScoreSheet.objects.filter(
        application__in=applications, stage=Stage.EXPERT
    ).values_list("application_id", "round", "status"):
        rounds[application_id].setdefault(number, []).append(status)
    waiting = []
    for a in applications:
        by_round = rounds.get(a.pk)
        if not by_round:
            continue
        latest = by_round[max(by_round)]
        if all(status == SheetStatus.SUBMITTED for status in latest):
            waiting.append(a)
    return waiting


def unassigned_applications(*, campaign: Campaign) -> list[Application]:
    """Applications ready for the experts (形式审查通过 or under review) without a single
    expert sheet in the latest round (the rows of 专家分配 with nobody assigned)."""
    rows = assignment_rows(campaign=campaign, round=round_latest(campaign))
    return [row.application for row in rows if not row.sheets]
