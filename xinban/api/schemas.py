"""Request and response schemas of the JSON API.

Titles are the official Chinese labels, taken from the models' verbose names (see
`labels`). Request bodies are validated by the *same Django forms as the pages*, so their
fields are declared loosely here (`Any`, documented with the JSON type clients should
send): a wrong type then reaches the form and comes back as the page's own, translated
field error (422) instead of a generic type error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django import forms
from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, WithJsonSchema

from xinban.api import labels
from xinban.api.labels import form_field, model_field, titled, zh
from xinban.applications.forms import ApplicationForm
from xinban.applications.models import (
    Application,
    ApplicationRevision,
    ApplicationState,
    Attachment,
    MaterialArea,
)
from xinban.campaigns.models import Campaign, Industry, Phase, PhaseKind
from xinban.organisations.forms import (
    OrganisationCreateForm,
    OrganisationRenameForm,
    RegistrationForm,
)
from xinban.organisations.models import (
    Organisation,
    Participation,
    RecommendingUnit,
    Registration,
    UnitMembership,
    UnitRole,
)
from xinban.recommendation.forms import (
    AssignForm,
    ConflictForm,
    InviteForm,
    JudgeForm,
    OnSiteForm,
    QuotaForm,
    ReasonForm,
    RecommendForm,
    ReportForm,
    SpreadForm,
)
from xinban.recommendation.models import (
    Invitation,
    InvitationRole,
    Recommendation,
    ReportStatus,
    UnitNote,
    UnitQuota,
    UnitRecommendationReport,
)
from xinban.scoring.models import (
    ConflictDeclaration,
    Criterion,
    Judge,
    ScoreSheet,
    SheetStatus,
    Stage,
)

# --- loosely validated request fields (the Django form does the checking) -----------------

_NULL = {"type": "null"}
_DECIMAL_STRING = {"type": "string", "pattern": r"^\d{1,10}(\.\d{1,2})?$"}

JsonText = Annotated[Any, WithJsonSchema({"type": "string"})]
JsonBool = Annotated[Any, WithJsonSchema({"type": "boolean"})]
JsonId = Annotated[Any, WithJsonSchema({"type": "integer", "minimum": 1})]
JsonIdList = Annotated[
    Any, WithJsonSchema({"type": "array", "items": {"type": "integer", "minimum": 1}})
]
JsonTeamSize = Annotated[Any, WithJsonSchema({"type": "integer", "minimum": 1})]
JsonCount = Annotated[Any, WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0}, _NULL]})]
JsonPercent = Annotated[
    Any,
    WithJsonSchema(
        {"anyOf": [{"type": "number", "minimum": 0, "maximum": 100}, _DECIMAL_STRING, _NULL]}
    ),
]
JsonMoney = Annotated[
    Any, WithJsonSchema({"anyOf": [{"type": "number", "minimum": 0}, _DECIMAL_STRING, _NULL]})
]
JsonParticipation = Annotated[
    Any, WithJsonSchema({"type": "string", "enum": list(Participation.values)})
]
JsonVersion = Annotated[Any, WithJsonSchema({"type": "integer", "minimum": 1})]
JsonPositive = Annotated[Any, WithJsonSchema({"type": "integer", "minimum": 1})]
JsonDate = Annotated[Any, WithJsonSchema({"anyOf": [{"type": "string", "format": "date"}, _NULL]})]
JsonEmail = Annotated[Any, WithJsonSchema({"type": "string", "format": "email"})]
JsonPoints = Annotated[
    Any,
    WithJsonSchema(
        {
            "type": "object",
            "additionalProperties": {
                "anyOf": [{"type": "number", "minimum": 0}, {"type": "string"}, _NULL]
            },
        }
    ),
]

PERCENT_HELP = '百分比，0–100，最多两位小数；可传数字或字符串（如 "98.50"）'
COUNT_HELP = "非负整数"


def _required_from(
    form_class: type[forms.Form] | type[forms.ModelForm[Any]] | None,
    *extra: str,
    names: dict[str, str] | None = None,
) -> Callable[..., None]:
    """Mark in the JSON schema the fields the form requires (documentation only: the form
    itself refuses the missing ones with its own message). ``names``: form field → body
    field, where they differ."""
    fields = form_class.base_fields.items() if form_class is not None else []
    required = [(names or {}).get(name, name) for name, field in fields if field.required]

    def update(schema: dict[str, Any], *_args: Any) -> None:
        names = [n for n in [*required, *extra] if n in schema.get("properties", {})]
        if names:
            schema["required"] = names

    return update


# --- common --------------------------------------------------------------------------------


def _as_utc(value: datetime) -> datetime:
    """A time as the database keeps it: naive input is Shanghai time, aware input is
    converted to UTC (Python accepts offsets up to ±23:59, PostgreSQL only ±15:59)."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError as exc:  # e.g. 9999-12-31T23:00-05:00 is past the year 9999
        raise ValueError("out of range") from exc


