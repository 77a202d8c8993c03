"""Applications (附件3): the applicant's form, attachments, stamped forms, team history,
revisions and the staff's list."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import ConfigDict

from xinban.api import labels
from xinban.api.labels import model_field, titled, zh
from xinban.api.schemas.account import OrganisationOut
from xinban.api.schemas.common import (
    COUNT_HELP,
    PERCENT_HELP,
    JsonBool,
    JsonCount,
    JsonId,
    JsonMoney,
    JsonPercent,
    JsonTeamSize,
    JsonText,
    JsonVersion,
    _required_from,
)
from xinban.applications.forms import ApplicationForm
from xinban.applications.models import (
    Application,
    ApplicationRevision,
    ApplicationState,
    Attachment,
    MaterialArea,
)
from xinban.campaigns.models import Campaign


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
    next_after: str | None = titled(
        "下一页游标",
        None,
        description="下一页的 after 参数（从本页最后一条之后开始）；没有更多申报时为 null",
    )
