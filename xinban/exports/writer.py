"""Writing a list as .xlsx in constant memory: openpyxl's write-only workbook streams rows
into its temporary parts as they come (nothing is kept per row), the finished file is
spooled to a temporary file and sent from there in blocks. Every text cell goes through
xinban.core.spreadsheets.safe_cell, so nothing a user typed ever runs as a formula."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import QuerySet
from django.http import FileResponse
from openpyxl import Workbook

from xinban.core.spreadsheets import safe_cell

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
    sheet.append([safe_cell(h) for h in headers])
    count = 0
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
        count += 1
        if progress is not None and count % every == 0:
            progress(count)
    workbook.save(out)
    return count


def spooled_xlsx(**kwargs: Any) -> IO[bytes]:
    """The workbook in a temporary file, rewound (closed when the response is done)."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    write_xlsx(spool, **kwargs)
    spool.seek(0)
    return spool


# --- the generic helper: a queryset and its columns, as an .xlsx download ---------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    transforms = [(i, c.transform) for i, c in enumerate(columns) if c.transform is not None]
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