# A date and time sent to the API (ISO 8601).
InputDateTime = Annotated[datetime, AfterValidator(_as_utc)]


class ErrorOut(Schema):
    """Every refusal: a message for people, a stable code for programs."""

    detail: str = titled("说明", description="面向用户的说明（按请求语言翻译）")
    code: str | None = titled("错误代码", None, description="稳定的错误代码，供程序判断")
    field: str | None = titled("相关字段", None)
    errors: dict[str, list[str]] | None = titled(
        "字段错误", None, description="字段名 → 错误信息列表；`__all__` 为整体错误"
    )


class ValidationErrorOut(Schema):
    detail: str = titled("说明")
    errors: dict[str, list[str]] = titled(
        "字段错误", description="字段名 → 错误信息列表（与页面表单相同的校验与提示）"
    )


class TermOut(Schema):
    id: int
    name: str = titled("名称")
    label: str = titled("显示名称", description="按请求语言（中文或英文）")


# --- me ------------------------------------------------------------------------------------


class OrganisationOut(Schema):
    id: int
    name: str = model_field(Organisation, "name")
    short_name: str = model_field(Organisation, "short_name")


class RolesOut(Schema):
    organisation_ids: list[int] = titled("所属申报单位")
    unit_ids: list[int] = titled("所属推荐单位")
    unit_admin_ids: list[int] = titled("担任管理员的推荐单位")
    guiding_unit_ids: list[int] = titled("所属指导单位")
    is_staff: bool = titled("质协工作人员")


class MeOut(Schema):
    id: int
    email: str = titled("电子邮箱")
    name: str = titled("姓名")
    roles: RolesOut = titled("角色")
    organisations: list[OrganisationOut] = titled("申报单位")


# --- campaign ------------------------------------------------------------------------------


class PhaseOut(Schema):
    kind: str = model_field(Phase, "kind", json_schema_extra={"enum": list(PhaseKind.values)})
    label: str = titled("阶段名称")
    starts_at: datetime = model_field(Phase, "starts_at")
    ends_at: datetime = model_field(Phase, "ends_at")
    responsible: str = model_field(Phase, "responsible")
    status: str = titled(
        "状态",
        description="open 开放中 / upcoming 未开始 / closed 已结束（按活动统一时间窗口）",
        json_schema_extra={"enum": ["open", "upcoming", "closed"]},
    )
    open_for_me: bool = titled("对本单位开放", description="计入质协为本单位延长的时间窗口")


class CampaignOut(Schema):
    year: int = model_field(Campaign, "year")
    title: str = model_field(Campaign, "title")
    max_applications_per_org: int = model_field(Campaign, "max_applications_per_org")
    phases: list[PhaseOut] = titled("阶段")


# --- taxonomies ----------------------------------------------------------------------------


class NatureOut(TermOut):
    is_other: bool = titled("需填写说明", description="选择后须填写“单位性质（其他）”")


class IndustryOut(TermOut):
    group: str = model_field(Industry, "group")
    group_label: str = titled("分组显示名称")
    is_other: bool = titled("需填写说明", description="选择后须填写“重点产业（其他）”")


class UnitOut(Schema):
    id: int
    name: str = model_field(RecommendingUnit, "name")
    kind: str = model_field(RecommendingUnit, "kind")
    kind_label: str = titled("类别名称")


class ChoiceOut(Schema):
    value: int | str = titled("取值")
    label: str = titled("名称")


class TaxonomiesOut(Schema):
    natures: list[NatureOut] = titled("单位性质")
    industries: list[IndustryOut] = titled("重点产业")
    domains: list[TermOut] = titled("重点领域")
    team_types: list[TermOut] = titled("班组类型")
    team_name_endings: list[str] = titled(
        "班组名称后缀", description="质量信得过班组名称须以其中之一结尾，且不能以“班组”结尾"
    )
    recommending_units: list[UnitOut] = titled(
        "可选择的推荐单位", description="按本单位本年度报名表（附件2）判断可选择的推荐单位"
    )
    material_areas: list[ChoiceOut] = titled("创建材料类别", description="上传附件时的 area")
    participation: list[ChoiceOut] = titled("申报意向：参加情况")


# --- organisation & registration (附件2) ---------------------------------------------------


class OrganisationIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(OrganisationCreateForm))

    name: JsonText = model_field(
        Organisation, "name", None, description="全称，与公章保持一致；此为制作证书的依据"
    )
    short_name: JsonText = model_field(
        Organisation, "short_name", None, description="用于附件文件名“单位简称+班组名称”"
    )


