from __future__ import annotations

from django.db.models import QuerySet

from xinban.accounts.models import User
from xinban.campaigns.models import Campaign
from xinban.core.roles import roles_of
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
