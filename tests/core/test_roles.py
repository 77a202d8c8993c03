"""Roles are answered by the areas that own the memberships (their ``roles.py``), not read
by core from their tables (docs/architecture.md, "Layers")."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from xinban.core.roles import Roles, forget_roles, role_providers, roles_of


def test_the_areas_that_own_memberships_answer_for_every_role(applicant_a: Any) -> None:
    providers = {provider.__module__ for provider in role_providers()}
    assert providers == {"xinban.organisations.roles", "xinban.scoring.roles"}
    answered = {key for provider in role_providers() for key in provider(applicant_a)}
    # Every field but staff (the user's own flag) comes from an area.
    assert answered == {f.name for f in fields(Roles)} - {"is_staff"}


def test_roles_combine_the_areas_answers(applicant_a: Any, unit_x_admin: Any, staff: Any) -> None:
    a = roles_of(applicant_a)
    assert a.is_applicant and not a.is_unit_member and not a.is_judge and not a.is_staff
    assert a.organisation_ids and {o.pk for o in a.organisations} == a.organisation_ids
    x = roles_of(unit_x_admin)
    assert x.is_unit_member and x.unit_admin_ids == x.unit_ids and not x.is_applicant
    assert roles_of(staff).is_staff
    forget_roles(staff)
    assert not hasattr(staff, "_xinban_roles")