class RegistrationIn(Schema):
    """附件2 报名表. Ids refer to /api/taxonomies."""

    model_config = ConfigDict(json_schema_extra=_required_from(RegistrationForm))

    is_member: JsonBool = model_field(Registration, "is_member", None)
    nature: JsonId = model_field(Registration, "nature", None, description="单位性质 id")
    nature_other: JsonText = model_field(
        Registration, "nature_other", None, description="单位性质选择“其他”时必填"
    )
    industries: JsonIdList = model_field(
        Registration, "industries", None, description="重点产业 id 列表，可多选"
    )
    industry_other: JsonText = model_field(
        Registration, "industry_other", None, description="重点产业选择“其他”时必填"
    )
    domain: JsonId = model_field(Registration, "domain", None, description="重点领域 id")
    is_specialised: JsonBool = model_field(Registration, "is_specialised", None)
    is_high_tech: JsonBool = model_field(Registration, "is_high_tech", None)
    address: JsonText = model_field(Registration, "address", None)
    postcode: JsonText = model_field(Registration, "postcode", None, description="6位数字")
    management_department: JsonText = model_field(Registration, "management_department", None)
    promoter_name: JsonText = model_field(Registration, "promoter_name", None)
    promoter_position: JsonText = model_field(Registration, "promoter_position", None)
    promoter_mobile: JsonText = model_field(
        Registration, "promoter_mobile", None, description="11位中国大陆手机号码"
    )
    promoter_email: JsonText = model_field(Registration, "promoter_email", None)
    participation: JsonParticipation = model_field(
        Registration, "participation", None, description="first 首次参加 / continuing 持续参加"
    )
    applies_with_experience: JsonBool = model_field(Registration, "applies_with_experience", None)


class RegistrationOut(Schema):
    id: int
    organisation: OrganisationOut = titled("申报单位")
    campaign_year: int = model_field(Campaign, "year")
    is_member: bool = model_field(Registration, "is_member")
    nature: int = model_field(Registration, "nature")
    nature_name: str = titled("单位性质名称")
    nature_other: str = model_field(Registration, "nature_other")
    industries: list[int] = model_field(Registration, "industries")
    industry_names: list[str] = titled("重点产业名称")
    industry_other: str = model_field(Registration, "industry_other")
    domain: int = model_field(Registration, "domain")
    domain_name: str = titled("重点领域名称")
    is_specialised: bool = model_field(Registration, "is_specialised")
    is_high_tech: bool = model_field(Registration, "is_high_tech")
    address: str = model_field(Registration, "address")
    postcode: str = model_field(Registration, "postcode")
    management_department: str = model_field(Registration, "management_department")
    promoter_name: str = model_field(Registration, "promoter_name")
    promoter_position: str = model_field(Registration, "promoter_position")
    promoter_mobile: str = model_field(Registration, "promoter_mobile")
    promoter_email: str = model_field(Registration, "promoter_email")
    participation: str = model_field(
        Registration, "participation", json_schema_extra={"enum": list(Participation.values)}
    )
    applies_with_experience: bool = model_field(Registration, "applies_with_experience")
    updated_at: datetime = titled("更新时间")


# --- application (附件3) -------------------------------------------------------------------


def _pct(name: str) -> Any:
    return model_field(Application, name, None, description=PERCENT_HELP)


def _count(name: str) -> Any:
    return model_field(Application, name, None, description=COUNT_HELP)


class ApplicationIn(Schema):
    """附件3 content. Ids refer to /api/taxonomies. A full replacement: omitted
    check-boxes count as not ticked and omitted texts as empty, as on the page."""

    model_config = ConfigDict(json_schema_extra=_required_from(ApplicationForm))

    recommending_unit: JsonId = model_field(
        Application, "recommending_unit", None, description="推荐单位 id（须为本单位可选择的）"
    )
    team_name: JsonText = model_field(
        Application,
        "team_name",
        None,
        description="写全称，不要挂上级部门；不能以“班组”为名，需以“班”“组”“工段”“室”等结尾",
    )
    team_type: JsonId = model_field(
        Application,
        "team_type",
        None,
        description="班组类型 id；同一单位同一年度各申报的班组类型不同",
    )
    team_size: JsonTeamSize = model_field(Application, "team_size", None, description="≥1")
    completion_rate: JsonPercent = _pct("completion_rate")
    qualification_rate: JsonPercent = _pct("qualification_rate")
    nonconformity_rate: JsonPercent = _pct("nonconformity_rate")
    first_pass_rate: JsonPercent = _pct("first_pass_rate")
    accidents_per_year: JsonCount = model_field(
        Application, "accidents_per_year", None, description="申报条件要求为0"
    )
    complaints_per_year: JsonCount = _count("complaints_per_year")
    trainees_per_year: JsonCount = _count("trainees_per_year")
    training_hours_per_year: JsonCount = _count("training_hours_per_year")
    improvement_participation_rate: JsonPercent = _pct("improvement_participation_rate")
    coverage_rate: JsonPercent = _pct("coverage_rate")
    quality_cost: JsonMoney = model_field(
        Application, "quality_cost", None, description="万元/年，≥0，最多两位小数"
    )
    commitment_voluntary: JsonBool = model_field(Application, "commitment_voluntary", None)
    commitment_standard: JsonBool = model_field(Application, "commitment_standard", None)
    commitment_truthful: JsonBool = model_field(Application, "commitment_truthful", None)
    commitment_secrecy: JsonBool = model_field(Application, "commitment_secrecy", None)
    eligibility_basic_unit: JsonBool = model_field(Application, "eligibility_basic_unit", None)
    eligibility_no_accidents: JsonBool = model_field(Application, "eligibility_no_accidents", None)
    material_composition: JsonText = model_field(Application, "material_composition", None)
    material_basic_management: JsonText = model_field(
        Application, "material_basic_management", None
    )
    material_skills: JsonText = model_field(Application, "material_skills", None)
    material_improvement: JsonText = model_field(Application, "material_improvement", None)
    material_results: JsonText = model_field(Application, "material_results", None)
    material_honours: JsonText = model_field(Application, "material_honours", None)


