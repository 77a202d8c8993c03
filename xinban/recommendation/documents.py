"""The official 附件5 推荐表 (a recommending unit's recommendation form) as Excel and Word.

The unit prints it, stamps it (单位公章) and uploads the scan. Both formats follow the
notice's layout: "附件5", the title, the unit line, part 一 (the recommended teams, one row
each, and the 班组人数总计 row), part 二 (评委名单), part 三 (推荐声明, verbatim), the
填表人 / 电话 / 填表日期 lines and the notes 注1–2.

In the spreadsheet every value is text or a number, never a formula: user text goes
through :func:`xinban.core.spreadsheets.write_safe`, and the total is the computed sum.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from copy import copy, deepcopy
from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import lru_cache

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from xinban.applications.documents.content import clean
from xinban.applications.documents.word import (
    DOCX_FONTS,
    DOCX_SIZES,
    _docx_borders,
    _docx_defaults,
    _set_fonts,
)
from xinban.core.printlayout import ROW_PADDING_PT, a4_print, line_height
from xinban.core.spreadsheets import write_safe
from xinban.core.stamp import Stamp, docx_stamp, xlsx_stamp
from xinban.core.text import display_width
from xinban.core.uploads import download_name_for
from xinban.reports.documents import page_numbers  # (a long list runs over pages)

ATTACHMENT_LABEL = "附件5"
UNIT_LABEL = "推荐各区/行业/集团（单位公章）："
PART_ONE = "一、上海市质量信得过班组建设经验"
PART_TWO = "二、评委名单"
PART_THREE = "三、推荐声明"
TEAM_HEADERS = (
    "企业名称",
    "班组名称",
    "班组人数",
    "材料评价（符合标准程度/特色/不足之处）",
    "打分",
    "排序",
    "评委",
    "推荐意见",
)
TOTAL_LABEL = "班组人数总计"
JUDGE_HEADERS = ("姓名", "工作单位", "TGQ 评委证书号", "通讯地址", "E-mail", "手机")
DECLARATION = (
    "本单位遵守上海市群众性质量提升活动的有关规定，承诺遵守评审工作纪律，所提供的推荐申报"
    "材料真实有效，且不存在任何违反《中华人民共和国保守国家秘密法》等相关法律法规及侵犯他人"
    "知识产权的情形。如存在争议，将积极调查处理。如存在材料虚假或违纪行为，将承担相应责任。"
)
FILLER_LABEL = "填表人："
PHONE_LABEL = "电话："
DATE_LABEL = "填表日期："
NOTES = (
    "注：1、此表是推荐单位的正式汇总材料。",
    "2、附件名称：推荐单位+质量班组活动统计表",
)
# The notice's note 2 names the file so (literally, although it reads like 附件6's name).
FILE_SUFFIX = "质量班组活动统计表"
AUTHOR = "上海市质量协会"


@dataclass(frozen=True)
class RecommendedRow:
    """One recommended team, as printed (text already display text)."""

    enterprise: str
    team: str
    team_size: int
    conformity: str  # 符合标准程度
    features: str  # 特色
    shortcomings: str  # 不足之处
    score: str
    rank: int
    judges: str
    opinion: str

    @property
    def evaluation(self) -> str:
        """The 材料评价 cell: the three parts, one per line."""
        return (
            f"符合标准程度：{clean(self.conformity)}\n"
            f"特色：{clean(self.features)}\n"
            f"不足之处：{clean(self.shortcomings)}"
        )


@dataclass(frozen=True)
class JudgeRow:
    name: str
    employer: str
    tgq_number: str
    address: str
    email: str
    mobile: str


@dataclass(frozen=True)
class RecommendationFormData:
    year: int
    unit: str
    rows: Sequence[RecommendedRow]
    judges: Sequence[JudgeRow]
    filler_name: str
    filler_phone: str
    fill_date: str
    declaration: str = DECLARATION
    blank_rows: int = 0  # the blank form (the notice's download): empty rows to fill in

    @property
    def title(self) -> str:
        return f"{self.year}年上海市“质量信得过班组”建设经验推荐表"

    @property
    def total_team_size(self) -> int:
        return sum(row.team_size for row in self.rows)


def printed_content(data: RecommendationFormData) -> dict[str, object]:
    """What 附件5 prints, JSON-able (the stamp's HMAC covers it)."""
    content = asdict(data)
    content["total_team_size"] = data.total_team_size
    return content


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def score_value(score: str) -> Decimal | str:
    """A score as a number (two decimals) when it is one; anything else stays text."""
    text = score.strip()
    return Decimal(text).quantize(Decimal("0.01")) if _NUMBER.fullmatch(text) else score


def score_text(score: str) -> str:
    """A score as the Word form prints it: always two decimals (92.50, 88.00)."""
    value = score_value(score)
    return f"{value:.2f}" if isinstance(value, Decimal) else value


def _team_cells(row: RecommendedRow) -> tuple[str | int | Decimal, ...]:
    return (
        row.enterprise,
        row.team,
        row.team_size,
        row.evaluation,
        score_value(row.score),
        row.rank,
        row.judges,
        row.opinion,
    )


def _judge_cells(judge: JudgeRow) -> tuple[str, ...]:
    return (judge.name, judge.employer, judge.tgq_number, judge.address, judge.email, judge.mobile)


def download_name(unit: str, ext: str) -> str:
    """'闵行区质量协会质量班组活动统计表.xlsx': 推荐单位+质量班组活动统计表 (附件5, 注2).
    Characters file systems refuse become "_"; the unit is shortened first so that a very
    long name never cuts the fixed part. ValueError for an ``ext`` that is no extension."""
    return download_name_for(unit[: 100 - len(FILE_SUFFIX)], FILE_SUFFIX, "", ext)


# --- Excel ----------------------------------------------------------------------------

COLUMNS = 8  # A–H: the team table's columns
# Character widths of A–H. The judge table shares them: 姓名 A, 工作单位 B, TGQ C,
# 通讯地址 D, E-mail E:G, 手机 H.
COLUMN_WIDTHS = (24.0, 20.0, 12.0, 46.0, 8.0, 8.0, 18.0, 28.0)
JUDGE_SPANS = ((1, 1), (2, 2), (3, 3), (4, 4), (5, 7), (8, 8))  # first, last column
XLSX_FONT = "宋体"
XLSX_TITLE_FONT = "黑体"
LINE_HEIGHT_PT = 15.0
SHEET_TITLE = "推荐表"

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_STYLES = {
    "label": (Font(name=XLSX_FONT, size=10.5), None, Alignment(vertical="center")),
    "small": (Font(name=XLSX_FONT, size=9), None, Alignment(vertical="center")),
    "title": (
        Font(name=XLSX_TITLE_FONT, size=16, bold=True),
        None,
        Alignment(horizontal="center", vertical="center"),
    ),
    "heading": (Font(name=XLSX_FONT, size=11, bold=True), None, Alignment(vertical="center")),
    "paragraph": (
        Font(name=XLSX_FONT, size=10.5),
        None,
        Alignment(vertical="top", wrap_text=True),
    ),
    "header": (
        Font(name=XLSX_FONT, size=10.5, bold=True),
        _BORDER,
        Alignment(horizontal="center", vertical="center", wrap_text=True),
    ),
    "text": (
        Font(name=XLSX_FONT, size=10.5),
        _BORDER,
        Alignment(vertical="top", wrap_text=True),
    ),
    "number": (
        Font(name=XLSX_FONT, size=10.5),
        _BORDER,
        Alignment(horizontal="center", vertical="top"),
    ),
    "score": (
        Font(name=XLSX_FONT, size=10.5),
        _BORDER,
        Alignment(horizontal="center", vertical="top"),
    ),
}


# The styles whose text wraps: their font size and weight.
_WRAPPED = {
    name: (float(font.sz or 10.5), bool(font.b))
    for name, (font, _border, alignment) in _STYLES.items()
    if alignment.wrap_text
}


@lru_cache(maxsize=32)
def _fit_specs(
    styles: tuple[str, ...], widths: tuple[float, ...]
) -> tuple[tuple[float, float] | None, ...]:
    """Per cell of a row: None where the text does not wrap, else the width it wraps in
    (in the character units of its font) and its line height."""
    specs: list[tuple[float, float] | None] = []
    for style, width in zip(styles, widths, strict=True):
        if style not in _WRAPPED:
            specs.append(None)
            continue
        size, bold = _WRAPPED[style]
        scale = size / 10.5 * (1.06 if bold else 1.0)
        specs.append((max(width - 1.0, 1.0) / scale, line_height(size)))
    return tuple(specs)


class _Sheet:
    """Writes the form row by row. Every style is built once on a prototype cell and its
    style indices copied to the cells that use it: openpyxl's per-attribute assignment
    hashes the style objects for every cell, which costs more than writing the values."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 0
        self._styles: dict[str, StyleArray] = {}
        scratch = ws.cell(row=1, column=1)  # styles live in the workbook: A1 lends its cell
        for name, (font, border, alignment) in _STYLES.items():
            scratch._style = StyleArray()
            scratch.number_format = "0.00" if name == "score" else "General"
            scratch.font = font
            if border is not None:
                scratch.border = border
            scratch.alignment = alignment
            self._styles[name] = copy(scratch._style)
        scratch._style = StyleArray()

    def put(self, column: int, value: object, style: str) -> Cell:
        cell = self.ws.cell(row=self.row, column=column)
        write_safe(cell, value)
        cell._style = copy(self._styles[style])
        return cell

    def line(
        self,
        text: str,
        style: str = "label",
        *,
        height: float | None = None,
        merge: bool = False,
    ) -> None:
        """A row with one text in column A. Unwrapped text runs on over the empty cells to
        its right; ``merge`` spans it over all columns (for centring, wrapping)."""
        self.row += 1
        self.put(1, text, style)
        if merge:
            self.ws.merge_cells(
                start_row=self.row, start_column=1, end_row=self.row, end_column=COLUMNS
            )
        if height is not None:
            self.ws.row_dimensions[self.row].height = height

    def paragraph(self, text: str) -> None:
        """Wrapped text across all columns; merged cells never grow by themselves, so the
        row gets the height the text needs."""
        self.line(text, "paragraph", merge=True)
        self.fit([clean(text)], _fit_specs(("paragraph",), (sum(COLUMN_WIDTHS),)))

    def blank(self) -> None:
        self.row += 1

    def fit(self, values: Sequence[object], specs: Sequence[tuple[float, float] | None]) -> None:
        """The current row at the height its wrapped texts need (docs/forms.md, "Printing
        the spreadsheets"); ``specs`` from :func:`_fit_specs`. The estimate of
        xinban.core.printlayout.wrapped_lines, inlined: it runs for every row of long
        lists (tests/recommendation/test_documents.py times it)."""
        need = 0.0
        for value, spec in zip(values, specs, strict=True):
            if spec is None or type(value) is not str:
                continue  # numbers never wrap
            usable, line = spec
            if len(value) * 2 <= usable and "\n" not in value:
                lines = 1
            else:
                lines = 0
                for part in value.split("\n"):
                    wide = len(part) if part.isascii() else display_width(part)
                    lines += max(1, -int(-wide // usable))
            if lines * line > need:
                need = lines * line
        if need:  # each row is fitted once, when it is written
            self.ws.row_dimensions[self.row].height = math.ceil(need + ROW_PADDING_PT)

    def table_row(self, values: Sequence[object], styles: Sequence[str]) -> None:
        self.row += 1
        row, cell_at, arrays = self.row, self.ws.cell, self._styles
        for column, (value, style) in enumerate(zip(values, styles, strict=True), start=1):
            cell = cell_at(row=row, column=column)
            write_safe(cell, value)
            cell._style = copy(arrays[style])
        self.fit(values, _fit_specs(tuple(styles), COLUMN_WIDTHS))

    def spanned_row(self, values: Sequence[object], style: str) -> None:
        """A judge-table row: its six cells over the eight columns (JUDGE_SPANS)."""
        self.row += 1
        for value, (first, last) in zip(values, JUDGE_SPANS, strict=True):
            self.put(first, value, style)
            if last > first:  # openpyxl gives the covered cells the first one's borders
                self.ws.merge_cells(
                    start_row=self.row, start_column=first, end_row=self.row, end_column=last
                )
        widths = tuple(sum(COLUMN_WIDTHS[first - 1 : last]) for first, last in JUDGE_SPANS)
        self.fit(values, _fit_specs((style,) * len(widths), widths))


_TEAM_STYLES = ("text", "text", "number", "text", "score", "number", "text", "text")


def recommendation_form_xlsx(data: RecommendationFormData, stamp: Stamp | None = None) -> bytes:
    """附件5 as an Excel workbook: one sheet laid out like the paper form, A4 landscape,
    fitted to the page width, the team table's header row repeated on every page; with
    ``stamp``, its QR code at the top right and its text in the page footer."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_TITLE
    wb.properties.title = clean(data.title)
    wb.properties.subject = clean(data.unit)
    wb.properties.creator = wb.properties.lastModifiedBy = AUTHOR
    for index, width in enumerate(COLUMN_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width

    sheet = _Sheet(ws)
    sheet.line(ATTACHMENT_LABEL)
    sheet.line(data.title, "title", height=30, merge=True)
    sheet.line(f"{UNIT_LABEL}{clean(data.unit)}", height=LINE_HEIGHT_PT + 6)
    sheet.line(PART_ONE, "heading", height=LINE_HEIGHT_PT + 6)
    sheet.table_row(TEAM_HEADERS, ["header"] * COLUMNS)
    header_row = sheet.row
    ws.row_dimensions[header_row].height = 2 * LINE_HEIGHT_PT + 4
    for row in data.rows:
        sheet.table_row(_team_cells(row), _TEAM_STYLES)
    total = (None, TOTAL_LABEL, data.total_team_size, None, None, None, None, None)
    sheet.table_row(total, ("text", "header", "number", *["text"] * 5))

    sheet.blank()
    sheet.line(PART_TWO, "heading", height=LINE_HEIGHT_PT + 6)
    sheet.spanned_row(JUDGE_HEADERS, "header")
    for judge in data.judges:
        sheet.spanned_row(_judge_cells(judge), "text")

    sheet.blank()
    sheet.line(PART_THREE, "heading", height=LINE_HEIGHT_PT + 6)
    sheet.paragraph(data.declaration)
    sheet.blank()
    sheet.line(f"{FILLER_LABEL}{clean(data.filler_name)}")
    sheet.line(f"{PHONE_LABEL}{clean(data.filler_phone)}")
    sheet.line(f"{DATE_LABEL}{clean(data.fill_date)}")
    sheet.blank()
    for note in NOTES:
        sheet.line(note, "small")

    ws.print_title_rows = f"{header_row}:{header_row}"
    a4_print(ws, columns=COLUMNS, landscape=True)  # as many pages down as needed
    if stamp is not None:
        xlsx_stamp(ws, stamp, anchor=f"{get_column_letter(COLUMNS)}1", size_px=80)

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- Word -----------------------------------------------------------------------------

DOCX_PAGE_WIDTH_MM, DOCX_PAGE_HEIGHT_MM = 297, 210  # A4 landscape
DOCX_MARGIN_MM = 15
TEAM_WIDTHS = tuple(w / sum(COLUMN_WIDTHS) for w in COLUMN_WIDTHS)
JUDGE_WIDTHS = (0.12, 0.2, 0.14, 0.24, 0.17, 0.13)
_DOCX_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def _docx_text(
    paragraph: DocxParagraph,
    text: str,
    *,
    style: str = "body",
    align: str = "left",
    bold: bool = False,
    space_before: float = 0,
) -> None:
    """Text in ``paragraph``. Plain body text inherits everything from the Normal style
    (宋体/Times New Roman, 10.5 pt, no spacing; see _docx_defaults): formatting each of a
    long table's runs through python-docx would take seconds."""
    if align != "left":
        paragraph.alignment = _DOCX_ALIGN[align]
    if space_before:
        paragraph.paragraph_format.space_before = Pt(space_before)
    run = paragraph.add_run(clean(text))  # "\n" becomes a line break
    if style != "body" or bold:
        run.font.size = DOCX_SIZES[style]
        run.font.bold = bold or style == "title"
        _set_fonts(run._r, DOCX_FONTS[style])


def _docx_table(
    document: object,
    header: Sequence[str],
    body: Sequence[Sequence[str]],
    fractions: Sequence[float],
    centered: Sequence[bool] = (),
    nowrap: Sequence[bool] = (),
) -> DocxTable:
    """A bordered table: the header row (bold, centred, repeated on every page), then the
    body rows (columns flagged in ``centered`` centred, in ``nowrap`` never wrapped: a
    number or a phone number stays on one line). No row is split across pages.

    Body rows are copies of one formatted prototype row with only their text added:
    python-docx's per-cell setters take milliseconds each, too slow for long lists."""
    usable = Mm(DOCX_PAGE_WIDTH_MM - 2 * DOCX_MARGIN_MM)
    widths = [int(usable * f) for f in fractions]
    table: DocxTable = document.add_table(rows=2, cols=len(widths))  # type: ignore[attr-defined]
    table.style = document.styles["Table Grid"]  # type: ignore[attr-defined]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _docx_borders(table)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    header_row, prototype = table.rows
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_row._tr.get_or_add_trPr().append(repeat)
    for row in (header_row, prototype):
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for cell, width, value in zip(header_row.cells, widths, header, strict=True):
        cell.width = width
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _docx_text(cell.paragraphs[0], value, align="center", bold=True)
    flags = list(centered) + [False] * (len(widths) - len(centered))
    keep = list(nowrap) + [False] * (len(widths) - len(nowrap))
    for cell, width, center, whole in zip(prototype.cells, widths, flags, keep, strict=True):
        cell.width = width
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        if center:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        if whole:  # w:noWrap comes before w:vAlign in a w:tcPr
            cell._tc.get_or_add_tcPr().find(qn("w:vAlign")).addprevious(OxmlElement("w:noWrap"))
    template = prototype._tr
    for values in body:
        tr = deepcopy(template)
        template.addprevious(tr)
        for tc, value in zip(tr.tc_lst, values, strict=True):
            text = clean(value)
            if text:
                tc.p_lst[0].add_r().text = text  # "\n" becomes a line break
    template.getparent().remove(template)
    return table


def recommendation_form_docx(data: RecommendationFormData, stamp: Stamp | None = None) -> bytes:
    """附件5 as a Word document: A4 landscape, bordered tables, 宋体/黑体 East Asian fonts;
    with ``stamp``, its QR code in the header and its text in the footer."""
    document = Document()
    _docx_defaults(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(DOCX_PAGE_WIDTH_MM), Mm(DOCX_PAGE_HEIGHT_MM)
    section.left_margin = section.right_margin = Mm(DOCX_MARGIN_MM)
    section.top_margin = section.bottom_margin = Mm(DOCX_MARGIN_MM)
    props = document.core_properties
    props.title = clean(data.title)
    props.subject = clean(data.unit)
    props.author = props.last_modified_by = AUTHOR

    page_numbers(document)

    def para(
        text: str,
        *,
        style: str = "body",
        align: str = "left",
        bold: bool = False,
        space_before: float = 0,
    ) -> None:
        _docx_text(
            document.add_paragraph(),
            text,
            style=style,
            align=align,
            bold=bold,
            space_before=space_before,
        )

    para(ATTACHMENT_LABEL)
    para(data.title, style="title", align="center", space_before=6)
    para(f"{UNIT_LABEL}{data.unit}", space_before=12)
    para(PART_ONE, bold=True, space_before=6)
    team_rows = [[str(value) for value in _team_cells(row)] for row in data.rows]
    team_rows += [[""] * len(TEAM_HEADERS) for _row in range(data.blank_rows)]
    total = "" if data.blank_rows and not data.rows else str(data.total_team_size)  # blank form
    team_rows.append(["", TOTAL_LABEL, total, "", "", "", "", ""])
    numbers = (False, False, True, False, True, True, False, False)
    team_table = _docx_table(document, TEAM_HEADERS, team_rows, TEAM_WIDTHS, numbers, numbers)
    team_table.rows[-1].cells[1].paragraphs[0].runs[0].font.bold = True  # 班组人数总计

    para(PART_TWO, bold=True, space_before=12)
    judge_rows = [_judge_cells(judge) for judge in data.judges]
    judge_rows += [("",) * len(JUDGE_HEADERS) for _row in range(data.blank_rows)]
    phones = (False, False, True, False, False, True)  # TGQ 证书号, 手机
    _docx_table(document, JUDGE_HEADERS, judge_rows, JUDGE_WIDTHS, nowrap=phones)

    para(PART_THREE, bold=True, space_before=12)
    declaration = document.add_paragraph()
    _docx_text(declaration, data.declaration, align="justify", space_before=4)
    declaration.paragraph_format.first_line_indent = Pt(21)  # two characters
    para(f"{FILLER_LABEL}{data.filler_name}", space_before=12)
    para(f"{PHONE_LABEL}{data.filler_phone}", space_before=4)
    para(f"{DATE_LABEL}{data.fill_date}", space_before=4)
    for i, note in enumerate(NOTES):
        para(note, style="small", space_before=2 if i else 12)
    if stamp is not None:
        docx_stamp(document, stamp, size_mm=18)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
