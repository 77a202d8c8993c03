"""统计看板 (JSON): the figures of the association's dashboard and of a recommending
unit's own, as on the pages (``dashboards:staff``, ``dashboards:unit``). Every number
comes with ``urls``: the list behind it (the page a chart's bar opens).

Who may see what: the association's dashboard is for staff (403 for everyone else); a
unit's dashboard for the unit's members and staff (404 for everyone else), and holds only
the applications submitted to that unit — the association's results (formal review,
建设经验, 典型经验, national) only for years whose results are published.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from xinban.api.auth import current_user
from xinban.api.common import UnitId, error_responses
from xinban.api.errors import InvalidInput, form_errors
from xinban.core.roles import roles_of
from xinban.dashboards import selectors
from xinban.dashboards.filters import STAFF_FIELDS, UNIT_FIELDS, FilterForm, Filters
from xinban.recommendation.selectors import unit_get_for

router = Router(tags=["统计看板"])


class DashboardSeriesOut(Schema):
    key: str = Field(title="环节", description="applied / recommended / selected …")
    label: str = Field(title="名称")
    values: list[int | None] = Field(title="数量", description="null：尚未公布")
    urls: list[str | None] = Field(title="对应清单地址")


class DashboardChartOut(Schema):
    key: str = Field(title="维度", description="unit / unit_kind / domain / nature / …")
    title: str = Field(title="标题")
    labels: list[str] = Field(title="分类")
    ids: list[int | str] = Field(title="分类 id")
    series: list[DashboardSeriesOut] = Field(title="数据系列")


class DashboardChangeOut(Schema):
    year: int = Field(title="年度")
    applied: int | None = Field(title="申报数")
    change: float | None = Field(title="较上年增减（%）")


class DashboardYearsOut(Schema):
    labels: list[str] = Field(title="年度")
    series: list[DashboardSeriesOut] = Field(title="数据系列")
    change: list[DashboardChangeOut] = Field(title="申报数同比")


class DashboardFunnelStepOut(Schema):
    key: str = Field(title="环节")
    label: str = Field(title="名称")
    value: int = Field(title="数量")
    url: str | None = Field(title="对应清单地址")
    note: str = Field(
        "",
        title="说明",
        description="recommended：推荐表（附件5）状态，推荐数含填写中的推荐名单",
    )


class DashboardPhaseOut(Schema):
    kind: str = Field(title="阶段")
    label: str = Field(title="名称")
    starts: str = Field(title="开始日期")
    ends: str = Field(title="结束日期")
    status: str = Field(title="状态", description="upcoming / open / closed")
    elapsed: int = Field(title="已过时间（%）")


class DashboardUnitProgressOut(Schema):
    unit_id: int = Field(title="推荐单位 id")
    unit: str = Field(title="推荐单位")
    applied: int = Field(title="收到申报")
    recommended: int = Field(title="已推荐")
    sheets_total: int = Field(title="评分表")
    sheets_done: int = Field(title="已提交评分表")
    percent: int = Field(title="评审进度（%）")
    report: str = Field(title="推荐表状态")
    report_status: str = Field(
        "", title="推荐表状态代码", description="draft / submitted / voided；空：未开始"
    )
    report_submitted: bool = Field(title="推荐表已报送")
    lagging: bool = Field(title="进度落后")
    url: str = Field(title="申报清单地址")
    applied_url: str = Field(title="收到申报清单地址")
    recommended_url: str = Field(title="已推荐清单地址")
    sheets_url: str | None = Field(title="评委名单地址（当前年度）")
    report_url: str | None = Field(title="推荐表地址（当前年度）")


class DashboardJudgeProgressOut(Schema):
    judge: str = Field(title="评委")
    stage: str = Field(title="评审阶段")
    unit_id: int | None = Field(title="推荐单位 id（推荐单位评审）")
    unit: str = Field(title="推荐单位（推荐单位评审）")
    total: int = Field(title="已分配")
    done: int = Field(title="已提交")
    drafts: int = Field(title="评分中")
    percent: int = Field(title="进度（%）")
    lagging: bool = Field(title="进度落后")
    url: str | None = Field(title="评委名单地址（当前年度）")


class DashboardProgressOut(Schema):
    phases: list[DashboardPhaseOut] = Field(title="阶段")
    units: list[DashboardUnitProgressOut] = Field(title="推荐单位进度")
    judges: list[DashboardJudgeProgressOut] = Field(title="评委进度")


class DashboardOut(Schema):
    year: int | None = Field(title="年度")
    scope: str = Field(title="范围", description="staff / unit")
    unit_id: int | None = Field(title="推荐单位 id")
    results_published: bool = Field(title="评价结果已发布")
    filters: dict[str, str] = Field(title="生效的筛选条件")
    funnel: list[DashboardFunnelStepOut] = Field(title="年度漏斗")
    years: DashboardYearsOut = Field(title="历年对比")
    breakdowns: list[DashboardChartOut] = Field(title="分类统计")
    progress: DashboardProgressOut = Field(title="阶段与进度")


class UnitDashboardQuery(Schema):
    year: str = Field("", title="年度", max_length=10, description="留空：最新年度")
    domain: str = Field("", title="重点领域 id", max_length=10)
    nature: str = Field("", title="单位性质 id", max_length=10)
    industry: str = Field("", title="重点产业 id", max_length=10)
    team_type: str = Field("", title="班组类型 id", max_length=10)


class StaffDashboardQuery(UnitDashboardQuery):
    unit_kind: str = Field(
        "", title="推荐单位类别", max_length=20, description="district / industry / group / …"
    )
    unit: str = Field("", title="推荐单位 id", max_length=10)


def _filters(query: Schema, fields: tuple[str, ...], opts: selectors.Options) -> Filters:
    data: dict[str, Any] = {k: v for k, v in query.dict().items() if v not in ("", None)}
    form = FilterForm(data, options=opts.choices(), fields=fields)
    if not form.is_valid():
        raise InvalidInput(form_errors(form))
    return form.filters(stage="")


@router.get(
    "/dashboards/staff",
    response={200: DashboardOut, **error_responses(403, 422)},
    summary="统计看板（协会）",
)
def staff_dashboard(request: HttpRequest, query: Query[StaffDashboardQuery]) -> dict[str, Any]:
    if not roles_of(current_user(request)).is_staff:
        raise PermissionDenied
    version = selectors.data_version()
    opts = selectors.options(version)
    filters = _filters(query, STAFF_FIELDS, opts)
    return selectors.staff_figures(filters, version=version, opts=opts)


@router.get(
    "/dashboards/units/{unit_id}",
    response={200: DashboardOut, **error_responses(404, 422)},
    summary="统计看板（推荐单位，仅本单位的申报）",
)
def unit_dashboard(
    request: HttpRequest, unit_id: UnitId, query: Query[UnitDashboardQuery]
) -> dict[str, Any]:
    unit = unit_get_for(user=current_user(request), pk=unit_id)
    version = selectors.data_version()
    opts = selectors.options(version)
    filters = _filters(query, UNIT_FIELDS, opts)
    return selectors.unit_figures(unit, filters, version=version, opts=opts)
