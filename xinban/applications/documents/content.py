"""What the 附件3 and 附件2 forms print: the options of each checkbox list, the commitments
and notes, the data a form is filled from, the printed labels and figures, the text cleaned
for printing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from xinban.campaigns import seed

OTHER = "其他"
CHECKED = "☑"
UNCHECKED = "☐"
BLANK = "＿＿＿＿＿＿"
GAP = "　"  # ideographic space between options

NATURE_OPTIONS: tuple[str, ...] = tuple(n[0] for n in seed.NATURES)
DOMAIN_OPTIONS: tuple[str, ...] = tuple(d[0] for d in seed.DOMAINS)


def _group_industries() -> tuple[tuple[str, tuple[str, ...]], ...]:
    groups: dict[str, list[str]] = {}
    for group, _group_en, name, _name_en in seed.INDUSTRIES:
        groups.setdefault(group, []).append(name)
    return tuple((group, tuple(names)) for group, names in groups.items())


INDUSTRY_OPTIONS = _group_industries()
# Explanations the paper form prints after an option.
INDUSTRY_EXPLANATIONS = {
    "社区服务": "（指以社区居民为服务对象，以满足居民日常生活基本消费、品质消费与公益服务等"
    "为目标的服务网点、门店或中心等）",
}

COMMITMENTS = (
    "自愿参加 {year} 年上海市“质量信得过班组”活动。",
    "推行《质量信得过班组建设准则》（T/CAQ10204-2017）。",
    "提交所有材料均真实、合法、有效，不存在剽窃他人活动成果、侵犯他人知识产权、伪造材料等"
    "不端及失信行为；",
    "申报建设经验内容不含《中华人民共和国保守国家秘密法》所规定的涉密内容，不存在任何违反"
    "《中华人民共和国保守国家秘密法》的情形。",
)
NOTES = (
    "注：1. 申报表纸质版需加盖公章。",
    "2. 质量信得过班组主要创建材料包括以下内容：班组人员组成，班组职责，主要工作内容、"
    "班组文化和愿景；班组基础管理情况；班组成员专业知识、技能培训、工具方法应用能力；"
    "班组质量改进和创新能力；班组管理特色、业绩和评价结果；近三年取得荣誉情况，"
    "包括班组集体和个人荣誉等。",
    "3. 请正确填写企业名称、班组名称，写全称，不要挂上级部门（企业名称以公章为准），"
    "准确无误，此为制作证书的依据。班组名称需对“班”和“组”加以区分，不能以“**班组”为名，"
    "需以“**班”、“**组”、“**工段”或“**室”等为名。",
    "4. 附件名称：单位简称+班组名称",
)


@dataclass(frozen=True, kw_only=True)
class ApplicationFormData:
    """Everything printed on the form, already as display text (indicators: "" = not
    filled). Option lists default to the notice's taxonomies; pass the campaign's own."""

    year: int
    recommending_unit: str
    number: str
    organisation_name: str
    is_member: bool | None  # None: neither box ticked (the blank form)
    nature: str
    nature_other: str = ""
    industries: Sequence[str] = ()
    industry_other: str = ""
    industry_options: Sequence[tuple[str, Sequence[str]]] = INDUSTRY_OPTIONS
    domain: str = ""
    domain_options: Sequence[str] = DOMAIN_OPTIONS
    nature_options: Sequence[str] = NATURE_OPTIONS
    team_name: str
    team_type: str = ""
    team_size: int | str = ""
    address: str = ""
    postcode: str = ""
    management_department: str = ""
    promoter_name: str = ""
    promoter_position: str = ""
    promoter_mobile: str = ""
    promoter_email: str = ""
    completion_rate: str = ""
    qualification_rate: str = ""
    nonconformity_rate: str = ""
    first_pass_rate: str = ""
    accidents_per_year: str = ""
    complaints_per_year: str = ""
    trainees_per_year: str = ""
    training_hours_per_year: str = ""
    improvement_participation_rate: str = ""
    coverage_rate: str = ""
    quality_cost: str = ""

    @property
    def title(self) -> str:
        return f"{self.year}年上海市“质量信得过班组”建设活动申报表"


# Not printed content: the option lists follow the year's taxonomies.
_NOT_CONTENT = frozenset({"industry_options", "domain_options", "nature_options"})

# What each printed field is called on the form (the refusal of docs/rules.md rule 4
# names the changed ones).
PRINTED_LABELS = {
    "year": _("活动年度"),
    "recommending_unit": _("推荐各区/行业/集团"),
    "number": _("编号"),
    "organisation_name": _("单位名称"),
    "is_member": _("会员单位"),
    "nature": _("单位性质"),
    "nature_other": _("单位性质"),
    "industries": _("重点产业"),
    "industry_other": _("重点产业"),
    "domain": _("重点领域"),
    "team_name": _("质量信得过班组名称"),
    "team_type": _("班组类型"),
    "team_size": _("班组人数"),
    "address": _("详细地址"),
    "postcode": _("邮编"),
    "management_department": _("活动归口管理部门"),
    "promoter_name": _("活动推进者姓名"),
    "promoter_position": _("部门及职务"),
    "promoter_mobile": _("活动推进者手机"),
    "promoter_email": _("活动推进者E-mail"),
    "completion_rate": _("班组工作完成率%"),
    "qualification_rate": _("质量考核合格率%"),
    "nonconformity_rate": _("产品/服务不合格率%"),
    "first_pass_rate": _("产品/服务一次合格率%"),
    "accidents_per_year": _("年质量、安全事故数"),
    "complaints_per_year": _("年顾客投诉数"),
    "trainees_per_year": _("年培训人数/时数"),
    "training_hours_per_year": _("年培训人数/时数"),
    "improvement_participation_rate": _("成员参与改进活动率%"),
    "coverage_rate": _("质量信得过班组创建普及率%"),
    "quality_cost": _("质量成本（万元/年）"),
}


def printed_content(data: ApplicationFormData) -> dict[str, object]:
    """The values the form prints, as JSON-able text (the stamp's HMAC covers them, and
    the stamped scan keeps them to tell which changed later)."""
    content: dict[str, object] = {}
    for name in PRINTED_LABELS:
        value = getattr(data, name)
        if isinstance(value, tuple | list):
            content[name] = [clean(v) for v in value]
        elif isinstance(value, bool):
            content[name] = value
        else:
            text = clean(value)
            content[name] = _canonical_number(text) if name in _FIGURES else text
    return content


_FIGURES = frozenset(
    {
        "team_size",
        "completion_rate",
        "qualification_rate",
        "nonconformity_rate",
        "first_pass_rate",
        "accidents_per_year",
        "complaints_per_year",
        "trainees_per_year",
        "training_hours_per_year",
        "improvement_participation_rate",
        "coverage_rate",
        "quality_cost",
    }
)


def _canonical_number(text: str) -> str:
    """ "12.50" and "12.5" print the same figure: one text for both."""
    try:
        number = Decimal(text)
    except ArithmeticError:
        return text
    return indicator_display(number) if number.is_finite() else text


def indicator_display(value: Decimal | int | None) -> str:
    """An indicator as printed: "" when not filled, no exponent, no trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean(text: object) -> str:
    """Text safe for XML (Word) and reportlab: no control characters, "\\n" line breaks."""
    value = "" if text is None else str(text)
    return _ILLEGAL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


PARTICIPATION_OPTIONS = ("首次参加活动", "持续参加活动")


@dataclass(frozen=True, kw_only=True)
class RegistrationFormData:
    """附件2 as printed (display text; None: neither box ticked, as on the blank form)."""

    year: int
    organisation_name: str = ""
    is_member: bool | None = None
    nature: str = ""
    nature_other: str = ""
    nature_options: Sequence[str] = NATURE_OPTIONS
    industries: Sequence[str] = ()
    industry_other: str = ""
    industry_options: Sequence[tuple[str, Sequence[str]]] = INDUSTRY_OPTIONS
    domain: str = ""
    domain_options: Sequence[str] = DOMAIN_OPTIONS
    is_specialised: bool | None = None
    is_high_tech: bool | None = None
    address: str = ""
    postcode: str = ""
    management_department: str = ""
    promoter_name: str = ""
    promoter_position: str = ""
    promoter_mobile: str = ""
    promoter_email: str = ""
    participation: str = ""  # one of PARTICIPATION_OPTIONS, or ""
    applies_with_experience: bool | None = None

    @property
    def title(self) -> str:
        return f"{self.year}年上海市“质量信得过班组”建设活动报名表"