class ApplicationUpdateIn(ApplicationIn):
    model_config = ConfigDict(json_schema_extra=_required_from(ApplicationForm, "version"))

    version: JsonVersion = titled(
        "版本",
        None,
        description="读取时得到的 version；若期间已被他人修改，返回 409 且不保存",
    )


class WithdrawIn(Schema):
    reason: JsonText = titled("原因", None, description="撤回原因（可选）")


class AttachmentOut(Schema):
    id: int
    area: int = model_field(
        Attachment, "area", json_schema_extra={"enum": list(MaterialArea.values)}
    )
    area_label: str = titled("材料类别名称")
    original_name: str = model_field(Attachment, "original_name")
    content_type: str = titled("文件类型")
    size: int = titled("大小（字节）")
    sha256: str = titled("SHA-256")
    uploaded_at: datetime = titled("上传时间")
    download_url: str = titled("下载地址")


class StampedFormOut(Schema):
    name: str = titled("文件名")
    download_url: str = titled("下载地址")
    check: str = titled(
        "核验",
        description="verified 已核验（扫描件上的二维码与申报表一致）；unverified 未能核验"
        "（扫描件上的二维码无法识别）；空：核验功能上线前上传",
        json_schema_extra={"enum": ["verified", "unverified", ""]},
    )
    check_label: str = titled("核验结果")
    version: int | None = titled("扫描件所属版本", description="扫描件二维码中的申报表版本")


class ApplicationSummaryOut(Schema):
    id: int
    number: str = model_field(Application, "number")
    campaign_year: int = model_field(Campaign, "year")
    state: str = model_field(
        Application, "state", json_schema_extra={"enum": list(ApplicationState.values)}
    )
    state_label: str = titled("状态名称")
    version: int = titled("版本", description="修改时原样传回，用于防止覆盖他人的修改")
    organisation: OrganisationOut = model_field(Application, "organisation")
    recommending_unit: int = model_field(Application, "recommending_unit")
    recommending_unit_name: str = titled("推荐单位名称")
    team_name: str = model_field(Application, "team_name")
    team_type: int = model_field(Application, "team_type")
    team_type_name: str = titled("班组类型名称")
    submitted_at: datetime | None = model_field(Application, "submitted_at")
    updated_at: datetime = titled("更新时间")


class TeamHistoryEntryOut(Schema):
    """One earlier application of the team (docs/rules.md, "Each team's history")."""

    application_id: int = titled("申报 ID")
    year: int = titled("年度")
    number: str = titled("编号")
    team_name: str = titled("当年班组名称")
    unit: str = titled("推荐单位")
    state: str = titled("状态", json_schema_extra={"enum": list(ApplicationState.values)})
    state_label: str = titled("状态名称")
    result: str = titled(
        "评价结果",
        description="selected 建设经验 / typical 典型经验 / not_selected 未入选；未发布为空",
    )
    result_label: str = titled("评价结果名称")
    national: bool = titled("推荐全国质量信得过班组典型经验")
    certificate_code: str = titled("证书编号", description="无证书为空")
    certificate_url: str = titled("证书核验地址", description="无证书为空")


class ParticipationFindingOut(Schema):
    code: str = titled("代码", description="first_but_history：填写首次参加，但平台有往年申报")
    message: str = titled("说明")
    years: list[int] = titled("平台记录的往年申报年度")


class TeamHistoryOut(Schema):
    team_id: int | None = titled("班组 ID")
    team_name: str = titled("班组名称")
    entries: list[TeamHistoryEntryOut] = titled("往年申报", description="新的在前")
    participation: ParticipationFindingOut | None = titled(
        "参加情况核对",
        None,
        description="报名表（附件2）填写“首次参加活动”而平台有本单位往年申报时给出；否则为 null",
    )


