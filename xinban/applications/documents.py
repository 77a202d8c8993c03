"""The official 附件3 申报表 (application form), pre-filled, as Word and PDF.

The applicant prints it, stamps it and uploads the scan. Both formats render one layout
(:func:`form_layout`): the header lines, the table rows in the order of the notice's form
and the notes 注1–4. Checkbox lists print every option, ☑ for the chosen ones, ☐ for the
others. Commitment 1 names the campaign's own year (the 2024 notice's form prints "2023"
there by mistake).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal
from xml.sax.saxutils import escape

from django.utils.translation import gettext_lazy as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from xinban.campaigns import seed
from xinban.core.fonts import register_cjk_font, register_symbol_font
from xinban.core.stamp import Stamp, docx_stamp, draw_qr

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


# --- the layout, built once and rendered by both formats -----------------------------

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


_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean(text: object) -> str:
    """Text safe for XML (Word) and reportlab: no control characters, "\\n" line breaks."""
    value = "" if text is None else str(text)
    return _ILLEGAL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


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


# --- 附件2 报名表 -------------------------------------------------------------------------

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


def registration_form_docx(data: RegistrationFormData) -> bytes:
    return layout_docx(registration_form_layout(data), subject=data.organisation_name)


# --- Word -----------------------------------------------------------------------------

DOCX_LATIN_FONT = "Times New Roman"
DOCX_FONTS = {"title": "黑体", "body": "宋体", "small": "宋体"}  # w:eastAsia
DOCX_SIZES = {"title": Pt(16), "body": Pt(10.5), "small": Pt(9)}
DOCX_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
PAGE_MARGIN_MM = 20
PAGE_MARGIN_Y_MM = 15
DOCX_ROW_HEIGHT = Mm(6)  # at least; room to write by hand


def _set_fonts(r_pr_owner: object, east_asia: str) -> None:
    """Explicit fonts on a run or style rPr, the East Asian one included."""
    r_pr = r_pr_owner.get_or_add_rPr()  # type: ignore[attr-defined]
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, r_fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        r_fonts.attrib.pop(qn(attr), None)
    r_fonts.set(qn("w:ascii"), DOCX_LATIN_FONT)
    r_fonts.set(qn("w:hAnsi"), DOCX_LATIN_FONT)
    r_fonts.set(qn("w:eastAsia"), east_asia)
    r_fonts.set(qn("w:hint"), "eastAsia")


def _docx_defaults(document: object) -> None:
    styles = document.styles  # type: ignore[attr-defined]
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        r_pr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if r_pr is not None:
            r_fonts = r_pr.find(qn("w:rFonts"))
            if r_fonts is not None:
                for attr in list(r_fonts.attrib):
                    del r_fonts.attrib[attr]
                r_fonts.set(qn("w:ascii"), DOCX_LATIN_FONT)
                r_fonts.set(qn("w:hAnsi"), DOCX_LATIN_FONT)
                r_fonts.set(qn("w:eastAsia"), DOCX_FONTS["body"])
    normal = styles["Normal"]
    normal.font.size = DOCX_SIZES["body"]
    _set_fonts(normal.element, DOCX_FONTS["body"])
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)


def _docx_paragraph(paragraph: object, para: Para) -> None:
    p = paragraph  # docx.text.paragraph.Paragraph
    p.alignment = DOCX_ALIGN[para.align]  # type: ignore[attr-defined]
    fmt = p.paragraph_format  # type: ignore[attr-defined]
    fmt.space_before = Pt(para.space_before)
    fmt.space_after = Pt(0)
    run = p.add_run(para.text)  # type: ignore[attr-defined]
    run.font.size = DOCX_SIZES[para.style]
    run.font.bold = para.style == "title"
    _set_fonts(run._r, DOCX_FONTS[para.style])


def _docx_borders(table: object) -> None:
    tbl_pr = table._tbl.tblPr  # type: ignore[attr-defined]
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "6")
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), "000000")
        borders.append(element)
    existing = tbl_pr.find(qn("w:tblBorders"))
    if existing is not None:
        tbl_pr.remove(existing)
    tbl_pr.append(borders)


def application_form_docx(data: ApplicationFormData, stamp: Stamp | None = None) -> bytes:
    """The pre-filled 附件3 as a Word (.docx) document: A4, bordered table, 宋体; with
    ``stamp``, its QR code in the header and its text in the footer."""
    return layout_docx(form_layout(data), subject=data.team_name, keywords=data.number, stamp=stamp)


def layout_docx(
    layout: FormLayout, *, subject: str = "", keywords: str = "", stamp: Stamp | None = None
) -> bytes:
    """A form's layout (header lines, bordered table, notes) as a Word document (A4,
    宋体): 附件3 here, 附件2 (:func:`registration_form_layout`) the same way; with
    ``stamp``, its code in the header and footer."""
    document = Document()
    _docx_defaults(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(PAGE_MARGIN_MM)
    section.top_margin = section.bottom_margin = Mm(PAGE_MARGIN_Y_MM)
    props = document.core_properties
    props.title = layout.title
    props.subject = clean(subject)
    props.keywords = clean(keywords)
    props.author = props.last_modified_by = "上海市质量协会"

    header = [document.add_paragraph() for _ in layout.before]
    for paragraph, para in zip(header, layout.before, strict=True):
        _docx_paragraph(paragraph, para)
    if header:
        header[-1].paragraph_format.space_after = Pt(4)  # a little air above the table

    usable = Mm(210 - 2 * PAGE_MARGIN_MM)
    widths = [int(usable * w) for w in layout.widths]
    table = document.add_table(rows=0, cols=layout.columns)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _docx_borders(table)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in layout.rows:
        docx_row = table.add_row()
        docx_row.height = DOCX_ROW_HEIGHT
        docx_row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        cells = docx_row.cells
        for cell, width in zip(cells, widths, strict=True):
            cell.width = width
        col = 0
        for spec in row:
            cell = cells[col]
            if spec.span > 1:
                cell = cell.merge(cells[col + spec.span - 1])
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            for i, para in enumerate(spec.paras):
                _docx_paragraph(cell.paragraphs[0] if i == 0 else cell.add_paragraph(), para)
            col += spec.span

    for para in layout.after:
        _docx_paragraph(document.add_paragraph(), para)
    if stamp is not None:
        docx_stamp(document, stamp, size_mm=STAMP_QR_MM)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- PDF ------------------------------------------------------------------------------

PDF_SIZES = {"title": (16, 22), "body": (9.5, 12.5), "small": (8, 10.5)}  # size, leading
PDF_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
PDF_MARGIN = 18 * mm
PDF_MARGIN_Y = 14 * mm
# Substitutes when no installed TrueType font has the ballot boxes.
FALLBACK_BOXES = {CHECKED: "■", UNCHECKED: "□"}


def _pdf_styles(font: str) -> dict[tuple[ParaStyle, Align], ParagraphStyle]:
    styles = {}
    for style, (size, leading) in PDF_SIZES.items():
        for align, ta in PDF_ALIGN.items():
            styles[(style, align)] = ParagraphStyle(
                f"xinban-{style}-{align}",
                fontName=font,
                fontSize=size,
                leading=leading,
                alignment=ta,
                wordWrap="CJK",  # break anywhere: CJK text and long e-mails alike
            )
    return styles  # type: ignore[return-value]


def _pdf_markup(text: str, symbol_font: str | None) -> str:
    # reportlab collapses runs of whitespace, the ideographic space included; NBSP stays.
    markup = escape(text).replace("\n", "<br/>").replace(GAP, "\u00a0\u00a0")
    for box, fallback in FALLBACK_BOXES.items():
        replacement = f'<font name="{symbol_font}">{box}</font>' if symbol_font else fallback
        markup = markup.replace(box, replacement)
    return markup


STAMP_QR_MM = 15
STAMP_TOP_MM = 4  # from the top edge, beside the line 附件3 and above the title


def _pdf_stamp(stamp: Stamp, font: str) -> object:
    """The page decoration: the code at the top right (beside 附件3, clear of the
    title) and its text at the bottom right, both in the margins."""

    def decorate(pdf: object, _doc: object) -> None:
        size = STAMP_QR_MM * mm
        draw_qr(pdf, stamp, A4[0] - PDF_MARGIN - size, A4[1] - STAMP_TOP_MM * mm - size, size)
        pdf.saveState()  # type: ignore[attr-defined]
        pdf.setFont(font, 7)  # type: ignore[attr-defined]
        pdf.drawRightString(A4[0] - PDF_MARGIN, 7 * mm, stamp.footer)  # type: ignore[attr-defined]
        pdf.restoreState()  # type: ignore[attr-defined]

    return decorate


def application_form_pdf(data: ApplicationFormData, stamp: Stamp | None = None) -> bytes:
    """The pre-filled 附件3 as PDF: A4, bordered table, CJK TrueType font embedded; with
    ``stamp``, its QR code at the top right and its text in the footer."""
    layout = form_layout(data)
    font = register_cjk_font()
    symbol_font = register_symbol_font()
    styles = _pdf_styles(font)

    def flowables(para: Para) -> list[object]:
        paragraph = Paragraph(_pdf_markup(para.text, symbol_font), styles[(para.style, para.align)])
        return [Spacer(1, para.space_before), paragraph] if para.space_before else [paragraph]

    story: list[object] = []
    for para in layout.before:
        story.extend(flowables(para))
    story.append(Spacer(1, 4))

    usable = A4[0] - 2 * PDF_MARGIN
    table_data: list[list[object]] = []
    commands: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for r, row in enumerate(layout.rows):
        line: list[object] = []
        col = 0
        for spec in row:
            content: list[object] = []
            for para in spec.paras:
                content.extend(flowables(para))
            line.append(content)
            line.extend([""] * (spec.span - 1))
            if spec.span > 1:
                commands.append(("SPAN", (col, r), (col + spec.span - 1, r)))
            col += spec.span
        table_data.append(line)
    table = Table(table_data, colWidths=[usable * w for w in layout.widths], hAlign="CENTER")
    table.setStyle(TableStyle(commands))
    story.append(table)
    for para in layout.after:
        story.extend(flowables(para))

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=PDF_MARGIN,
        rightMargin=PDF_MARGIN,
        topMargin=PDF_MARGIN_Y,
        bottomMargin=PDF_MARGIN_Y,
        title=layout.title,
        subject=clean(data.team_name),
        keywords=clean(data.number),
        author="上海市质量协会",
        creator="xinban",
        initialFontName=font,  # else an unembedded Helvetica sits in every page's resources
    )
    if stamp is None:
        doc.build(story)
    else:
        decorate = _pdf_stamp(stamp, font)
        doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return out.getvalue()
