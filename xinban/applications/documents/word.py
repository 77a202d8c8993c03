"""The forms as Word documents (python-docx): fonts, borders, the stamp's code."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from xinban.applications.documents.content import ApplicationFormData, RegistrationFormData, clean
from xinban.applications.documents.layout import (
    STAMP_QR_MM,
    FormLayout,
    Para,
    form_layout,
    registration_form_layout,
)
from xinban.core.stamp import Stamp, docx_stamp


def registration_form_docx(data: RegistrationFormData) -> bytes:
    return layout_docx(registration_form_layout(data), subject=data.organisation_name)


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