class ApplicationOut(ApplicationSummaryOut):
    team_size: int = model_field(Application, "team_size")
    completion_rate: Decimal | None = _pct("completion_rate")
    qualification_rate: Decimal | None = _pct("qualification_rate")
    nonconformity_rate: Decimal | None = _pct("nonconformity_rate")
    first_pass_rate: Decimal | None = _pct("first_pass_rate")
    accidents_per_year: int | None = _count("accidents_per_year")
    complaints_per_year: int | None = _count("complaints_per_year")
    trainees_per_year: int | None = _count("trainees_per_year")
    training_hours_per_year: int | None = _count("training_hours_per_year")
    improvement_participation_rate: Decimal | None = _pct("improvement_participation_rate")
    coverage_rate: Decimal | None = _pct("coverage_rate")
    quality_cost: Decimal | None = model_field(Application, "quality_cost", None)
    commitment_voluntary: bool = model_field(Application, "commitment_voluntary")
    commitment_standard: bool = model_field(Application, "commitment_standard")
    commitment_truthful: bool = model_field(Application, "commitment_truthful")
    commitment_secrecy: bool = model_field(Application, "commitment_secrecy")
    eligibility_basic_unit: bool = model_field(Application, "eligibility_basic_unit")
    eligibility_no_accidents: bool = model_field(Application, "eligibility_no_accidents")
    material_composition: str = model_field(Application, "material_composition")
    material_basic_management: str = model_field(Application, "material_basic_management")
    material_skills: str = model_field(Application, "material_skills")
    material_improvement: str = model_field(Application, "material_improvement")
    material_results: str = model_field(Application, "material_results")
    material_honours: str = model_field(Application, "material_honours")
    attachments: list[AttachmentOut] = titled("附件")
    stamped_form: StampedFormOut | None = model_field(Application, "stamped_form", None)
    return_reason: str = model_field(Application, "return_reason")
    organisation_snapshot: dict[str, Any] = titled(
        "提交时的单位信息", description="提交时从报名表（附件2）冻结的单位信息；草稿为空"
    )
    editable: bool = titled("可修改", description="当前用户可修改且状态允许修改（草稿或退回修改）")
    can_withdraw: bool = titled("可撤回")
    stamped_form_stale: str | None = titled(
        "盖章申报表已过期",
        description="上传盖章扫描件后修改了申报表打印的内容时，说明哪些内容已修改；"
        "提交会被拒绝（code: stamped_form_stale），需重新上传",
    )
    stamped_form_changed_fields: list[str] = titled(
        "上传后已修改的打印内容", description="按申报表上的名称"
    )
    indicator_warnings: dict[str, str] = titled(
        "指标请核对",
        {},
        description="指标之间不合常理之处（如不合格率与一次合格率之和超过100%）：字段名 → 说明；"
        "提醒申报人核对、供审查人留意，不妨碍提交",
    )
    form_docx_url: str = titled("申报表（Word）下载地址")
    form_pdf_url: str = titled("申报表（PDF）下载地址")
    history: TeamHistoryOut | None = titled(
        "班组往年参加情况",
        None,
        description="同一班组往年的申报、评价结果与证书，以及首次参加的核对"
        "（docs/rules.md，“Each team's history”）",
    )


class SubmissionProblemsOut(Schema):
    complete: bool = titled("可以提交", description="无缺项（仍需在开放时间内、且状态允许）")
    problems: dict[str, str] = titled("缺项", description="字段名 → 缺少的内容")


MATERIAL_AREA_HELP = zh("；".join(f"{value} {label}" for value, label in MaterialArea.choices))


# --- recommending units ----------------------------------------------------------------------
# Request bodies are checked by the pages' forms (xinban.recommendation.forms); titles come
# from the models' verbose names, else from the forms' labels, else from `labels`.

_REPORT_STATUSES = list(ReportStatus.values)
_JUDGE_ID = {"judge": "judge_id"}
_SHEET_STATUSES = list(SheetStatus.values)


class MyUnitOut(UnitOut):
    role: str | None = model_field(
        UnitMembership,
        "role",
        None,
        description="admin 管理员 / member 工作人员；质协工作人员查看其他推荐单位时为空",
        json_schema_extra={"enum": [*UnitRole.values, None]},
    )
    is_admin: bool = titled(labels.IS_ADMIN, description="可以分配评委、推荐、填写并报送推荐表")


class ApplicationBriefOut(Schema):
    """An application as a line of a list (inbox, ranking, recommendation list)."""

    id: int
    number: str = model_field(Application, "number")
    state: str = model_field(
        Application, "state", json_schema_extra={"enum": list(ApplicationState.values)}
    )
    state_label: str = titled(labels.STATUS_LABEL)
    organisation: OrganisationOut = model_field(Application, "organisation")
    team_name: str = model_field(Application, "team_name")
    team_type: int = model_field(Application, "team_type")
    team_type_name: str = titled(labels.TEAM_TYPE_NAME)
    team_size: int = model_field(Application, "team_size")
    submitted_at: datetime | None = model_field(Application, "submitted_at")


