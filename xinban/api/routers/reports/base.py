"""What the report endpoints share: the router, the ``year`` query, the unit if the user may
see it (else 404; with ``admin``, its admins only, else 403)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from xinban.accounts.models import User
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
