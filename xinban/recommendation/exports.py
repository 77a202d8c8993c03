"""The recommending units' exportable lists (registered with the exports app when Django
starts, see xinban.exports): a recommending unit's lists (``unit_inbox``, ``unit_ranking``,
``unit_judges``), a judge's own score sheets (``judge_sheets``) and, for the association,
推荐单位 (``staff_units``), the staff's list of units (recommendation:staff_units) with the
applications each received and recommended and its 附件5."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinban.accounts.models import User
from xinban.applications.exports import APPLICATION_FIELDS, _application_headers
from xinban.applications.models import ApplicationState
from xinban.campaigns.selectors import campaign_current, campaign_get
from xinban.core.roles import roles_of
from xinban.dashboards.filters import UNIT_STAGES_BEFORE_RESULTS, drilldown_filters, narrow
from xinban.exports.registry import (
    ExportSpec,
    Table,
    _current_campaign,
    _sheet_status_label,
    _state_label,
    local_time,
    register,
    require_staff,
)
from xinban.recommendation import selectors
from xinban.recommendation.selectors import judge_sheets, panel_members, unit_get_for
from xinban.scoring.models import Stage
from xinban.scoring.services import rubric_for


def _unit_of(user: User, params: Mapping[str, str]) -> Any:
    """The recommending unit of ``unit_pk`` as the unit's pages find it: its members and
    staff; anyone else (and a missing or malformed ``unit_pk``) 404."""
    unit_pk = params.get("unit_pk", "")
    if not unit_pk.isdigit() or len(unit_pk) > 18:
        raise Http404
    return unit_get_for(user=user, pk=int(unit_pk))


def _unit_ranking(user: User, params: Mapping[str, str]) -> Table:
    """As the unit's ranking (recommendation:ranking): this year's rankable applications
    in rank order, with the page's normalisation switch. Judges are counted, not named."""
    unit = _unit_of(user, params)  # outsiders: 404
    campaign = _current_campaign()
    rubric = rubric_for(campaign=campaign, stage=Stage.UNIT)
    normalise = params.get("normalise", "1" if rubric.normalise_judges else "0") == "1"
    entries = selectors.unit_rank_entries(unit=unit, campaign=campaign, normalise=normalise)
    flag = _("分歧大")

    def rows() -> Iterator[list[Any]]:
        for line in selectors.ranking_export_lines(entries):
            yield [
                line.rank,
                line.number,
                line.organisation_name,
                line.team_name,
                line.score,
                line.judges,
                flag if line.flagged else "",
            ]

    return Table(count=len(entries), rows=rows)


def _unit_judges(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As the unit's judges page (recommendation:judges): its panel, by name."""
    unit = _unit_of(user, params)  # outsiders: 404
    _current_campaign()  # as the page: no campaign year, no page
    return panel_members(unit=unit).select_related(None)


def _unit_inbox(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    unit = _unit_of(user, params)  # outsiders: 404
    # As the inbox (recommendation:inbox), dashboard drill-down filters included.
    drill = replace(drilldown_filters(params), unit=None, unit_kind="")
    campaign = (campaign_get(year=drill.year) if drill.year else None) or campaign_current()
    if campaign is None:
        raise Http404
    if not campaign.results_published and drill.stage not in UNIT_STAGES_BEFORE_RESULTS:
        drill = replace(drill, stage="")
    state = params.get("state", "")
    return narrow(
        selectors.unit_applications(
            unit=unit,
            campaign=campaign,
            q=params.get("q", "").strip()[:100],
            state=state if state in ApplicationState.values else "",
        )
        .order_by("number")
        .select_related(None),
        replace(drill, year=None),
    )


def _judge_sheets(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As the judge's list (recommendation:judge_home): their own unit-stage sheets."""
    del params
    if not roles_of(user).is_judge:
        raise Http404
    return judge_sheets(user=user).select_related(None)


register(
    ExportSpec(
        name="unit_inbox",
        title=gettext_lazy("推荐单位申报清单"),
        headers=_application_headers,
        queryset=_unit_inbox,
        fields=APPLICATION_FIELDS,
        transforms={6: _state_label, 7: local_time},
        unit_scoped=True,
    )
)


register(
    ExportSpec(
        name="unit_ranking",
        title=gettext_lazy("推荐单位评分排序"),
        headers=lambda: [
            _("名次"),
            _("编号"),
            _("申报单位"),
            _("班组名称"),
            _("得分"),
            _("评委数"),
            _("评委意见分歧较大"),
        ],
        table=_unit_ranking,
        unit_scoped=True,
    )
)


register(
    ExportSpec(
        name="unit_judges",
        title=gettext_lazy("推荐单位评委名单"),
        headers=lambda: [
            _("姓名"),
            _("工作单位"),
            _("TGQ评委证书号"),
            _("通讯地址"),
            _("E-mail"),
            _("手机"),
        ],
        queryset=_unit_judges,
        fields=(
            "judge__name",
            "judge__employer",
            "judge__tgq_number",
            "judge__address",
            "judge__email",
            "judge__mobile",
        ),
        unit_scoped=True,
    )
)


register(
    ExportSpec(
        name="judge_sheets",
        title=gettext_lazy("我的评审"),
        headers=lambda: [
            _("编号"),
            _("申报单位"),
            _("班组名称"),
            _("推荐单位"),
            _("年度"),
            _("状态"),
            _("得分"),
            _("提交时间"),
        ],
        queryset=_judge_sheets,
        fields=(
            "application__number",
            "application__organisation__name",
            "application__team_name",
            "application__recommending_unit__name",
            "application__campaign__year",
            "status",
            "total",
            "submitted_at",
        ),
        transforms={5: _sheet_status_label, 7: local_time},
    )
)


def _staff_units(user: User, params: Mapping[str, str]) -> Table:
    """As the page: staff (others 403), the current year (none: 404), every unit."""
    del params  # the page has no filters
    require_staff(user)
    campaign = campaign_current()
    if campaign is None:
        raise Http404
    units = selectors.units_for_staff(campaign=campaign)
    missing = _("未填写")

    def rows() -> Iterator[list[Any]]:
        for unit, report in units:
            yield [
                unit.name,
                unit.received,  # type: ignore[attr-defined]
                unit.recommended,  # type: ignore[attr-defined]
                report.get_status_display() if report else missing,
            ]

    return Table(count=len(units), rows=rows)


register(
    ExportSpec(
        name="staff_units",
        title=gettext_lazy("推荐单位"),
        headers=lambda: [_("推荐单位"), _("收到申报"), _("已推荐"), _("推荐表")],
        table=_staff_units,
    )
)
