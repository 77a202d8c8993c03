"""The roles held through this area's memberships: organisations (applicants), recommending
units (members and administrators) and guiding units. Registered by module name with
``xinban.core.roles`` (docs/architecture.md, "Extension points")."""

from __future__ import annotations

from typing import Any

from xinban.organisations.models import (
    GuidingUnit,
    OrganisationMembership,
    UnitMembership,
    UnitRole,
)


def organisation_roles(user: Any) -> dict[str, Any]:
    organisations = tuple(
        m.organisation
        for m in OrganisationMembership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    unit_rows = list(UnitMembership.objects.filter(user=user).values_list("unit_id", "role"))
    return {
        "organisations": organisations,
        "organisation_ids": frozenset(o.pk for o in organisations),
        "unit_ids": frozenset(u for u, _ in unit_rows),
        "unit_admin_ids": frozenset(u for u, r in unit_rows if r == UnitRole.ADMIN),
        "guiding_unit_ids": frozenset(
            GuidingUnit.objects.filter(members=user).values_list("id", flat=True)
        ),
    }


ROLES = organisation_roles
