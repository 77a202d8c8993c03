"""An organisation's name in a given year (docs/rules.md, rule 14): renames are kept, so a
document of a past year prints the name the organisation had at the end of that year, and
a document of the current year the current name."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from xinban.organisations.models import Organisation, OrganisationRename


def _end_of(year: int) -> datetime:
    return timezone.make_aware(datetime(year + 1, 1, 1))


def names_in_year(current: dict[int, str], year: int) -> dict[int, str]:
    """``current`` maps organisation ids to their current names; the answer maps them to
    the names they had at the end of ``year`` (the first rename after it says which)."""
    names = dict(current)
    seen: set[int] = set()
    for organisation_id, old_name in (
        OrganisationRename.objects.filter(
            organisation_id__in=list(current), renamed_at__gte=_end_of(year)
        )
        .order_by("renamed_at", "pk")
        .values_list("organisation_id", "old_name")
    ):
        if organisation_id not in seen:
            seen.add(organisation_id)
            names[organisation_id] = old_name
    return names


def name_in_year(organisation: Organisation, year: int) -> str:
    return names_in_year({organisation.pk: organisation.name}, year)[organisation.pk]


def former_names(organisations: Iterable[Organisation]) -> dict[int, list[OrganisationRename]]:
    out: dict[int, list[OrganisationRename]] = {}
    for rename in OrganisationRename.objects.filter(organisation__in=list(organisations)):
        out.setdefault(rename.organisation_id, []).append(rename)
    return out
