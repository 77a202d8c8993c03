from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from xinban.accounts.models import User
from xinban.applications.models import Application
from xinban.campaigns.models import Campaign
from xinban.campaigns.selectors import campaign_current, campaign_get
from xinban.core.roles import roles_of
from xinban.core.text import join_items
from xinban.dashboards.filters import APPLIED, Filters, drilldown_filters, narrow_registrations
from xinban.organisations.models import Organisation, RecommendingUnit, Registration
from xinban.organisations.services import unit_accepts


def organisations_of_user(*, user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=roles_of(user).organisation_ids)


def organisation_of_user(*, user: User) -> Organisation | None:
    """The organisation the pages act for: the user's first (by name), from the roles
    already loaded for this request."""
    organisations = roles_of(user).organisations
    return organisations[0] if organisations else None


def registration_get(*, organisation: Organisation, campaign: Campaign) -> Registration | None:
    return (
        Registration.objects.select_related("nature", "domain")
        .prefetch_related("industries")
        .filter(organisation=organisation, campaign=campaign)
        .first()
    )


def registration_exists(*, organisation: Organisation, campaign: Campaign) -> bool:
    return Registration.objects.filter(organisation=organisation, campaign=campaign).exists()


def units_open_to(*, registration: Registration | None) -> list[RecommendingUnit]:
    units = list(RecommendingUnit.objects.filter(active=True).prefetch_related("eligible_natures"))
    if registration is None:
        return [u for u in units if not u.is_restricted]
    return [u for u in units if unit_accepts(u, registration)]


# --------------------------------------------------------------------------- staff list


@dataclass(frozen=True)
class RegistrationRow:
    """One line of the staff list of 附件2 registrations (全部报名) and of its export."""

    pk: int
    organisation: str
    short_name: str
    is_member: bool
    nature: str
    domain: str
    industries: str
    # The recommending units the organisation's applications of the year chose (every
    # application, drafts included: the same as the list's unit filter).
    units: list[str]
    promoter_name: str
    promoter_position: str
    promoter_mobile: str
    promoter_email: str
    submitted_at: datetime
    # Its applications of the year that have been submitted (drafts and withdrawn ones do
    # not count, as on the dashboard).
    applications: int


@dataclass(frozen=True)
class RegistrationQuery:
    """What the staff list of registrations shows, read from its query string: the
    campaign year (``year``, else the current one), the dashboard's drill-down filters
    (the funnel's stage aside: registrations are not applications) and the search."""

    campaign: Campaign | None
    filters: Filters
    q: str


def registration_query(params: Mapping[str, Any]) -> RegistrationQuery:
    """The page's and its export's reading of ``params`` (invalid values are ignored)."""
    filters = replace(drilldown_filters(params), stage="")
    campaign = campaign_get(year=filters.year) if filters.year else campaign_current()
    return RegistrationQuery(
        campaign=campaign, filters=filters, q=str(params.get("q", "") or "").strip()[:100]
    )


def registrations_for_staff(
    *, campaign: Campaign | None, filters: Filters, q: str = ""
) -> QuerySet[Registration]:
    """The registrations of ``campaign`` (of every year when ``None``) narrowed to the
    dashboard's drill-down ``filters`` (``narrow_registrations``: what the funnel's 报名
    counts) and to a text search, by organisation name. A plain queryset: count it as
    it is, read its rows with :func:`registration_list` and :func:`registration_rows`."""
    qs = Registration.objects.all()
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    qs = narrow_registrations(qs, filters)
    q = q.strip()[:100]
    if q:
        qs = qs.filter(
            Q(organisation__name__icontains=q)
            | Q(organisation__short_name__icontains=q)
            | Q(promoter_name__icontains=q)
            | Q(promoter_mobile__icontains=q)
            | Q(promoter_email__icontains=q)
        )
    return qs.order_by("organisation__name", "pk")


def registration_list(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    """``registrations`` with what their rows show (one query per page, one for the
    industries)."""
    return registrations.select_related("organisation", "nature", "domain").prefetch_related(
        "industries"
    )


def _with_other(name: str, other: str) -> str:
    return f"{name}（{other}）" if other else name


def registration_rows(registrations: Iterable[Registration]) -> list[RegistrationRow]:
    """The rows of some registrations (a page, a chunk of an export) read with
    :func:`registration_list`, with their applications' units and numbers: one query."""
    items = list(registrations)
    if not items:
        return []
    units: dict[tuple[int, int], list[str]] = defaultdict(list)
    filed: dict[tuple[int, int], int] = defaultdict(int)
    for organisation_id, campaign_id, unit, state in (
        Application.objects.filter(
            organisation_id__in={r.organisation_id for r in items},
            campaign_id__in={r.campaign_id for r in items},
        )
        .order_by("recommending_unit__position", "recommending_unit__name", "pk")
        .values_list("organisation_id", "campaign_id", "recommending_unit__name", "state")
    ):
        key = (organisation_id, campaign_id)
        if unit not in units[key]:
            units[key].append(unit)
        if state in APPLIED:
            filed[key] += 1
    rows = []
    for r in items:
        key = (r.organisation_id, r.campaign_id)
        industries = [i.label for i in r.industries.all()]
        if r.industry_other:
            industries.append(r.industry_other)
        rows.append(
            RegistrationRow(
                pk=r.pk,
                organisation=r.organisation.name,
                short_name=r.organisation.short_name,
                is_member=r.is_member,
                nature=_with_other(r.nature.label, r.nature_other),
                domain=r.domain.label,
                industries=join_items(industries),
                units=units.get(key, []),
                promoter_name=r.promoter_name,
                promoter_position=r.promoter_position,
                promoter_mobile=r.promoter_mobile,
                promoter_email=r.promoter_email,
                submitted_at=r.created_at,
                applications=filed.get(key, 0),
            )
        )
    return rows
