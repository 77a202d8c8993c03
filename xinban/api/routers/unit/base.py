"""What the unit endpoints share: the router and the look-ups (the unit if the user may see
it, else 404; its admin, else 403)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from ninja import Router

from xinban.accounts.models import User
from xinban.core.errors import NotAllowed
from xinban.core.roles import roles_of
from xinban.organisations.models import RecommendingUnit
from xinban.recommendation import selectors

router = Router(tags=["推荐单位"])


def _unit(user: User, unit_id: int, *, admin: bool = False) -> RecommendingUnit:
    """The unit if the user is its member or staff, else 404; with ``admin``, 403 unless the
    user is the unit's admin (staff only look)."""
    unit = selectors.unit_get_for(user=user, pk=unit_id)
    if admin and not _is_admin(user, unit):
        raise NotAllowed(_("只有该推荐单位的管理员可以进行此操作。"), code="not_unit_admin")
    return unit


def _is_admin(user: User, unit: RecommendingUnit) -> bool:
    return unit.pk in roles_of(user).unit_admin_ids


def _invalid_choice(value: Any) -> str:
    return str(forms.ChoiceField.default_error_messages["invalid_choice"] % {"value": value})
