"""The 附件3 form as PDF (reportlab): styles, the CJK and symbol fonts, the stamp's QR code."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from xinban.applications.documents.content import (
    CHECKED,
    GAP,
    UNCHECKED,
    ApplicationFormData,
    clean,
)
from xinban.applications.documents.layout import (
    STAMP_QR_MM,
    STAMP_TOP_MM,
    Align,
    Para,
    ParaStyle,
    form_layout,
)
from xinban.core.fonts import register_cjk_font, register_symbol_font
from xinban.core.stamp import Stamp, draw_qr

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