class InboxItemOut(ApplicationBriefOut):
    sheets_total: int = titled(labels.SHEETS_TOTAL, description="分配给本单位评委的评分表数")
    sheets_done: int = titled(labels.SHEETS_DONE, description="其中评委已提交的数量")
    on_site_review: bool = model_field(UnitNote, "on_site_review")
    on_site_date: date | None = model_field(UnitNote, "on_site_date")
    recommended: bool = titled(labels.RECOMMENDED, description="已在本单位的推荐名单中")


class OnSiteOut(Schema):
    on_site_review: bool = model_field(UnitNote, "on_site_review")
    on_site_date: date | None = model_field(UnitNote, "on_site_date")
    on_site_notes: str = model_field(UnitNote, "on_site_notes")
    updated_at: datetime | None = titled(labels.UPDATED_AT)


class AssignmentOut(Schema):
    """A judge's score sheet for the application, as the unit sees it (its progress)."""

    id: int
    judge_id: int = titled(labels.JUDGE_ID)
    judge_name: str = model_field(Judge, "name")
    status: str = model_field(ScoreSheet, "status", json_schema_extra={"enum": _SHEET_STATUSES})
    status_label: str = titled(labels.STATUS_LABEL)
    total: Decimal | None = model_field(
        ScoreSheet, "total", description="该评委提交后的加权总分（0–100）"
    )
    submitted_at: datetime | None = titled(labels.SUBMITTED_AT)


class PanelChoiceOut(Schema):
    judge_id: int = titled(labels.JUDGE_ID)
    name: str = model_field(Judge, "name")
    conflict: str | None = titled(
        labels.CONFLICT, description="不能分配给该评委的原因（来自申报单位、已声明回避等）"
    )


class RevisionOut(Schema):
    number: int = titled(labels.REVISION_NUMBER)
    submitted_at: datetime = model_field(ApplicationRevision, "submitted_at")
    url: str = titled(labels.DOWNLOAD_URL, description="该版本的页面地址")


class RecommendationBriefOut(Schema):
    id: int
    opinion: str = model_field(Recommendation, "opinion")
    position: int = model_field(Recommendation, "position")


class RecommendationOut(RecommendationBriefOut):
    application: ApplicationBriefOut = titled(labels.APPLICATION)


class UnitApplicationOut(ApplicationOut):
    """An application as its recommending unit sees it: the materials, the unit's on-site
    review note, the judges assigned with their progress, the submission history."""

    on_site: OnSiteOut = titled(labels.ON_SITE)
    assignments: list[AssignmentOut] = titled(labels.ASSIGNMENTS)
    panel: list[PanelChoiceOut] = titled(labels.PANEL, description="本单位评委名单及能否分配")
    revisions: list[RevisionOut] = titled(labels.REVISIONS, description="每次提交的版本")
    recommendation: RecommendationBriefOut | None = titled(labels.RECOMMENDATION, None)


class ReturnIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(ReasonForm))

    reason: JsonText = form_field(
        ReasonForm, "reason", None, description="退回原因；申报单位会收到通知，修改后重新提交"
    )


class OnSiteIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(OnSiteForm))

    on_site_review: JsonBool = form_field(OnSiteForm, "on_site_review", None)
    on_site_date: JsonDate = form_field(
        OnSiteForm, "on_site_date", None, description="YYYY-MM-DD；需现场评审时必填"
    )
    notes: JsonText = form_field(OnSiteForm, "notes", None)


class AssignIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(AssignForm, names=_JUDGE_ID))

    judge_id: JsonId = form_field(
        AssignForm, "judge", None, description="本单位评委名单中的评委 id"
    )


class SpreadIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(SpreadForm))

    per_application: JsonPositive = form_field(
        SpreadForm, "per_application", None, description="1–15；已分配的评委计入在内"
    )


class AssignedCountOut(Schema):
    assigned: int = titled(labels.ASSIGNED_COUNT)


class JudgeIn(Schema):
    """姓名, 工作单位, TGQ 评委证书号, 通讯地址, E-mail, 手机 (附件5 评委名单)."""

    model_config = ConfigDict(json_schema_extra=_required_from(JudgeForm))

    name: JsonText = model_field(Judge, "name", None)
    employer: JsonText = model_field(Judge, "employer", None)
    tgq_number: JsonText = model_field(Judge, "tgq_number", None)
    address: JsonText = model_field(Judge, "address", None)
    email: JsonEmail = model_field(
        Judge, "email", None, description="已有该邮箱的账号则直接关联，否则发送邀请邮件"
    )
    mobile: JsonText = model_field(Judge, "mobile", None, description="11位中国大陆手机号码")


