"""Benchmarks of the Excel exports, run by ``manage.py bench`` (issue 6): the staff's
export of 10,000 applications (query + neutralising + writing) against openpyxl's
write-only mode writing the same cells directly (the rows fetched beforehand), and the
peak memory of the export at 1,000 and at 10,000 rows."""

from __future__ import annotations

import io
import statistics
import time
import tracemalloc
from itertools import islice

from openpyxl import Workbook

from xinban.accounts.models import User
from xinban.applications.models import Application
from xinban.exports.registry import SPECS
from xinban.exports.writer import write_xlsx
from xinban.ops.management.commands.bench import (
    BenchContext,
    BenchData,
    Figure,
    Say,
    StudyOptions,
    StudyResult,
)

ROWS = 10_000
SMALL = 1_000
REPEATS = 3


def _export(user: User, limit: int) -> bytes:
    spec = SPECS["applications"]
    out = io.BytesIO()
    write_xlsx(
        out,
        title=str(spec.title),
        headers=spec.headers(),
        rows=islice(spec.rows(user, {}), limit),
    )
    return out.getvalue()


def _plain(headers: list[str], cells: list[list[object]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("sheet")
    sheet.append(headers)
    for row in cells:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _peak(function: object, *args: object) -> float:
    tracemalloc.start()
    try:
        function(*args)  # type: ignore[operator]
        return tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


def export_study(
    data: BenchData, ctx: BenchContext, options: StudyOptions, say: Say
) -> StudyResult:
    del data, ctx, options
    user = User.objects.get(email="staff@bench.invalid")
    available = Application.objects.count()
    rows = min(ROWS, available)
    spec = SPECS["applications"]
    cells = [list(row) for row in islice(spec.rows(user, {}), rows)]
    headers = list(spec.headers())
    ours, plain = [], []
    for _ in range(REPEATS):
        started = time.perf_counter()
        _export(user, rows)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        _plain(headers, cells)
        plain.append(time.perf_counter() - started)
    small, large = _peak(_export, user, SMALL), _peak(_export, user, rows)
    ratio = statistics.median(ours) / statistics.median(plain)
    say(
        f"export of {rows} applications: {statistics.median(ours) * 1000:.0f} ms, openpyxl "
        f"write-only alone {statistics.median(plain) * 1000:.0f} ms; peak memory "
        f"{small:.1f} MB at {SMALL} rows, {large:.1f} MB at {rows}"
    )
    return StudyResult(
        figures=[Figure("export_vs_openpyxl_write_only", ratio, 1.5)],
        lines=[f"export_memory_growth_mb {large - small:.1f} (1k→{rows // 1000}k, target<=50)"],
        missed=["export_memory_growth"] if large - small > 50 else [],
    )


STUDIES = [export_study]
