"""Demo data of each team's history (called by ``seed_demo``, docs/rules.md "Each team's
history"): every demo application gets its team by name; applicant A's 总装一班 of this
year is last year's 精密装配组 renamed (linked by A, so its 建设经验 and certificate show on
the application to the unit's judges, the experts and staff); and one organisation of
浦东新区 that applied last year says 首次参加活动 this year (the unit's page flags it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xinban.applications.models import Application, ApplicationState
from xinban.applications.teams import team_link, teams_recognise_missing
from xinban.organisations.models import OrganisationMembership, Participation, Registration

if TYPE_CHECKING:
    from xinban.ops.demo_data import DemoContext


def seed(ctx: DemoContext) -> None:
    teams_recognise_missing()
    year = ctx.year
    applicant_a = ctx.user("applicant-a@demo.saq")
    org_a = OrganisationMembership.objects.filter(user=applicant_a).values_list(
        "organisation_id", flat=True
    )[0]
    current = Application.objects.filter(
        campaign=ctx.campaigns[year], organisation_id=org_a, team_name="总装一班"
    ).first()
    earlier = Application.objects.filter(
        campaign=ctx.campaigns[year - 1], organisation_id=org_a, team_name="精密装配组"
    ).first()
    if current is not None and earlier is not None and earlier.team is not None:
        team_link(actor=applicant_a, application=current, team=earlier.team)

    # 首次参加 against the records: a 浦东新区 organisation with last year's application and
    # one submitted this year.
    flagged = (
        Application.objects.filter(
            campaign=ctx.campaigns[year],
            recommending_unit__name="浦东新区",
            state=ApplicationState.SUBMITTED,
            organisation__applications__campaign=ctx.campaigns[year - 1],
        )
        .exclude(organisation_id=org_a)
        .order_by("number")
        .values_list("organisation_id", flat=True)
        .first()
    )
    if flagged is not None:
        Registration.objects.filter(organisation_id=flagged, campaign=ctx.campaigns[year]).update(
            participation=Participation.FIRST_TIME
        )