class PanelJudgeOut(Schema):
    id: int
    name: str = model_field(Judge, "name")
    employer: str = model_field(Judge, "employer")
    tgq_number: str = model_field(Judge, "tgq_number")
    address: str = model_field(Judge, "address")
    email: str = model_field(Judge, "email")
    mobile: str = model_field(Judge, "mobile")
    has_account: bool = titled(labels.HAS_ACCOUNT, description="已接受邀请，可以登录评分")
    assigned: int = titled(labels.ASSIGNED, description="本年度分配给该评委的评审数")
    submitted: int = titled(labels.SUBMITTED, description="其中已提交评分的数量")


class InviteIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(InviteForm))

    email: JsonEmail = model_field(Invitation, "email", None)
    role: Annotated[
        Any,
        WithJsonSchema({"type": "string", "enum": [InvitationRole.ADMIN, InvitationRole.MEMBER]}),
    ] = model_field(Invitation, "role", None, description="admin 管理员 / member 工作人员")


class InvitationOut(Schema):
    id: int
    email: str = model_field(Invitation, "email")
    role: str = model_field(Invitation, "role", json_schema_extra={"enum": InvitationRole.values})
    role_label: str = titled(labels.ROLE_LABEL)
    created_at: datetime = titled(labels.CREATED_AT)


class RankingRowOut(Schema):
    rank: int | None = titled(labels.RANK, description="并列同名次，下一名次顺延；无评分为空")
    score: Decimal | None = titled(
        labels.SCORE, description="评委总分的（5 位及以上评委时去掉最高最低分的）平均分，两位小数"
    )
    raw_mean: Decimal | None = titled(labels.RAW_MEAN, description="未标准化、未去分的平均分")
    judges: int = titled(labels.JUDGE_COUNT, description="已提交评分的评委人数")
    flagged: bool = titled(labels.FLAGGED, description="评委打分差异较大，建议复核")
    application: ApplicationBriefOut = titled(labels.APPLICATION)
    recommendation: RecommendationBriefOut | None = titled(labels.RECOMMENDATION, None)
    review_refusal: str | None = titled(
        "不能推荐的原因",
        None,
        description="已提交的评委评分表少于本年度最少份数时的说明（推荐须以本单位评审为依据）；可推荐时为空",
    )


class RankingOut(Schema):
    normalise: bool = titled(labels.NORMALISED, description="是否按评委标准化后计算得分")
    quota: int = titled(labels.QUOTA)
    locked: bool = titled(labels.LOCKED, description="推荐表已报送，不能再修改推荐名单")
    rows: list[RankingRowOut] = titled(labels.RANK)


class RecommendIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(RecommendForm, "application_id"))

    application_id: JsonId = titled(
        labels.APPLICATION_ID, None, description="已提交至本单位的申报 id"
    )
    opinion: JsonText = model_field(Recommendation, "opinion", None)


class OrderIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(None, "ids"))

    ids: JsonIdList = titled(
        labels.RECOMMENDATION_IDS, None, description="推荐名单中全部推荐的 id，按新的顺序排列"
    )


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


# --- judges ------------------------------------------------------------------------------------


class CriterionOut(Schema):
    id: int
    name: str = model_field(Criterion, "name")
    weight: Decimal = model_field(Criterion, "weight")
    max_points: Decimal = model_field(Criterion, "max_points")
    position: int = model_field(Criterion, "position")
    descriptor: str = model_field(Criterion, "descriptor")


class SheetSummaryOut(Schema):
    id: int
    stage: str = titled(labels.STAGE, json_schema_extra={"enum": list(Stage.values)})
    stage_label: str = titled(labels.STAGE_LABEL)
    status: str = model_field(ScoreSheet, "status", json_schema_extra={"enum": _SHEET_STATUSES})
    status_label: str = titled(labels.STATUS_LABEL)
    total: Decimal | None = model_field(ScoreSheet, "total", None)
    submitted_at: datetime | None = titled(labels.SUBMITTED_AT)
    application: ApplicationBriefOut = titled(labels.APPLICATION)


class SheetOut(Schema):
    id: int
    stage: str = titled(labels.STAGE, json_schema_extra={"enum": list(Stage.values)})
    stage_label: str = titled(labels.STAGE_LABEL)
    status: str = model_field(ScoreSheet, "status", json_schema_extra={"enum": _SHEET_STATUSES})
    status_label: str = titled(labels.STATUS_LABEL)
    editable: bool = titled(labels.EDITABLE, description="尚未提交（提交后不能再修改）")
    criteria: list[CriterionOut] = titled(labels.CRITERIA)
    points: dict[str, Decimal] = titled(labels.POINTS, description="评分项 id → 得分")
    conformity: str = model_field(ScoreSheet, "conformity")
    features: str = model_field(ScoreSheet, "features")
    shortcomings: str = model_field(ScoreSheet, "shortcomings")
    total: Decimal | None = model_field(ScoreSheet, "total", None)
    submitted_at: datetime | None = titled(labels.SUBMITTED_AT)
    application: ApplicationOut = titled(labels.APPLICATION, description="申报材料")


