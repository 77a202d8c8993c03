"""Reads of each team's history (docs/rules.md, "Each team's history"): the team's
earlier applications with their results and certificates, and the check of the 附件2
answer 首次参加/持续参加 against the platform's own records (rule 5)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from xinban.applications.models import Application, ApplicationState, Team
from xinban.core.text import join_items
from xinban.organisations.models import Participation, Registration

# The states that are a result of the association's evaluation (once published).
RESULT_STATES = frozenset(
    {ApplicationState.SELECTED, ApplicationState.TYPICAL, ApplicationState.NOT_SELECTED}
)


@dataclass(frozen=True)
class HistoryEntry:
    """One earlier application of the team."""

    application_id: int
    year: int
    number: str
    team_name: str
    unit: str
    state: str
    state_label: str
    # 建设经验 / 典型经验 / 未入选 once the year's results are published, else "".
    result: str
    result_label: str
    national: bool
    certificate_code: str
    certificate_url: str


@dataclass(frozen=True)
class ParticipationFinding:
    """The 附件2 answer disagrees with the platform's records."""

    code: str  # first_but_history
    message: str
    years: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class TeamHistory:
    team_id: int | None
    team_name: str
    entries: list[HistoryEntry]
    participation: ParticipationFinding | None


def _earlier(application: Application) -> QuerySet[Application]:
    return (
        Application.objects.filter(
            campaign__year__lt=application.campaign.year, submitted_at__isnull=False
        )
        .exclude(state=ApplicationState.WITHDRAWN)
        .exclude(pk=application.pk)
    )


def team_history(application: Application) -> TeamHistory:
    """The team's applications of earlier years, newest first, each with its result (once
    its year is published), 全国 and certificate. Shown to whoever may see the application
    (its organisation, its unit and the unit's judges, the experts, staff)."""
    entries: list[HistoryEntry] = []
    team: Team | None = application.team if application.team_id else None
    if team is not None:
        rows = (
            _earlier(application)
            .filter(team_id=team.pk)
            .select_related("campaign", "recommending_unit", "certificate", "evaluation_decision")
            .only(
                "id",
                "number",
                "team_name",
                "state",
                "campaign__year",
                "campaign__results_published",
                "recommending_unit__name",
                "certificate__code",
                "evaluation_decision__national",
            )
            .order_by("-campaign__year", "-id")
        )
        for row in rows:
            published = row.campaign.results_published and row.state in RESULT_STATES
            certificate = getattr(row, "certificate", None)
            decision = getattr(row, "evaluation_decision", None)
            entries.append(
                HistoryEntry(
                    application_id=row.pk,
                    year=row.campaign.year,
                    number=row.number,
                    team_name=row.team_name,
                    unit=row.recommending_unit.name,
                    state=row.state,
                    state_label=str(row.get_state_display()),
                    result=row.state if published else "",
                    result_label=str(row.get_state_display()) if published else "",
                    national=bool(published and decision is not None and decision.national),
                    certificate_code=certificate.code if certificate else "",
                    certificate_url=reverse("publication:verify_code", args=[certificate.code])
                    if certificate
                    else "",
                )
            )
    return TeamHistory(
        team_id=team.pk if team else None,
        team_name=team.name if team else application.team_name,
        entries=entries,
        participation=participation_check(application),
    )


def participation_check(application: Application) -> ParticipationFinding | None:
    """Rule 5: a registration that says 首次参加活动 while the platform holds an earlier
    year's application of the organisation (its own or imported) — a warning to the
    applicant, a flag to the unit."""
    # One query: the earlier years, if the year's registration (one per organisation and
    # year) says 首次参加.
    first_time = Registration.objects.filter(
        organisation_id=application.organisation_id,
        campaign_id=application.campaign_id,
        participation=Participation.FIRST_TIME,
    )
    years = sorted(
        set(
            _earlier(application)
            .filter(organisation_id=application.organisation_id)
            .filter(Exists(first_time))
            .values_list("campaign__year", flat=True)
        )
    )
    if not years:
        return None
    return ParticipationFinding(
        code="first_but_history",
        message=_(
            "报名表（附件2）填写为“首次参加活动”，但平台记录显示本单位曾在 %(years)s 年申报。"
        )
        % {"years": join_items(str(y) for y in years)},
        years=years,
    )
