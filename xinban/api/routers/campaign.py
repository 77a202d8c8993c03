"""The campaign year, its phases and the taxonomies the forms choose from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from xinban.api.auth import current_user, scoped
from xinban.api.common import (
    ORGANISATION_QUERY_HELP,
    error_responses,
    my_organisation,
    require_campaign,
)
from xinban.api.errors import ensure_valid, fields_named
from xinban.api.forms import WindowExtensionForm
from xinban.api.presenters import industry_out, nature_out, term_out, unit_out
from xinban.api.schemas import (
    CampaignOut,
    CampaignYearOut,
    ChoiceOut,
    PhaseOut,
    TaxonomiesOut,
    WindowExtensionIn,
    WindowExtensionOut,
)
from xinban.applications.models import MaterialArea
from xinban.applications.services import accepted_team_name_endings
from xinban.campaigns import services
from xinban.campaigns.models import (
    Campaign,
    Domain,
    Industry,
    OrganisationNature,
    PhaseKind,
    TeamType,
)
from xinban.campaigns.selectors import (
    campaign_current,
    campaign_get,
    phase_is_open,
    phases_with_status,
)
from xinban.core.errors import NotAllowed
from xinban.core.roles import roles_of
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


@router.get(
    "/campaigns",
    response={200: list[CampaignYearOut], **error_responses()},
    summary="全部活动年度（新的在前）",
)
def campaign_list(request: HttpRequest) -> list[CampaignYearOut]:
    current = campaign_current()
    return [
        CampaignYearOut(
            year=c.year, title=c.title, is_current=current is not None and c.pk == current.pk
        )
        for c in Campaign.objects.order_by("-year")
    ]


if TYPE_CHECKING:
    PhaseKindName = str
else:
    PhaseKindName = Literal[tuple(PhaseKind.values)]


@router.post(
    "/campaigns/{year}/phases/{kind}/extensions",
    response={201: WindowExtensionOut, **error_responses(400, 403, 404, 422)},
    summary="为一个申报单位或推荐单位延长阶段时间窗口（质协工作人员）",
    description="延长时间须晚于阶段结束时间，须填写原因；记入审计日志。",
    auth=scoped("staff:write"),
)
def window_extension_add(
    request: HttpRequest,
    year: Annotated[int, Path(title="活动年度", ge=1900, le=9999)],
    kind: Annotated[PhaseKindName, Path(title="阶段")],
    payload: WindowExtensionIn,
) -> Status[WindowExtensionOut]:
    user = current_user(request)
    if not roles_of(user).is_staff:
        raise NotAllowed(_("只有质协工作人员可以延长时间窗口。"), code="not_staff")
    campaign = campaign_get(year=year)
    if campaign is None:
        raise Http404
    form = WindowExtensionForm(
        {
            "organisation": payload.organisation_id,
            "unit": payload.unit_id,
            "until": payload.until,
            "reason": payload.reason,
        }
    )
    ensure_valid(form, names={"organisation": "organisation_id", "unit": "unit_id"})
    with fields_named({"organisation": "organisation_id", "unit": "unit_id"}):
        extension = services.window_extend(
            actor=user,
            campaign=campaign,
            kind=PhaseKind(kind),
            until=form.cleaned_data["until"],
            reason=form.cleaned_data["reason"],
            organisation=form.cleaned_data["organisation"],
            unit=form.cleaned_data["unit"],
        )
    return Status(
        201,
        WindowExtensionOut(
            id=extension.pk,
            phase=kind,
            organisation_id=extension.organisation_id,
            unit_id=extension.unit_id,
            until=extension.until,
            reason=extension.reason,
        ),
    )
