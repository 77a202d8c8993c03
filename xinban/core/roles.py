"""Which roles a user holds. Read once per request and cached on the user object."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Roles:
    organisation_ids: frozenset[int] = field(default_factory=frozenset)
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    unit_admin_ids: frozenset[int] = field(default_factory=frozenset)
    guiding_unit_ids: frozenset[int] = field(default_factory=frozenset)
    is_staff: bool = False
    judge_id: int | None = None
    # Where the judge serves: a recommending unit's panel (or unit-stage sheets), the
    # association's expert panel (or expert sheets). The menu shows only those pages.
    unit_judge: bool = False
    expert: bool = False
    # The user's organisations, loaded with the memberships (ordered by name).
    organisations: tuple[Any, ...] = ()

    @property
    def is_applicant(self) -> bool:
        return bool(self.organisation_ids)

    @property
    def is_unit_member(self) -> bool:
        return bool(self.unit_ids)

    @property
    def is_judge(self) -> bool:
        return self.judge_id is not None

    @property
    def is_unit_judge(self) -> bool:
        """我的评审: on a unit's panel, or a judge not yet placed anywhere."""
        return self.is_judge and (self.unit_judge or not self.expert)

    @property
    def is_expert(self) -> bool:
        """专家评审: on the association's panel of some year, or with expert sheets."""
        return self.is_judge and self.expert

    @property
    def is_guiding(self) -> bool:
        return bool(self.guiding_unit_ids)


def roles_of(user: Any) -> Roles:
    if user is None or not user.is_authenticated:
        return Roles()
    cached = getattr(user, "_xinban_roles", None)
    if cached is not None:
        return cached
    from xinban.organisations.models import (
        GuidingUnit,
        OrganisationMembership,
        UnitMembership,
        UnitRole,
    )

    organisations = tuple(
        m.organisation
        for m in OrganisationMembership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    org_ids = frozenset(o.pk for o in organisations)
    unit_rows = list(UnitMembership.objects.filter(user=user).values_list("unit_id", "role"))
    guiding_ids = frozenset(GuidingUnit.objects.filter(members=user).values_list("id", flat=True))
    from django.db.models import Count, Q

    from xinban.scoring.models import Judge, Stage

    judge = (
        Judge.objects.filter(user=user)
        .annotate(
            unit_panels_n=Count("unit_panels", distinct=True),
            expert_panels_n=Count("expert_panels", distinct=True),
            unit_sheets_n=Count("sheets", filter=Q(sheets__stage=Stage.UNIT), distinct=True),
            expert_sheets_n=Count("sheets", filter=Q(sheets__stage=Stage.EXPERT), distinct=True),
        )
        .values("id", "unit_panels_n", "expert_panels_n", "unit_sheets_n", "expert_sheets_n")
        .first()
    )
    judge_id = judge["id"] if judge else None
    result = Roles(
        organisation_ids=org_ids,
        unit_ids=frozenset(u for u, _ in unit_rows),
        unit_admin_ids=frozenset(u for u, r in unit_rows if r == UnitRole.ADMIN),
        guiding_unit_ids=guiding_ids,
        is_staff=bool(user.is_association_staff),
        judge_id=judge_id,
        unit_judge=bool(judge and (judge["unit_panels_n"] or judge["unit_sheets_n"])),
        expert=bool(judge and (judge["expert_panels_n"] or judge["expert_sheets_n"])),
        organisations=organisations,
    )
    user._xinban_roles = result
    return result


def forget_roles(user: Any) -> None:
    if hasattr(user, "_xinban_roles"):
        del user._xinban_roles
