"""For association staff: who has filed 附件5/6/7, the reminder e-mail, the roll-up of 附件6."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import Field, Query, Schema

from xinban.accounts.models import User
from xinban.api.auth import current_user, scoped
from xinban.api.common import binary_response, error_responses
from xinban.api.routers.reports.base import ReportYearQuery, _campaign, router
from xinban.core import uploads
from xinban.core.roles import roles_of
from xinban.reports import documents, selectors, services


def _staff(user: User) -> None:
    if not roles_of(user).is_staff:
        raise PermissionDenied


class UnitFilingOut(Schema):
    unit_id: int = Field(title="推荐单位 id")
    unit: str = Field(title="推荐单位")
    form5: str | None = Field(title="推荐表（附件5）状态")
    form6: str | None = Field(title="成果统计表（附件6）状态")
    form7: str | None = Field(title="工作总结（附件7）状态")
    missing: list[str] = Field(title="尚未报送")


class FilingRemindedOut(Schema):
    units: list[str] = Field(title="已提醒的推荐单位")


class StatisticsRollupRowOut(Schema):
    unit_id: int = Field(title="推荐单位 id")
    unit: str = Field(title="推荐单位")
    submitted: bool = Field(title="已报送")
    values: dict[str, Decimal | int | None] = Field(title="填报数（仅已报送）")
    platform: dict[str, int] = Field(title="平台数据")


class StatisticsRollupOut(Schema):
    campaign_year: int = Field(title="活动年度")
    submitted: int = Field(title="已报送单位数")
    totals: dict[str, Decimal | int] = Field(title="合计（仅已报送）")
    platform_totals: dict[str, int] = Field(title="平台数据合计")
    review_form_counts: dict[str, int] = Field(title="评审及交流形式（采用的单位数）")
    sessions_held: int = Field(title="组织发表会的单位数")
    rows: list[StatisticsRollupRowOut] = Field(title="各推荐单位")


@router.get(
    "/reports/filings",
    response={200: list[UnitFilingOut], **error_responses(403, 404)},
    summary="各推荐单位附件5、6、7报送情况（质协工作人员）",
)
def filings(request: HttpRequest, query: Query[ReportYearQuery]) -> list[UnitFilingOut]:
    _staff(current_user(request))
    return [
        UnitFilingOut(
            unit_id=row.unit.pk,
            unit=row.unit.name,
            form5=row.form5,
            form6=row.form6,
            form7=row.form7,
            missing=row.missing,
        )
        for row in selectors.filing_rows(_campaign(query))
    ]


@router.post(
    "/reports/reminders",
    response={200: FilingRemindedOut, **error_responses(403, 404)},
    summary="一键提醒未报送齐全的推荐单位（邮件，质协工作人员）",
    auth=scoped("staff:write"),
)
def reminders(request: HttpRequest, query: Query[ReportYearQuery]) -> FilingRemindedOut:
    user = current_user(request)
    _staff(user)
    return FilingRemindedOut(units=services.reminders_send(actor=user, campaign=_campaign(query)))


@router.get(
    "/reports/statistics-rollup",
    response={200: StatisticsRollupOut, **error_responses(403, 404)},
    summary="成果统计表（附件6）汇总（质协工作人员）",
)
def rollup(request: HttpRequest, query: Query[ReportYearQuery]) -> StatisticsRollupOut:
    _staff(current_user(request))
    data = selectors.statistics_rollup(_campaign(query))
    return StatisticsRollupOut(
        campaign_year=data.campaign.year,
        submitted=data.submitted,
        totals=data.totals,
        platform_totals=data.platform_totals,
        review_form_counts=data.review_form_counts,
        sessions_held=data.sessions_held,
        rows=[
            StatisticsRollupRowOut(
                unit_id=row.unit.pk,
                unit=row.unit.name,
                submitted=row.submitted,
                values={name: row.value(name) for name in selectors.ROLLUP_NUMBERS},
                platform={name: int(getattr(row.figures, name)) for name in selectors.KNOWN_ITEMS},
            )
            for row in data.rows
        ],
    )


@router.get(
    "/reports/statistics-rollup.xlsx",
    response={200: None, **error_responses(403, 404)},
    url_name="statistics_rollup_xlsx",
    summary="导出成果统计表（附件6）汇总（Excel，质协工作人员）",
    openapi_extra=binary_response(documents.XLSX_MIME, "附件6 汇总"),
)
def rollup_xlsx(request: HttpRequest, query: Query[ReportYearQuery]) -> HttpResponseBase:
    _staff(current_user(request))
    campaign = _campaign(query)
    return uploads.attachment_response(
        io.BytesIO(documents.rollup_xlsx(selectors.statistics_rollup(campaign))),
        download_name=f"{campaign.year}年信班活动统计表汇总.xlsx",
        content_type=documents.XLSX_MIME,
    )