class SheetIn(Schema):
    """The whole sheet (a full replacement: omitted points and texts count as empty)."""

    points: JsonPoints = titled(
        labels.POINTS,
        None,
        description=(
            '评分项 id → 得分（0 至该项满分，最多一位小数），如 {"12": 13.5}；'
            "草稿可缺项，提交时每项必填。错误以字段 points_<评分项 id> 返回"
        ),
    )
    conformity: JsonText = model_field(ScoreSheet, "conformity", None)
    features: JsonText = model_field(ScoreSheet, "features", None)
    shortcomings: JsonText = model_field(ScoreSheet, "shortcomings", None)
    submit: JsonBool = titled(
        labels.SUBMIT, None, description="true 提交评分（提交后不能再修改）；省略或 false 保存草稿"
    )


class ConflictIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(ConflictForm))

    reason: JsonText = model_field(
        ConflictDeclaration, "reason", None, description="声明后，该单位尚未提交的评审任务撤回"
    )


class ConflictOut(Schema):
    organisation: OrganisationOut = model_field(ConflictDeclaration, "organisation")
    reason: str = model_field(ConflictDeclaration, "reason")
    withdrawn: bool = titled(labels.WITHDRAWN)


class InvitationAcceptedOut(Schema):
    unit: UnitOut = titled(labels.UNIT)
    role: str = model_field(Invitation, "role", json_schema_extra={"enum": InvitationRole.values})
    role_label: str = titled(labels.ROLE_LABEL)


# --- more reads and transitions (revisions, staff list, members, campaign years) ------------


class RevisionFieldOut(Schema):
    label: str = titled("项目", description="申报表上的名称")
    value: Any = titled("内容", None, description="提交时的内容")


class RevisionDetailOut(Schema):
    number: int = titled(labels.REVISION_NUMBER)
    submitted_at: datetime = model_field(ApplicationRevision, "submitted_at")
    submitted_by: str | None = titled("提交人", None)
    fields: list[RevisionFieldOut] = titled("内容", description="按申报表顺序")


class StaffApplicationRowOut(Schema):
    id: int
    number: str = model_field(Application, "number")
    team_name: str = model_field(Application, "team_name")
    state: str = model_field(
        Application, "state", json_schema_extra={"enum": list(ApplicationState.values)}
    )
    state_label: str = titled("状态名称")
    organisation_name: str = titled("申报单位")
    recommending_unit_name: str = titled("推荐单位名称")


class StaffApplicationPageOut(Schema):
    count: int = titled("符合条件的申报数")
    limit: int = titled("每页条数")
    offset: int = titled("起始位置")
    items: list[StaffApplicationRowOut] = titled("申报")


class MemberOut(Schema):
    id: int
    name: str = titled("姓名")
    email: str = titled("电子邮箱")


class FormerNameOut(Schema):
    name: str = titled("原单位名称")
    renamed_to: str = titled("改为")
    renamed_at: datetime = titled("更名时间")
    reason: str = titled("更名原因")


class MyOrganisationOut(OrganisationOut):
    members: list[MemberOut] = titled("单位成员", description="可以代表本单位申报的用户")
    former_names: list[FormerNameOut] = titled(
        "曾用名", [], description="更名记录，早的在前；往年的文件印当年的名称"
    )


class OrganisationRenameIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(OrganisationRenameForm))

    name: JsonText = titled("新的单位名称", None, description="全称，与新的公章一致")
    short_name: JsonText = titled("单位简称", None, description="不填则保留原简称")
    reason: JsonText = titled("更名原因", None)


class MemberIn(Schema):
    email: JsonEmail = titled("同事的注册邮箱", None, description="同事须已注册账号")


class CampaignYearOut(Schema):
    year: int = model_field(Campaign, "year")
    title: str = titled("活动名称")
    is_current: bool = titled("当前年度")


class WindowExtensionIn(Schema):
    organisation_id: JsonId = titled(
        "申报单位 id", None, description="为一个申报单位延长（与 unit_id 二选一）"
    )
    unit_id: JsonId = titled("推荐单位 id", None, description="为一个推荐单位延长（二选一）")
    until: JsonText = titled("延长至", None, description="ISO 8601 时间，须晚于阶段结束时间")
    reason: JsonText = titled("原因", None)


class WindowExtensionOut(Schema):
    id: int
    phase: str = titled("阶段")
    organisation_id: int | None = titled("申报单位 id", None)
    unit_id: int | None = titled("推荐单位 id", None)
    until: datetime = titled("延长至")
    reason: str = titled("原因")
