"""What the report endpoints share: the router, the ``year`` query, the unit if the user may
see it (else 404; with ``admin``, its admins only, else 403), and the submit operation of a
unit's filing (附件6, 附件7)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from xinban.accounts.models import User
from xinban.api.auth import current_user, scoped
from xinban.api.common import error_responses
from xinban.campaigns.models import Campaign
from xinban.core.errors import NotAllowed
from xinban.core.roles import roles_of
from xinban.organisations.models import RecommendingUnit
from xinban.reports import selectors

router = Router(tags=["统计表与工作总结"])


class ReportYearQuery(Schema):
    year: int | None = Field(None, title="活动年度", description="默认为当前年度", ge=1900, le=2200)


def _unit(user: User, unit_id: int, *, admin: bool = False) -> RecommendingUnit:
    unit = selectors.unit_get_for(user=user, pk=unit_id)
    if admin and unit.pk not in roles_of(user).unit_admin_ids:
        raise NotAllowed(_("只有该推荐单位的管理员可以进行此操作。"), code="not_unit_admin")
    return unit


def _campaign(query: ReportYearQuery) -> Campaign:
    return selectors.campaign_for(query.year)


def _admin_target(
    request: HttpRequest, unit_id: int, query: ReportYearQuery
) -> tuple[User, RecommendingUnit, Campaign]:
    """The user, the unit they administer (else 404 or 403) and the year's campaign."""
    user = current_user(request)
    return user, _unit(user, unit_id, admin=True), _campaign(query)


Operation = TypeVar("Operation", bound=Callable[..., Any])


def submit_operation(
    path: str, out: type[Schema], *, summary: str, description: str
) -> Callable[[Operation], Operation]:
    """``POST path``: submit a unit's filing, answered with ``out``; 400 when incomplete."""
    return router.post(
        path,
        response={200: out, **error_responses(400, 403, 404, 409)},
        summary=summary,
        description=description,
        auth=scoped("units:write"),
    )
