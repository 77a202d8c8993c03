"""Writing a list as .xlsx in constant memory: openpyxl's write-only workbook streams rows
into its temporary parts as they come (nothing is kept per row), the finished file is
spooled to a temporary file and sent from there in blocks. Every text cell goes through
xinban.core.spreadsheets.safe_cell, so nothing a user typed ever runs as a formula."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

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
