"""The recommending units' reports (推荐报告): scans, voiding, quotas."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import ConfigDict

from xinban.api import labels
from xinban.api.labels import model_field, titled
from xinban.api.schemas.campaign import UnitOut
from xinban.api.schemas.common import JsonBool, JsonDate, JsonPositive, JsonText, _required_from
from xinban.api.schemas.recommendation import RecommendationOut
from xinban.campaigns.models import Campaign
from xinban.recommendation.forms import QuotaForm, ReasonForm, ReportForm
from xinban.recommendation.models import ReportStatus, UnitQuota, UnitRecommendationReport

_REPORT_STATUSES = list(ReportStatus.values)


class ScanOut(Schema):
    name: str = titled(labels.FILE_NAME)
    download_url: str = titled(labels.DOWNLOAD_URL)
    check: str = titled(
        "核验",
        description="verified 已核验（扫描件上的二维码与推荐表一致）；unverified 未能核验"
        "（扫描件上的二维码无法识别）；空：核验功能上线前上传",
        json_schema_extra={"enum": ["verified", "unverified", ""]},
    )
    version: int | None = titled("扫描件所属版本", description="扫描件二维码中的推荐表版本")


class ReportOut(Schema):
    """附件5 推荐表 of the unit for the current year."""

    id: int | None = titled("推荐表 id", description="本单位尚未开始填写时为空")
    campaign_year: int = model_field(Campaign, "year")
    unit: UnitOut = titled(labels.UNIT)
    status: str = model_field(
        UnitRecommendationReport, "status", json_schema_extra={"enum": _REPORT_STATUSES}
    )
    status_label: str = titled(labels.STATUS_LABEL)
    filler_name: str = model_field(UnitRecommendationReport, "filler_name")
    filler_phone: str = model_field(UnitRecommendationReport, "filler_phone")
    fill_date: date | None = model_field(UnitRecommendationReport, "fill_date")
    no_fee_declared: bool = model_field(UnitRecommendationReport, "no_fee_declared")
    declaration_accepted: bool = model_field(UnitRecommendationReport, "declaration_accepted")
    stamped_scan: ScanOut | None = model_field(UnitRecommendationReport, "stamped_scan", None)
    submitted_at: datetime | None = titled(labels.SUBMITTED_AT)
    void_reason: str = model_field(UnitRecommendationReport, "void_reason")
    voided_at: datetime | None = titled(labels.VOIDED_AT)
    quota: int = titled(labels.QUOTA)
    recommendations: list[RecommendationOut] = titled(labels.RECOMMENDATIONS)
    total_team_size: int = titled(labels.TOTAL_TEAM_SIZE)
    problems: dict[str, str] = titled(
        labels.PROBLEMS, description="报送前还缺的内容：字段名 → 说明；已报送时为空"
    )
    warnings: list[str] = titled(
        "提示",
        [],
        description=(
            "不妨碍报送的提示，如某申报单位只推荐了 1 个班组（原则上推荐 2-3 个）；已报送时为空"
        ),
    )
    editable: bool = titled(labels.EDITABLE, description="当前用户是本单位管理员且推荐表未报送")
    xlsx_url: str = titled(labels.XLSX_URL)
    docx_url: str = titled(labels.DOCX_URL)


class ReportIn(Schema):
    """附件5 的填表信息与声明 (a full replacement: omitted boxes count as not ticked)."""

    model_config = ConfigDict(json_schema_extra=_required_from(ReportForm))

    filler_name: JsonText = model_field(UnitRecommendationReport, "filler_name", None)
    filler_phone: JsonText = model_field(UnitRecommendationReport, "filler_phone", None)
    fill_date: JsonDate = model_field(
        UnitRecommendationReport, "fill_date", None, description="YYYY-MM-DD"
    )
    no_fee_declared: JsonBool = model_field(UnitRecommendationReport, "no_fee_declared", None)
    declaration_accepted: JsonBool = model_field(
        UnitRecommendationReport, "declaration_accepted", None
    )


class VoidIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(ReasonForm))

    reason: JsonText = model_field(
        UnitRecommendationReport, "void_reason", None, description="申报单位会收到通知"
    )


class QuotaIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(QuotaForm))

    per_organisation: JsonPositive = model_field(
        UnitQuota, "per_organisation", None, description="1–20"
    )
    reason: JsonText = model_field(UnitQuota, "reason", None)


class QuotaOut(Schema):
    per_organisation: int = model_field(UnitQuota, "per_organisation")
    reason: str = model_field(UnitQuota, "reason")
