"""Which roles a user holds. Read once per request and cached on the user object; each
area answers for its own memberships (docs/architecture.md, "Extension points")."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from xinban.core.areas import area_modules

# A role provider: the user → the ``Roles`` fields its area answers.
RoleProvider = Callable[[Any], Mapping[str, Any]]


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
    """The user's roles, each field answered by the area that owns the membership (its
    ``roles.py``, see ``role_providers``); cached on the user for the request."""
    if user is None or not user.is_authenticated:
        return Roles()
    cached = getattr(user, "_xinban_roles", None)
    if cached is not None:
        return cached
    values: dict[str, Any] = {"is_staff": bool(user.is_association_staff)}
    for provide in role_providers():
        values.update(provide(user))
    result = Roles(**values)
    user._xinban_roles = result
    return result


@lru_cache(maxsize=1)
def role_providers() -> tuple[RoleProvider, ...]:
    """``ROLES`` of every area's ``roles.py`` (``xinban/<area>/roles.py``, found by
    ``area_modules``): a function of the user answering some of ``Roles``' fields — the
    organisations area its memberships, scoring the judge. ``core`` reads no area's
    tables itself (docs/architecture.md, "Layers")."""
    # core's own roles.py (this module) declares none.
    return tuple(module.ROLES for module in area_modules("roles") if hasattr(module, "ROLES"))


def forget_roles(user: Any) -> None:
    if hasattr(user, "_xinban_roles"):
        del user._xinban_roles
