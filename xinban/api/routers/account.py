"""Who am I: the user and their roles."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from xinban.api.auth import current_user
from xinban.api.common import error_responses
from xinban.api.presenters import organisation_out
from xinban.api.schemas import MeOut, RolesOut
from xinban.core.roles import roles_of
from xinban.organisations.selectors import organisations_of_user

router = Router(tags=["账号"])


@router.get("/me", response={200: MeOut, **error_responses()}, summary="当前用户及其角色")
def me(request: HttpRequest) -> MeOut:
    user = current_user(request)
    roles = roles_of(user)
    return MeOut(
        id=user.pk,
        email=user.email,
        name=user.name,
        roles=RolesOut(
            organisation_ids=sorted(roles.organisation_ids),
            unit_ids=sorted(roles.unit_ids),
            unit_admin_ids=sorted(roles.unit_admin_ids),
            guiding_unit_ids=sorted(roles.guiding_unit_ids),
            is_staff=roles.is_staff,
        ),
        organisations=[organisation_out(o) for o in organisations_of_user(user=user)],
    )
