"""附件6 成果统计表 of a recommending unit: read, save the draft, submit, the stamped scan,
downloads."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema

from xinban.accounts.models import User
from xinban.api.auth import current_user, scoped
from xinban.api.common import (
    UnitId,
    binary_response,
    error_responses,
    multipart_body,
    validated_upload,
)
from xinban.api.errors import InvalidInput, ensure_valid, validation_error_messages
from xinban.api.payloads import form_data
from xinban.api.routers.reports.base import ReportYearQuery, _campaign, _unit, router
from xinban.api.routers.reports.submission import admin_target, submit_operation
from xinban.api.schemas import JsonBool, JsonCount, JsonDate, JsonMoney, JsonText
from xinban.campaigns.models import Campaign
from xinban.core import uploads
from xinban.core.roles import roles_of
from xinban.organisations.models import RecommendingUnit
from xinban.reports import documents, selectors, services
from xinban.reports.forms import StatisticsForm, StatisticsScanForm
from xinban.reports.models import FilingStatus, ReviewForm, StatisticsReport


class StatisticsItemOut(Schema):
    number: int = Field(title="序号")
    field: str = Field(title="字段")
    label: str = Field(title="统计项目")
    unit_label: str = Field(title="单位")
    declared: Decimal | None = Field(title="填报数量")
    platform: int | None = Field(title="平台数据", description="平台无该数据时为空")
    differs: bool = Field(title="与平台数据不一致")


class StatisticsOut(Schema):
    id: int | None = Field(title="统计表 id", description="尚未开始填写时为空")
    campaign_year: int = Field(title="活动年度")
    period_year: int = Field(title="统计年度", description="统计期为该年1月至12月")
    unit_id: int = Field(title="推荐单位 id")
    unit: str = Field(title="推荐单位")
    status: str = Field(title="状态", json_schema_extra={"enum": list(FilingStatus.values)})
    number: str = Field(title="编号")
    items: list[StatisticsItemOut] = Field(title="统计项目（1–8）")
    has_certified_judges: bool | None = Field(title="是否有取得中国质协评委证书的人员")
    features_and_problems: str = Field(title="主要特点与问题")
    review_forms: list[str] = Field(
        title="评审及交流形式", json_schema_extra={"items": {"enum": list(ReviewForm.values)}}
    )
    session_held: bool | None = Field(title="是否组织发表会")
    session_registered_teams: int | None = Field(title="发表会报名班组数")
    session_presented_teams: int | None = Field(title="发表班组数")
    session_time: str = Field(title="发表会时间")
    session_place: str = Field(title="发表会地点")
    session_attendees: int | None = Field(title="参会人数")
    department_and_head: str = Field(title="归口部门及负责人")
    contact_name: str = Field(title="联系人")
    contact_mobile: str = Field(title="联系人手机")
    contact_email: str = Field(title="联系人邮箱")
    address: str = Field(title="通信地址")
    postcode: str = Field(title="邮编")
    filler_name: str = Field(title="填表人")
    fill_date: date | None = Field(title="填表日期")
    submitted_at: datetime | None = Field(title="报送时间")
    problems: dict[str, str] = Field(title="报送前还缺的内容", description="字段名 → 说明")
    editable: bool = Field(title="可编辑", description="当前用户是本单位管理员且尚未报送")
    stamped_scan_name: str = Field(
        "", title="盖章统计表扫描件", description="已上传的盖章扫描件的文件名；未上传时为空"
    )
    stamped_check: str = Field(
        "",
        title="扫描件核验",
        description="verified 已核验（扫描件上的二维码与统计表一致）；unverified 未能核验"
        "（二维码无法识别）；空：未上传，或核验功能上线前上传",
        json_schema_extra={"enum": ["verified", "unverified", ""]},
    )
    stamped_version: int | None = Field(
        None, title="扫描件所属版本", description="扫描件二维码中的统计表版本"
    )


class StatisticsIn(Schema):
    """附件6 的全部填写项（整体替换：未给出的项视为空）。"""

    enterprises: JsonCount = Field(None, title="本年度开展质量信得过班组企业数（个）")
    teams: JsonCount = Field(None, title="本年度开展质量信得过班组数（个）")
    cumulative_teams: JsonCount = Field(None, title="历年质量信得过班组累计数（个）")
    participants: JsonCount = Field(None, title="本年度参与质量信得过班组活动员工数（人次）")
    recommended: JsonCount = Field(None, title="本年度推荐上海市质量信得过班组数（个）")
    funding: JsonMoney = Field(None, title="本年度活动经费投入（万元）")
    rewards: JsonMoney = Field(None, title="本年度活动奖励费用（万元）")
    has_certified_judges: JsonBool = Field(None, title="是否有取得中国质协评委证书的人员")
    certified_judges: JsonCount = Field(None, title="取得中国质协评委证书人数")
    features_and_problems: JsonText = Field(None, title="主要特点与问题")
    review_forms: Any = Field(
        None,
        title="评审及交流形式",
        json_schema_extra={
            "type": "array",
            "items": {"type": "string", "enum": list(ReviewForm.values)},
        },
    )
    session_held: JsonBool = Field(None, title="是否组织发表会")
    session_registered_teams: JsonCount = Field(None, title="发表会报名班组数")
    session_presented_teams: JsonCount = Field(None, title="发表班组数")
    session_time: JsonText = Field(None, title="发表会时间")
    session_place: JsonText = Field(None, title="发表会地点")
    session_attendees: JsonCount = Field(None, title="参会人数")
    department_and_head: JsonText = Field(None, title="归口部门及负责人")
    contact_name: JsonText = Field(None, title="联系人")
    contact_mobile: JsonText = Field(None, title="联系人手机")
    contact_email: JsonText = Field(None, title="联系人邮箱")
    address: JsonText = Field(None, title="通信地址")
    postcode: JsonText = Field(None, title="邮编")
    filler_name: JsonText = Field(None, title="填表人")
    fill_date: JsonDate = Field(None, title="填表日期", description="YYYY-MM-DD")


TRI_STATE = ("has_certified_judges", "session_held")

_STATISTICS_SCAN_PROPERTY = {
    "type": "string",
    "format": "binary",
    "title": "盖章统计表扫描件",
    "description": "打印成果统计表、加盖公章后扫描：PDF、JPG 或 PNG",
}


def _statistics_out(user: User, unit: RecommendingUnit, campaign: Campaign) -> StatisticsOut:
    report = selectors.statistics_report(unit=unit, campaign=campaign) or StatisticsReport(
        unit=unit, campaign=campaign
    )
    figures = selectors.platform_figures(unit=unit, campaign=campaign)
    editable = unit.pk in roles_of(user).unit_admin_ids and not report.is_locked
    return StatisticsOut(
        id=report.pk,
        campaign_year=campaign.year,
        period_year=figures.period_year,
        unit_id=unit.pk,
        unit=unit.name,
        status=report.status,
        number=report.number,
        items=[
            StatisticsItemOut(
                number=line.number,
                field=line.field,
                label=line.label,
                unit_label=line.unit_label,
                declared=line.declared,
                platform=line.platform,
                differs=line.differs,
            )
            for line in selectors.item_lines(report, figures)
        ],
        has_certified_judges=report.has_certified_judges,
        features_and_problems=report.features_and_problems,
        review_forms=list(report.review_forms or []),
        session_held=report.session_held,
        session_registered_teams=report.session_registered_teams,
        session_presented_teams=report.session_presented_teams,
        session_time=report.session_time_text,
        session_place=report.session_place,
        session_attendees=report.session_attendees,
        department_and_head=report.department_and_head,
        contact_name=report.contact_name,
        contact_mobile=report.contact_mobile,
        contact_email=report.contact_email,
        address=report.address,
        postcode=report.postcode,
        filler_name=report.filler_name,
        fill_date=report.fill_date,
        submitted_at=report.submitted_at,
        problems=services.statistics_problems(report) if editable and report.pk else {},
        editable=editable,
        stamped_scan_name=report.stamped_scan_name if report.stamped_scan else "",
        stamped_check=report.stamped_check if report.stamped_scan else "",
        stamped_version=report.stamped_version if report.stamped_scan else None,
    )


@router.get(
    "/units/{unit_id}/statistics-report",
    response={200: StatisticsOut, **error_responses(404)},
    summary="成果统计表（附件6）：填报数与平台数据对照",
)
def statistics_get(
    request: HttpRequest, unit_id: UnitId, query: Query[ReportYearQuery]
) -> StatisticsOut:
    user = current_user(request)
    return _statistics_out(user, _unit(user, unit_id), _campaign(query))


@router.put(
    "/units/{unit_id}/statistics-report",
    response={200: StatisticsOut, **error_responses(403, 404, 409, 422)},
    summary="保存成果统计表（附件6）草稿",
    auth=scoped("units:write"),
)
def statistics_put(
    request: HttpRequest, unit_id: UnitId, payload: StatisticsIn, query: Query[ReportYearQuery]
) -> StatisticsOut:
    user, unit, campaign = admin_target(request, unit_id, query)
    report = services.statistics_report_for(unit=unit, campaign=campaign)
    raw = payload.model_dump()
    tri = {name: raw.pop(name, None) for name in TRI_STATE}
    data, type_errors = form_data(StatisticsIn(**raw), StatisticsForm)
    for name, value in tri.items():
        if value is None:
            continue
        if isinstance(value, bool):
            data[name] = "1" if value else "0"
        else:
            type_errors[name] = [_("应为 true 或 false。")]
    form = StatisticsForm(data, instance=report)
    ensure_valid(form, type_errors)
    services.statistics_save(actor=user, report=report, data=form.cleaned_data)
    return _statistics_out(user, unit, campaign)


@submit_operation(
    "/units/{unit_id}/statistics-report/submit",
    StatisticsOut,
    summary="报送成果统计表（附件6），报送后锁定",
    description="不完整时返回 400（code: incomplete），errors 列出各缺项。",
)
def statistics_submit(
    request: HttpRequest, unit_id: UnitId, query: Query[ReportYearQuery]
) -> StatisticsOut:
    user, unit, campaign = admin_target(request, unit_id, query)
    services.statistics_submit(
        actor=user, report=services.statistics_report_for(unit=unit, campaign=campaign)
    )
    return _statistics_out(user, unit, campaign)


@router.post(
    "/units/{unit_id}/statistics-report/scan",
    response={200: StatisticsOut, **error_responses(403, 404, 409, 422)},
    summary="上传加盖公章的成果统计表（附件6）扫描件",
    description="multipart/form-data：file（PDF、JPG 或 PNG）。再次上传会替换原文件；报送前须上传。",  # noqa: E501
    openapi_extra=multipart_body({"file": _STATISTICS_SCAN_PROPERTY}, ["file"]),
    auth=scoped("units:write"),
)
def statistics_scan(
    request: HttpRequest, unit_id: UnitId, query: Query[ReportYearQuery]
) -> StatisticsOut:
    user, unit, campaign = admin_target(request, unit_id, query)
    report = services.statistics_report_for(unit=unit, campaign=campaign)
    form = validated_upload(request, StatisticsScanForm)
    try:
        services.statistics_upload_scan(actor=user, report=report, file=form.cleaned_data["file"])
    except DjangoValidationError as exc:
        raise InvalidInput(validation_error_messages(exc, field="file")) from exc
    return _statistics_out(user, unit, campaign)


def _statistics_file(
    request: HttpRequest, unit_id: int, query: ReportYearQuery, fmt: str
) -> HttpResponseBase:
    unit = _unit(current_user(request), unit_id)
    campaign = _campaign(query)
    report = selectors.statistics_report(unit=unit, campaign=campaign) or StatisticsReport(
        unit=unit, campaign=campaign
    )
    if fmt == "xlsx":
        figures = selectors.platform_figures(unit=unit, campaign=campaign)
        content, mime = (
            documents.statistics_xlsx(report, figures, documents.form6_stamp(report)),
            documents.XLSX_MIME,
        )
    else:
        content, mime = (
            documents.statistics_docx(report, documents.form6_stamp(report)),
            documents.DOCX_MIME,
        )
    return uploads.attachment_response(
        io.BytesIO(content),
        download_name=documents.form6_download_name(unit.name, fmt),
        content_type=mime,
    )


_FORM6_HELP = "附件6 成果统计表，文件名为“推荐单位+信班活动统计表”（附件6 注2）"


@router.get(
    "/units/{unit_id}/statistics-report.xlsx",
    response={200: None, **error_responses(404)},
    url_name="statistics_report_xlsx",
    summary="下载成果统计表（Excel）",
    openapi_extra=binary_response(documents.XLSX_MIME, _FORM6_HELP),
)
def statistics_xlsx(
    request: HttpRequest, unit_id: UnitId, query: Query[ReportYearQuery]
) -> HttpResponseBase:
    return _statistics_file(request, unit_id, query, "xlsx")


@router.get(
    "/units/{unit_id}/statistics-report.docx",
    response={200: None, **error_responses(404)},
    url_name="statistics_report_docx",
    summary="下载成果统计表（Word）",
    openapi_extra=binary_response(documents.DOCX_MIME, _FORM6_HELP),
)
def statistics_docx(
    request: HttpRequest, unit_id: UnitId, query: Query[ReportYearQuery]
) -> HttpResponseBase:
    return _statistics_file(request, unit_id, query, "docx")
