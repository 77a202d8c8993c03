"""Applications as lists (registered with the exports app when Django starts, see
xinban.exports): staff's list of all applications (``applications``), the applicant's own
(``my_applications``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinban.accounts.models import User
from xinban.applications.models import ApplicationState
from xinban.applications.selectors import applications_for_staff, applications_of_organisations
from xinban.campaigns.selectors import campaign_current, campaign_get
from xinban.dashboards.filters import drilldown_filters, narrow
from xinban.exports.registry import (
    ExportSpec,
    _state_label,
    local_time,
    register,
    require_staff,
)
from xinban.organisations.selectors import organisation_of_user

APPLICATION_FIELDS = (
    "number",
    "organisation__name",
    "team_name",
    "team_type__name",
    "team_size",
    "recommending_unit__name",
    "state",
    "submitted_at",
)


def _application_headers() -> list[str]:
    return [
        _("编号"),
        _("申报单位"),
        _("班组名称"),
        _("班组类型"),
        _("班组人数"),
        _("推荐单位"),
        _("状态"),
        _("提交时间"),
    ]


def _staff_applications(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As the staff list (applications:staff_list), dashboard drill-down filters included."""
    require_staff(user)
    drill = drilldown_filters(params)
    state = params.get("state", "")
    unit = params.get("unit", "")
    return narrow(
        applications_for_staff(
            campaign=campaign_get(year=drill.year) if drill.year else campaign_current(),
            state=state if state in ApplicationState.values else "",
            unit_id=int(unit) if unit.isdigit() and len(unit) < 19 else None,
            q=params.get("q", "").strip()[:100],
        ),
        drill,
    ).order_by("number")


def _my_applications(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As 我的申报 (applications:dashboard): every application of the user's
    organisations, this year's and past years'; no organisation, no list (404)."""
    del params
    if organisation_of_user(user=user) is None:
        raise Http404
    return applications_of_organisations(user=user).select_related(None)


register(
    ExportSpec(
        name="applications",
        title=gettext_lazy("全部申报"),
        headers=_application_headers,
        queryset=_staff_applications,
        fields=APPLICATION_FIELDS,
        transforms={6: _state_label, 7: local_time},
    )
)


register(
    ExportSpec(
        name="my_applications",
        title=gettext_lazy("我的申报"),
        headers=lambda: [_("年度"), *_application_headers()],
        queryset=_my_applications,
        fields=("campaign__year", *APPLICATION_FIELDS),
        transforms={7: _state_label, 8: local_time},
    )
)
