"""Small helpers for every spreadsheet the platform writes (openpyxl).

Cell values come from users (organisation and team names, free text), so a value like
``=cmd|' /C calc'!A0`` or ``@SUM(1)`` must arrive in the file as text, never as a formula:
openpyxl stores any string starting with "=" as a formula, and a text cell starting with
= + - @ (or a tab / carriage return before one of them) becomes a live formula as soon as
somebody edits it or the sheet is saved as CSV and reopened ("CSV/formula injection",
OWASP). :func:`safe_cell` prefixes such text with an apostrophe, the common practice;
:func:`write_safe` also pins the cell's type to text.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TypeAlias

from openpyxl.cell.cell import Cell

CellValue: TypeAlias = str | int | float | Decimal | bool | dt.datetime | dt.date | dt.time | None

FORMULA_TRIGGERS = ("=", "+", "-", "@")
QUOTE = "'"
MAX_CELL_CHARS = 32_767  # Excel's limit for a cell's text

# Characters XML 1.0 (and so xlsx) cannot hold: C0 controls except tab and line breaks,
# lone surrogates, the two non-characters. DEL is legal but invisible: dropped too.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# A plain number written as text ("-5", "+3.25") cannot run anything: left alone.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def safe_text(value: object) -> str:
    """Any value as cell text: "" for None, no characters XML refuses, "\\n" line breaks,
    at most Excel's 32,767 characters, and an apostrophe in front when it would start a
    formula."""
    text = "" if value is None else str(value)
    if _plain(text):
        return text
    text = _ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    # Whitespace first does not help: CSV readers and users' edits strip it.
    stripped = text.strip()
    if (
        len(text) > 1
        and stripped.startswith(FORMULA_TRIGGERS)
        and not _PLAIN_NUMBER.fullmatch(stripped)
    ):
        text = QUOTE + text
    return text[:MAX_CELL_CHARS]


_TRIGGERS = frozenset(FORMULA_TRIGGERS)


def _plain(text: str) -> bool:
    """The common case, cheaply: printable text (no control, surrogate or non-character),
    not starting with a formula trigger or a space, short enough: kept as it is."""
    return (
        text.isprintable()
        and text[:1] not in _TRIGGERS
        and not text[:1].isspace()
        and len(text) <= MAX_CELL_CHARS
    )


def safe_cell(value: object) -> CellValue:
    """``value`` as a cell may hold it: numbers, booleans, dates and None unchanged (they
    cannot be formulas), everything else as :func:`safe_text`."""
    if type(value) is str:  # most cells: checked before the other types
        return value if _plain(value) else safe_text(value)
    if value is None or isinstance(
        value, int | float | Decimal | dt.datetime | dt.date | dt.time
    ):  # bool is an int
        return value  # type: ignore[return-value]
    return safe_text(value)


def write_safe(cell: Cell, value: object) -> Cell:
    """Put :func:`safe_cell` of ``value`` into ``cell``; text stays text (type "s") even
    when it reads like an error code such as "#N/A"."""
    safe = safe_cell(value)
    cell.value = safe
    if isinstance(safe, str):
        cell.data_type = "s"
    return cell
