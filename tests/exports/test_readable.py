"""Every list export opens readable (issue 13, item 6; docs/exports.md "How a list
looks"): a bold header row frozen at A2, an auto-filter over the list, widths fitted to the
content (Chinese characters count double), dates as dates, numbers as numbers, booleans as
是/否. Each file is read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tests.dashboards.conftest import World
from tests.exports.kit import client_for
from xinban.core.text import display_width
from xinban.exports.registry import SPECS
from xinban.exports.writer import MAX_WIDTH, MEASURED_ROWS, write_xlsx


def _sheet(content: bytes) -> Worksheet:
    return load_workbook(io.BytesIO(content)).active  # type: ignore[return-value]


def assert_readable(sheet: Worksheet) -> None:
    """The checks every list export passes."""
    header = [c for c in sheet[1] if c.value is not None]
    assert header, "a header row"
    assert all(c.font.bold for c in header)
    assert sheet.freeze_panes == "A2"
    last = get_column_letter(len(header))
    assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"
    for cell in header:
        width = sheet.column_dimensions[cell.column_letter].width
        # The header fits (bold, so counted a little wider), up to the cap.
        assert width >= min(display_width(str(cell.value)) + 2, MAX_WIDTH), cell.value
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert not isinstance(cell.value, bool), "booleans are written as 是/否"


def test_the_writer_formats_a_list() -> None:
    out = io.BytesIO()
    rows: list[list[Any]] = [
        [
            "A-1",
            "上海某某质量信得过班组",
            12,
            Decimal("87.50"),
            True,
            dt.datetime(2026, 3, 1, 9, 5),
        ],
        ["A-2", "x" * 200, 3, 90.25, False, dt.date(2026, 3, 2)],
    ]
    count = write_xlsx(
        out,
        title="清单",
        headers=["编号", "班组名称", "人数", "得分", "全国", "提交时间"],
        rows=rows,
    )
    assert count == 2
    sheet = _sheet(out.getvalue())
    assert_readable(sheet)
    assert sheet.auto_filter.ref == "A1:F3"
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert values[0][4] == "是" and values[1][4] == "否"
    assert values[0][2] == 12 and values[0][3] == 87.5  # numbers stay numbers
    assert sheet["F2"].is_date and sheet["F2"].value == dt.datetime(2026, 3, 1, 9, 5)
    assert sheet["F3"].is_date
    widths = {c: sheet.column_dimensions[c].width for c in "ABCDEF"}
    # 11 Chinese characters count 22, plus the margin; the long text is capped.
    assert widths["B"] == MAX_WIDTH
    assert widths["A"] < widths["F"]  # a date and time is wider than a short number
    assert widths["F"] >= 19


def test_widths_come_from_the_first_rows_only_and_the_rest_streams() -> None:
    out = io.BytesIO()
    rows = (
        ["班组"] if i < MEASURED_ROWS else ["很长的名字" * 4] for i in range(MEASURED_ROWS + 50)
    )
    assert write_xlsx(out, title="t", headers=["名称"], rows=rows) == MEASURED_ROWS + 50
    sheet = _sheet(out.getvalue())
    assert_readable(sheet)
    assert sheet.column_dimensions["A"].width == pytest.approx(
        display_width("名称") * 1.1 + 2, abs=0.1
    )
    assert sheet.max_row == MEASURED_ROWS + 51


def test_an_empty_list_still_has_its_header_frozen_and_filtered() -> None:
    out = io.BytesIO()
    write_xlsx(out, title="t", headers=["编号", "名称"], rows=[])
    sheet = _sheet(out.getvalue())
    assert_readable(sheet)
    assert sheet.auto_filter.ref == "A1:B1"


@pytest.mark.django_db
def test_every_registered_list_downloads_readable(
    world: World, staff: Any, unit_x: Any, unit_x_admin: Any, applicant_a: Any
) -> None:
    """Every list of the registry, downloaded by a user who may see it (staff, the unit's
    admin for a unit's list, an applicant for their own), opens readable."""
    checked = []
    sheets: dict[str, Worksheet] = {}
    for name, spec in sorted(SPECS.items()):
        for user, params in (
            (staff, {}),
            (unit_x_admin, {"unit_pk": str(unit_x.pk)}),
            (applicant_a, {}),
        ):
            if spec.unit_scoped != ("unit_pk" in params):
                continue
            try:
                spec.count(user, params)
            except (Http404, PermissionDenied):
                continue
            response = client_for(user).get(f"/exports/{name}.xlsx", params)
            assert response.status_code == 200, (name, response.status_code)
            sheet = _sheet(b"".join(response.streaming_content))
            assert_readable(sheet)
            sheets[name] = sheet
            checked.append(name)
            break
    # Most lists are reachable in this world; the check is not vacuous.
    assert len(checked) >= len(SPECS) * 2 // 3, sorted(set(SPECS) - set(checked))
    # The staff's list of applications: team sizes are numbers, submission times dates.
    applications = sheets["applications"]
    header = [c.value for c in applications[1]]
    size, submitted = header.index("班组人数") + 1, header.index("提交时间") + 1
    body = list(applications.iter_rows(min_row=2))
    assert body and all(isinstance(row[size - 1].value, int) for row in body)
    times = [row[submitted - 1] for row in body if row[submitted - 1].value is not None]
    assert times and all(cell.is_date for cell in times)
