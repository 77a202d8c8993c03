"""The one layout both formats render: header lines, the table rows in the order of the
notice's form, the notes; checkbox lists print every option (☑ chosen, ☐ not)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from xinban.applications.documents.content import (
    BLANK,
    CHECKED,
    COMMITMENTS,
    GAP,
    INDUSTRY_EXPLANATIONS,
    NOTES,
    OTHER,
    PARTICIPATION_OPTIONS,
    UNCHECKED,
    ApplicationFormData,
    RegistrationFormData,
    clean,
)

Align = Literal["left", "center", "right"]
ParaStyle = Literal["title", "body", "small"]


@dataclass(frozen=True)
class Para:
    text: str
    align: Align = "left"
    style: ParaStyle = "body"
    space_before: float = 0.0  # points


@dataclass(frozen=True)
class Cell:
    paras: tuple[Para, ...]
    span: int = 1
    label: bool = False


@dataclass(frozen=True)
class FormLayout:
    title: str
    before: tuple[Para, ...]
    rows: tuple[tuple[Cell, ...], ...]
    after: tuple[Para, ...]
    columns: int = 4
    # Relative widths of the grid columns: label, value, label, value.
    widths: tuple[float, ...] = (0.21, 0.29, 0.21, 0.29)


def _box(checked: bool) -> str:
    return CHECKED if checked else UNCHECKED


def _other_text(value: str) -> str:
    return clean(value) or BLANK


def _options_line(options: Sequence[str], chosen: set[str], other: str = "") -> str:
    parts = []
    for option in options:
        item = f"{_box(option in chosen)}{clean(option)}"
        if option == OTHER:
            item += f"：{_other_text(other) if option in chosen else BLANK}"
        parts.append(item + INDUSTRY_EXPLANATIONS.get(option, ""))
    return GAP.join(parts)


def _label(*lines: str, span: int = 1) -> Cell:
    first, *rest = lines
    paras = (Para(first, "center"), *(Para(line, "center", "small") for line in rest))
    return Cell(paras, span=span, label=True)


def _value(text: object, span: int = 1) -> Cell:
    return Cell((Para(clean(text)),), span=span)


def _lines(lines: Sequence[str], span: int) -> Cell:
    return Cell(tuple(Para(line) for line in lines), span=span)


def _industry_lines(data: ApplicationFormData | RegistrationFormData) -> list[str]:
    chosen = set(data.industries)
    lines = []
    for group, names in data.industry_options:
        names = list(names)
        if names == [group] == [OTHER]:  # the lone "其他: ____" of the paper form
            selected = OTHER in chosen
            text = _other_text(data.industry_other) if selected else BLANK
            lines.append(f"{_box(selected)}{OTHER}：{text}")
        else:
            lines.append(f"{clean(group)}：{_options_line(names, chosen, data.industry_other)}")
    return lines


def _yes_no(value: bool | None) -> str:
    return f"{_box(value is True)}是{GAP}{_box(value is False)}否"


def _pair(label_a: str, value_a: object, label_b: str, value_b: object) -> tuple[Cell, ...]:
    return (_label(label_a), _value(value_a), _label(label_b), _value(value_b))


def form_layout(data: ApplicationFormData) -> FormLayout:
    """The whole form: header lines, table rows (4 grid columns), notes."""
    nature_line = _options_line(data.nature_options, {data.nature}, data.nature_other)
    domain_line = _options_line(data.domain_options, {data.domain})
    member = f"{_box(data.is_member is True)}是{GAP}{_box(data.is_member is False)}否"
    trainees, hours = clean(data.trainees_per_year), clean(data.training_hours_per_year)
    training = f"{trainees or '—'} / {hours or '—'}" if trainees or hours else ""
    commitments = ["组织承诺："] + [
        f"{i}）{text.format(year=data.year)}" for i, text in enumerate(COMMITMENTS, start=1)
    ]
    rows: list[tuple[Cell, ...]] = [
        (
            _label("单位名称", "（与所盖公章保持一致）"),
            _value(data.organisation_name),
            _label("会员单位"),
            _value(member),
        ),
        (_label("单位性质"), _value(nature_line, span=3)),
        (_label("重点产业", "（可多选）"), _lines(_industry_lines(data), span=3)),
        (_label("重点领域", "（单选）"), _value(domain_line, span=3)),
        _pair("质量信得过班组名称", data.team_name, "班组人数", data.team_size),
        (_label("班组类型"), _value(data.team_type, span=3)),
        _pair("详细地址", data.address, "邮编", data.postcode),
        (_label("活动归口管理部门"), _value(data.management_department, span=3)),
        _pair("活动推进者姓名", data.promoter_name, "部门及职务", data.promoter_position),
        _pair("活动推进者手机", data.promoter_mobile, "活动推进者E-mail", data.promoter_email),
        _pair("班组工作完成率%", data.completion_rate, "质量考核合格率%", data.qualification_rate),
        _pair(
            "产品/服务不合格率%",
            data.nonconformity_rate,
            "产品/服务一次合格率%",
            data.first_pass_rate,
        ),
        _pair(
            "年质量、安全事故数",
            data.accidents_per_year,
            "年顾客投诉数",
            data.complaints_per_year,
        ),
        _pair(
            "年培训人数/时数",
            training,
            "成员参与改进活动率%",
            data.improvement_participation_rate,
        ),
        _pair(
            "质量信得过班组创建普及率%",
            data.coverage_rate,
            "质量成本（万元/年）",
            data.quality_cost,
        ),
        (_lines(commitments, span=4),),
        (
            Cell(
                (
                    Para("单位盖章："),
                    Para(f"{GAP * 2}年{GAP * 2}月{GAP * 2}日", "right", space_before=36),
                ),
                span=4,
            ),
        ),
    ]
    before = (
        Para("附件3"),
        Para(data.title, "center", "title", space_before=6),
        Para(f"推荐各区/行业/集团：{clean(data.recommending_unit)}", space_before=6),
        Para(f"编号：{clean(data.number)}"),
    )
    after = tuple(
        Para(note, style="small", space_before=2 if i else 4) for i, note in enumerate(NOTES)
    )
    return FormLayout(title=data.title, before=before, rows=tuple(rows), after=after)


def registration_form_layout(data: RegistrationFormData) -> FormLayout:
    """附件2: the organisation's registration, the same table style as 附件3."""
    rows: list[tuple[Cell, ...]] = [
        (
            _label("单位名称", "（与所盖公章保持一致）"),
            _value(data.organisation_name),
            _label("会员单位"),
            _value(_yes_no(data.is_member)),
        ),
        (
            _label("单位性质"),
            _value(_options_line(data.nature_options, {data.nature}, data.nature_other), span=3),
        ),
        (_label("重点产业", "（可多选）"), _lines(_industry_lines(data), span=3)),
        (
            _label("重点领域", "（单选）"),
            _value(_options_line(data.domain_options, {data.domain}), span=3),
        ),
        _pair(
            "“专精特新”企业",
            _yes_no(data.is_specialised),
            "高新技术企业",
            _yes_no(data.is_high_tech),
        ),
        _pair("详细地址", data.address, "邮编", data.postcode),
        (_label("活动归口管理部门"), _value(data.management_department, span=3)),
        _pair("活动推进者姓名", data.promoter_name, "部门及职务", data.promoter_position),
        _pair("活动推进者手机", data.promoter_mobile, "活动推进者E-mail", data.promoter_email),
        (
            _label("申报意向"),
            _lines(
                [
                    _options_line(PARTICIPATION_OPTIONS, {data.participation}),
                    f"参加活动申报质量信得过班组建设经验：{_yes_no(data.applies_with_experience)}",
                ],
                span=3,
            ),
        ),
        (
            Cell(
                (
                    Para("单位盖章："),
                    Para(f"{GAP * 2}年{GAP * 2}月{GAP * 2}日", "right", space_before=36),
                ),
                span=4,
            ),
        ),
    ]
    before = (Para("附件2"), Para(data.title, "center", "title", space_before=6))
    return FormLayout(title=data.title, before=before, rows=tuple(rows), after=())


STAMP_QR_MM = 15
STAMP_TOP_MM = 4  # from the top edge, beside the line 附件3 and above the title
