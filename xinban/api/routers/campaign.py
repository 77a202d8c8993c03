"""The campaign year, its phases and the taxonomies the forms choose from."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from xinban.api.auth import current_user
from xinban.api.common import (
    ORGANISATION_QUERY_HELP,
    error_responses,
    my_organisation,
    require_campaign,
)
from xinban.api.presenters import industry_out, nature_out, term_out, unit_out
from xinban.api.schemas import CampaignOut, ChoiceOut, PhaseOut, TaxonomiesOut
from xinban.applications.models import MaterialArea
from xinban.applications.services import accepted_team_name_endings
from xinban.campaigns.models import Domain, Industry, OrganisationNature, PhaseKind, TeamType
from xinban.campaigns.selectors import campaign_current, phase_is_open, phases_with_status
from xinban.organisations.models import Participation
from xinban.organisations.selectors import registration_get, units_open_to

router = Router(tags=["活动年度与分类"])


@router.get(
    "/campaigns/current",
    response={200: CampaignOut, **error_responses(404)},
    summary="当前活动年度：各阶段时间窗口及开放状态",
)
def campaign_current_get(
    request: HttpRequest,
    organisation: int | None = Query(None, description=ORGANISATION_QUERY_HELP),  # noqa: B008
) -> CampaignOut:
    campaign = require_campaign()
    mine = my_organisation(current_user(request), organisation)
    phases = []
    for item in phases_with_status(campaign):
        phase = item.phase
        phases.append(
            PhaseOut(
                kind=phase.kind,
                label=str(PhaseKind(phase.kind).label),
                starts_at=phase.starts_at,
                ends_at=phase.ends_at,
                responsible=phase.responsible,
                status=item.status,
                open_for_me=phase_is_open(
                    campaign=campaign,
                    kind=PhaseKind(phase.kind),
                    organisation_id=mine.pk if mine else None,
                ),
            )
        )
    return CampaignOut(
        year=campaign.year,
        title=campaign.title,
        max_applications_per_org=campaign.max_applications_per_org,
        phases=phases,
    )


@router.get(
    "/taxonomies",
    response={200: TaxonomiesOut, **error_responses()},
    summary="单位性质、重点产业、重点领域、班组类型、班组名称后缀、可选推荐单位",
)
def taxonomies(
    request: HttpRequest,
    organisation: int | None = Query(None, description=ORGANISATION_QUERY_HELP),  # noqa: B008
) -> TaxonomiesOut:
    mine = my_organisation(current_user(request), organisation)
    campaign = campaign_current()
    registration = (
        registration_get(organisation=mine, campaign=campaign) if mine and campaign else None
    )
    return TaxonomiesOut(
        natures=[nature_out(n) for n in OrganisationNature.objects.filter(active=True)],
        industries=[industry_out(i) for i in Industry.objects.filter(active=True)],
        domains=[term_out(d) for d in Domain.objects.filter(active=True)],
        team_types=[term_out(t) for t in TeamType.objects.filter(active=True)],
        team_name_endings=accepted_team_name_endings(),
        recommending_units=[unit_out(u) for u in units_open_to(registration=registration)],
        material_areas=[ChoiceOut(value=v, label=str(label)) for v, label in MaterialArea.choices],
        participation=[ChoiceOut(value=v, label=str(label)) for v, label in Participation.choices],
    )
