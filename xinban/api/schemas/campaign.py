"""The campaign: its years, phases, window extensions and taxonomies."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema

from xinban.api.labels import model_field, titled
from xinban.api.schemas.common import JsonId, JsonText, TermOut
from xinban.campaigns.models import Campaign, Industry, Phase, PhaseKind
from xinban.organisations.models import RecommendingUnit


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
