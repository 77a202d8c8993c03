"""Writing a list as .xlsx in constant memory: openpyxl's write-only workbook streams rows
into its temporary parts as they come (nothing is kept per row), the finished file is
spooled to a temporary file and sent from there in blocks. Every text cell goes through
xinban.core.spreadsheets.safe_cell, so nothing a user typed ever runs as a formula.

Every list opens readable (docs/exports.md, "How a list looks"): a bold header row frozen
at A2, an auto-filter over the whole list, booleans as 是/否, dates and numbers as real
dates and numbers, and column widths fitted to the content. A write-only sheet writes its
column widths and frozen pane before its first row, so the widths are measured from the
header and the first :data:`MEASURED_ROWS` rows, which are held back until then (a few
hundred rows at most, whatever the length of the list); the filter's range is known at the
end and written with the sheet's tail."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, islice
from typing import IO, Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from xinban.core.spreadsheets import FORMULA_TRIGGERS, MAX_CELL_CHARS, safe_cell
from xinban.core.text import display_width

Progress = Callable[[int], None]


def write_xlsx(
    out: IO[bytes],
    *,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    progress: Progress | None = None,
    every: int = 500,
) -> int:
    """Write the sheet to ``out``; returns the number of rows (headers excluded)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    yes, no = _("是"), _("否")
    iterator = iter(rows)
    first = [_cell_values(row, yes, no) for row in islice(iterator, MEASURED_ROWS)]
    header = [safe_cell(h) for h in headers]
    format_list_sheet(sheet, header, first)
    count = 0
    append = sheet.append
    for row in chain(first, (_cell_values(row, yes, no) for row in iterator)):
        append(row)
        count += 1
        if progress is not None and count % every == 0:
            progress(count)
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    workbook.save(out)
    return count


# The cell types safe_cell keeps as they are (exact types: a subclass takes safe_cell's
# own path), and the first characters that keep a printable text from being plain (the
# only printable whitespace is the space; tests/exports/test_cells_unchanged.py).
_AS_IS = frozenset({int, float, Decimal, dt.datetime, dt.date, dt.time, type(None)})
_NOT_FIRST = frozenset((*FORMULA_TRIGGERS, " "))


def _cell_values(row: Sequence[Any], yes: str, no: str) -> list[Any]:
    """``row`` as its cells hold it: booleans as ``yes``/``no``, everything else as
    :func:`safe_cell` gives it, without a call per cell for the common cells (plain text,
    numbers, dates, empty) — the export's own work per cell (docs/benchmarks.md,
    ``export_*``)."""
    return [
        value
        if (kind := type(value)) is str
        and value.isprintable()
        and value[:1] not in _NOT_FIRST
        and len(value) <= MAX_CELL_CHARS
        else value
        if kind in _AS_IS
        else (yes if value else no)
        if kind is bool
        else safe_cell(value)
        for value in row
    ]


# The rows the column widths are measured from (with the header).
MEASURED_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 6, 60
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def cell_width(value: Any) -> int:
    """The width a value needs in a cell, in Excel's character units: a CJK or other
    wide character counts two, a date and time as it is shown."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 19 if (value.hour, value.minute, value.second) != (0, 0, 0) else 10
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, str):
        return max((display_width(line) for line in value.split("\n")), default=0)
    return len(str(value))


def column_widths(header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> list[float]:
    """Each column's width: the widest of its header (bold: a little wider) and its
    values in ``rows``, plus a margin, between MIN_WIDTH and MAX_WIDTH."""
    widths = [cell_width(h) * 1.1 + 2 for h in header]
    for row in rows:
        for index, value in enumerate(row[: len(widths)]):
            need = cell_width(value) + 2
            if need > widths[index]:
                widths[index] = need
    return [round(min(max(w, MIN_WIDTH), MAX_WIDTH), 1) for w in widths]


def format_list_sheet(
    sheet: WriteOnlyWorksheet,
    header: Sequence[Any],
    first_rows: Sequence[Sequence[Any]],
    *,
    above: Sequence[Sequence[Any]] = (),
) -> None:
    """Before anything is written to the write-only ``sheet``: widths fitted to ``header``
    and ``first_rows``, the ``above`` lines (a title) and the header row appended, the
    header in bold and frozen. The caller sets ``sheet.auto_filter.ref`` once the rows are
    written (the header is row ``len(above) + 1``)."""
    for index, width in enumerate(column_widths(header, first_rows), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{len(above) + 2}"
    for line in above:
        sheet.append(list(line))
    bold = Font(bold=True)
    middle = Alignment(vertical="center")
    row = []
    for value in header:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = bold
        cell.fill = HEADER_FILL
        cell.alignment = middle
        row.append(cell)
    sheet.append(row)


def spooled_xlsx(**kwargs: Any) -> IO[bytes]:
    """The workbook in a temporary file, rewound (closed when the response is done)."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    write_xlsx(spool, **kwargs)
    spool.seek(0)
    return spool


# --- the generic helper: a queryset and its columns, as an .xlsx download ---------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PerExport:
    """A transform of a column's values that reads its context (the time zone, the
    language) once per export, not once per row: ``bind()`` gives the function for the
    export about to be written. Called directly it converts one value in the context in
    force (docs/benchmarks.md, ``export_*``, session 10)."""

    def __init__(self, bind: Callable[[], Callable[[Any], Any]]) -> None:
        self.bind = bind

    def __call__(self, value: Any) -> Any:
        return self.bind()(value)


def bound(transform: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``transform`` as it applies to every row of the export about to be written."""
    return transform.bind() if isinstance(transform, PerExport) else transform


@dataclass(frozen=True)
class Column:
    """One column of an export: its header (text or lazy text), the ``values_list`` path
    of its value (``"organisation__name"``) and an optional transform of each value (a
    label for a choice, a local time for a datetime)."""

    header: Any
    field: str
    transform: Callable[[Any], Any] | None = None


def queryset_rows(
    queryset: QuerySet[Any], columns: Sequence[Column], *, chunk_size: int = 2000
) -> Iterator[list[Any]]:
    """The rows of ``queryset`` as lists of the columns' values, read in chunks with a
    server-side cursor where the database has one (nothing is kept per row)."""
    transforms = [(i, bound(c.transform)) for i, c in enumerate(columns) if c.transform is not None]
    for values in queryset.values_list(*(c.field for c in columns)).iterator(chunk_size):
        row = list(values)
        for index, transform in transforms:
            row[index] = transform(row[index])
        yield row


def xlsx_download(spool: IO[bytes], filename: str) -> FileResponse:
    """A finished, rewound workbook as an attachment (sent in blocks, then closed)."""
    response = FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response


def xlsx_response(
    queryset: QuerySet[Any],
    columns: Sequence[Column],
    *,
    filename: str,
    title: str | None = None,
) -> FileResponse:
    """``queryset`` as an .xlsx attachment named ``filename`` (Chinese names are fine:
    sent as RFC 5987 ``filename*``), written in constant memory, every text cell
    neutralised. The caller has already narrowed ``queryset`` to what the user may see —
    pass the same selector the page uses. Example::

        return xlsx_response(
            selectors.events_for(user=request.user),
            [Column(_("名称"), "title"), Column(_("日期"), "starts_at", local_time)],
            filename=f"{_('活动')}.xlsx",
        )
    """
    sheet_title = title or filename.rsplit(".", 1)[0]
    spool = spooled_xlsx(
        title=sheet_title,
        headers=[str(c.header) for c in columns],
        rows=queryset_rows(queryset, columns),
    )
    return xlsx_download(spool, filename)
