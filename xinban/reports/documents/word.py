"""The Word files: 附件6 and 附件7 (推进工作总结), with page numbers and a draft mark."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from xinban.applications.documents import (
    DOCX_FONTS,
    DOCX_SIZES,
    _docx_borders,
    _docx_defaults,
    _set_fonts,
    clean,
)
from xinban.core.stamp import Stamp, docx_stamp
from xinban.reports.documents.content import (
    AUTHOR,
    DRAFT_MARK,
    EVENT_HEADERS,
    FORM6_LABEL,
    FORM6_NOTES,
    FORM7_LABEL,
    FORM7_SECTIONS,
    _form6_rows,
    _number,
    _unit_line,
    form6_period,
    form6_title,
    form7_title,
    summary_is_draft,
)
from xinban.reports.documents.excel import FORM6_WIDTHS
from xinban.reports.models import StatisticsReport, SummaryEvent, WorkSummary
from xinban.reports.selectors import MIN_SUMMARY_CHARS, summary_length

DOCX_MARGIN_MM = 20
DOCX_USABLE_MM = 210 - 2 * DOCX_MARGIN_MM


def _field(run: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) in ``run``: Word and LibreOffice fill it in."""
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, separate, shown, end):
        run._r.append(element)


def page_numbers(document: Any) -> None:
    """ "第 N 页 共 M 页" centred in every page's footer."""
    for section in document.sections:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run("第 ")
        _field(paragraph.add_run(), "PAGE")
        paragraph.add_run(" 页 共 ")
        _field(paragraph.add_run(), "NUMPAGES")
        paragraph.add_run(" 页")


def draft_header(document: Any) -> None:
    """ "草稿" at the top right of every page."""
    for section in document.sections:
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = paragraph.add_run(DRAFT_MARK)
        run.font.bold = True
        run.font.size = Pt(14)


def _new_document(title: str, subject: str) -> Any:
    document = Document()
    _docx_defaults(document)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(DOCX_MARGIN_MM)
    section.top_margin = section.bottom_margin = Mm(DOCX_MARGIN_MM)
    props = document.core_properties
    props.title = title
    props.subject = clean(subject)
    props.author = props.last_modified_by = AUTHOR
    return document


def _para(
    document: Any,
    text: str,
    *,
    style: str = "body",
    align: str = "left",
    bold: bool = False,
    space_before: float = 0,
    indent: bool = False,
) -> Any:
    paragraph = document.add_paragraph()
    if align == "center":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "justify":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if space_before:
        paragraph.paragraph_format.space_before = Pt(space_before)
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(21)
    run = paragraph.add_run(clean(text))
    if style != "body" or bold:
        run.font.size = DOCX_SIZES[style]
        run.font.bold = bold or style == "title"
        _set_fonts(run._r, DOCX_FONTS[style])
    return paragraph


def _cell_text(cell: Any, text: str, *, bold: bool = False, center: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(clean(text))
    if bold:
        run.font.bold = True


def statistics_docx(report: StatisticsReport, stamp: Stamp | None = None) -> bytes:
    """附件6 as a Word document (A4 portrait), the same table as the notice; with
    ``stamp``, its QR code in the header and its text in the footer."""
    year = report.campaign.year
    document = _new_document(form6_title(year), report.unit.name)
    _para(document, FORM6_LABEL)
    _para(document, form6_title(year), style="title", align="center", space_before=6)
    _para(document, form6_period(year), align="center")
    _para(document, f"{_unit_line(report.unit.name)}    编号：{report.number}", space_before=8)
    rows = _form6_rows(report)
    table = document.add_table(rows=len(rows), cols=6)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _docx_borders(table)
    widths = [Mm(DOCX_USABLE_MM * w / sum(FORM6_WIDTHS)) for w in FORM6_WIDTHS]
    for index, cells in enumerate(rows):
        docx_row = table.rows[index]
        for column, width in enumerate(widths):
            docx_row.cells[column].width = width
        column = 0
        for text, span in cells:
            cell = docx_row.cells[column]
            if span > 1:
                cell = cell.merge(docx_row.cells[column + span - 1])
            _cell_text(cell, _number(text), bold=index == 0, center=index == 0 or span == 1)
            column += span
    _para(document, f"填表人：{report.filler_name}", space_before=12)
    _para(
        document,
        f"填表日期：{report.fill_date.isoformat() if report.fill_date else ''}",
        space_before=4,
    )
    for i, note in enumerate(FORM6_NOTES):
        _para(document, note, style="small", space_before=2 if i else 12)
    if stamp is not None:
        docx_stamp(document, stamp, size_mm=18)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _paragraphs(document: Any, text: str) -> None:
    parts = [p.strip() for p in clean(text).split("\n") if p.strip()]
    for part in parts or [""]:
        _para(document, part, align="justify", indent=True, space_before=2)


def summary_docx(
    summary: WorkSummary, events: Sequence[SummaryEvent], *, blank_event_rows: int = 0
) -> bytes:
    """附件7 as a Word document: title, the unit, the three sections with their
    sub-points, the table of events in section 一.2. With ``blank_event_rows`` it is the
    blank form (the notice's download): no draft mark, that many empty rows to fill in."""
    year = summary.campaign.year
    document = _new_document(form7_title(year), summary.unit.name)
    page_numbers(document)
    if not blank_event_rows and summary_is_draft(summary, events):
        count, wanted = summary_length(summary, events), MIN_SUMMARY_CHARS
        draft_header(document)
        note = f"{DRAFT_MARK}：目前 {count:,} 字，要求 {wanted:,} 字以上，尚未达到报送要求。"
        _para(document, note, bold=True)
    _para(document, FORM7_LABEL)
    _para(document, form7_title(year), style="title", align="center", space_before=6)
    _para(document, f"推荐单位：{summary.unit.name}", align="center", space_before=6)
    for heading, points in FORM7_SECTIONS:
        _para(document, heading, bold=True, space_before=12)
        for key, label in points:
            _para(document, label, bold=True, space_before=6)
            if key == "events":
                table = document.add_table(rows=1, cols=len(EVENT_HEADERS))
                table.style = document.styles["Table Grid"]
                table.alignment = WD_TABLE_ALIGNMENT.CENTER
                _docx_borders(table)
                for cell, text in zip(table.rows[0].cells, EVENT_HEADERS, strict=True):
                    _cell_text(cell, text, bold=True, center=True)
                for number, event in enumerate(events, start=1):
                    cells = table.add_row().cells
                    values = (
                        str(number),
                        event.held_on_text,
                        event.place,
                        event.name,
                        event.content,
                        _number(event.participants),
                    )
                    for cell, text in zip(cells, values, strict=True):
                        _cell_text(cell, text)
                for _row in range(blank_event_rows):
                    table.add_row()
            else:
                _paragraphs(document, getattr(summary, key))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
