"""Printing a form laid out in a spreadsheet (附件5, 附件6) on A4 (docs/documents.md,
"Printing the spreadsheets").

Neither Excel nor LibreOffice grows a row for wrapped text in merged cells, and a row
whose height was set stays at it: a form's long texts print cut off unless each row is
given the height its text needs. :func:`fit_row_heights` estimates it from the text, the
cell's width (merged cells: the width of the whole range) and its font size, the way the
text wraps on paper: a CJK or other wide character takes two character units, a Latin one
a little over one (the widths of the platform's fonts, 宋体 or Noto CJK, at 10.5 pt)."""

from __future__ import annotations

import math

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from xinban.core.text import display_width

DEFAULT_COLUMN_WIDTH = 8.43  # Excel's and LibreOffice's default, in character units
DEFAULT_FONT_SIZE = 11.0
LINE_SPACING = 1.45  # a line's height as a multiple of its font size (CJK fonts)
ROW_PADDING_PT = 4.0
MAX_ROW_HEIGHT_PT = 409.0  # Excel's limit


def _column_width(ws: Worksheet, column: int) -> float:
    dimension = ws.column_dimensions.get(get_column_letter(column))
    width = dimension.width if dimension is not None else None
    return float(width) if width else DEFAULT_COLUMN_WIDTH


def wrapped_lines(text: str, width: float, *, size: float = 10.5, bold: bool = False) -> int:
    """How many lines ``text`` takes in a cell ``width`` character units wide, at ``size``
    points: each of its own lines wraps separately."""
    scale = size / 10.5 * (1.06 if bold else 1.0)
    usable = max(width - 1.0, 1.0)  # the cell's inner margins
    if len(text) * 2 * scale <= usable and "\n" not in text:
        return 1  # fits even if every character is wide: no need to measure
    return sum(max(1, math.ceil(display_width(part) * scale / usable)) for part in text.split("\n"))


def line_height(size: float) -> float:
    return size * LINE_SPACING


def _spans(ws: Worksheet) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, first column) of each one-row merged range → its (first, last) column."""
    return {
        (r.min_row, r.min_col): (r.min_col, r.max_col)
        for r in ws.merged_cells.ranges
        if r.min_row == r.max_row
    }


def needed_height(ws: Worksheet, row: int) -> float | None:
    """The height ``row`` needs for its wrapped texts (None: no wrapped text in it)."""
    spans = _spans(ws)
    need: float | None = None
    for cell in ws[row]:
        if cell.value is None or not cell.alignment.wrap_text or not hasattr(cell, "column"):
            continue
        first, last = spans.get((row, cell.column), (cell.column, cell.column))
        width = sum(_column_width(ws, c) for c in range(first, last + 1))
        size = float(cell.font.sz or DEFAULT_FONT_SIZE)
        lines = wrapped_lines(str(cell.value), width, size=size, bold=bool(cell.font.b))
        height = lines * line_height(size) + ROW_PADDING_PT
        need = height if need is None else max(need, height)
    return need


def fit_row_heights(ws: Worksheet) -> None:
    """Give every row with wrapped text at least the height its text needs (a row set
    higher keeps its height)."""
    for row in range(1, ws.max_row + 1):
        need = needed_height(ws, row)
        if need is None:
            continue
        current = ws.row_dimensions[row].height
        if current is None or current < need:
            ws.row_dimensions[row].height = min(MAX_ROW_HEIGHT_PT, math.ceil(need))


def a4_print(ws: Worksheet, *, columns: int, landscape: bool = False) -> None:
    """A4, fitted to the page's width (as many pages down as needed), centred, the print
    area over ``columns`` columns and every used row."""
    ws.print_area = f"A1:{get_column_letter(columns)}{ws.max_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
