"""The export's cells, read back with openpyxl, are exactly what a cell-by-cell
``safe_cell`` (booleans as 是/否) gives: the writer's fast path for plain text and typed
values (docs/benchmarks.md, ``export_*``, session 10) changes no cell, and the staff's
applications list shows each row's values in the time zone and language of the export."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from tests.exports.kit import client_for, download, rows_of, workbook_rows
from tests.recommendation.factories import make_application, make_organisation
from xinban.applications.models import Application, ApplicationState
from xinban.core.spreadsheets import safe_cell
from xinban.exports import writer
from xinban.exports.registry import SPECS
from xinban.exports.writer import write_xlsx

AWKWARD: list[Any] = [
    "普通文本",
    "",
    " ",
    "=1+1",
    '=HYPERLINK("http://evil","点我")',
    "+SUM(A1)",
    "-5",
    "+3.25",
    "-x",
    "@SUM(1)",
    " =1",
    "\t=1",
    "\r=1",
    "\u3000=1",
    "\u00a0@a",
    "a\x00b\x07c",
    "line1\r\nline2\rline3",
    "#N/A",
    "'already quoted",
    "x" * 40_000,
    "=" + "y" * 40_000,
    "\ud800lone",
    "end\ufffe",
    None,
    True,
    False,
    0,
    -7,
    3.5,
    Decimal("12.50"),
    Decimal("-0.001"),
    dt.date(2026, 1, 2),
    dt.datetime(2026, 1, 2, 3, 4, 5),
    dt.datetime(2026, 1, 2),
    dt.time(8, 30),
    mark_safe("=safe string"),
    mark_safe("plain safe"),
    gettext_lazy("是"),
]


def _old_cells(row: list[Any]) -> list[Any]:
    """The writer's conversion before session 10, one call per cell."""
    return [("是" if value else "否") if type(value) is bool else safe_cell(value) for value in row]


def _read_back(content: bytes) -> list[list[tuple[Any, str]]]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]


def _reference(headers: list[str], rows: list[list[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("reference")
    sheet.append([safe_cell(h) for h in headers])
    for row in rows:
        sheet.append(_old_cells(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize("measured", [0, 2, 200])
def test_every_cell_is_what_safe_cell_gives(monkeypatch: pytest.MonkeyPatch, measured: int) -> None:
    # Rows before and after the measured ones take the same path.
    monkeypatch.setattr(writer, "MEASURED_ROWS", measured)
    rows = [AWKWARD[i:] + AWKWARD[:i] for i in range(0, len(AWKWARD), 3)]
    headers = ["=表头", "编号", *(f"列{n}" for n in range(len(AWKWARD) - 2))]
    out = io.BytesIO()
    with translation.override("zh-hans"):
        assert write_xlsx(out, title="t", headers=headers, rows=iter(rows)) == len(rows)
    ours, reference = _read_back(out.getvalue()), _read_back(_reference(headers, rows))
    assert len(ours) == len(rows) + 1
    assert ours == reference
    # The awkward text did arrive neutralised.
    texts = {value for row in ours for value, _ in row if isinstance(value, str)}
    assert "'=1+1" in texts and "'@SUM(1)" in texts and "-5" in texts
    assert "a\x00b" not in "".join(texts)


def test_the_fast_path_agrees_with_safe_cell_on_every_first_character() -> None:
    for code in range(0x110000):
        text = chr(code) + "abc"
        assert writer._cell_values([text], "是", "否") == [safe_cell(text)], hex(code)


def _trimmed(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A row as a read-only sheet gives it back: without its trailing empty cells."""
    end = len(row)
    while end and row[end - 1] is None:
        end -= 1
    return row[:end]


@pytest.mark.django_db
def test_staff_applications_cells(campaign: Any, unit_x: Any, staff: Any) -> None:
    names = ["=cmd|' /C calc'!A0", "+上海加号公司", "-减号", "@at公司", "上海普通公司"]
    made = [
        make_application(
            organisation=make_organisation(name),
            unit=unit_x,
            campaign=campaign,
            state=ApplicationState.SUBMITTED,
            team_name=f"{name}班" if n % 2 else "质检" + "长" * 58,
            team_size=n * 7,
        )
        for n, name in enumerate(names)
    ]
    made.append(
        make_application(
            organisation=make_organisation("草稿公司"),
            unit=unit_x,
            campaign=campaign,
            state=ApplicationState.DRAFT,
        )
    )
    for n, application in enumerate(made[:-1]):  # whole seconds: what a cell holds
        Application.objects.filter(pk=application.pk).update(
            submitted_at=dt.datetime(2026, 3, 31, 16, 30, 5 + n, tzinfo=dt.UTC)
        )
    spec = SPECS["applications"]
    for language, zone in (("zh-hans", "Asia/Shanghai"), ("en", "UTC")):
        with translation.override(language), timezone.override(zone):
            # As a background export writes it (a request's middleware would pick its
            # own language): the spec's rows in the language and time zone in force.
            out = io.BytesIO()
            write_xlsx(out, title="t", headers=spec.headers(), rows=spec.rows(staff, {}))
            got = workbook_rows(out.getvalue())
            labels = {k: str(v) for k, v in ApplicationState.choices}
            expected = [tuple(safe_cell(h) for h in spec.headers())]
            for application in Application.objects.filter(pk__in=[a.pk for a in made]).order_by(
                "number"
            ):
                submitted = application.submitted_at
                expected.append(
                    tuple(
                        safe_cell(v)
                        for v in (
                            application.number,
                            application.organisation.name,
                            application.team_name,
                            application.team_type.name,
                            application.team_size,
                            application.recommending_unit.name,
                            labels[application.state],
                            submitted and timezone.localtime(submitted).replace(tzinfo=None),
                        )
                    )
                )
        assert got == [_trimmed(row) for row in expected]
        by_number = {row[0]: row for row in got[1:]}
        assert by_number[made[1].number][7] == (
            dt.datetime(2026, 4, 1, 0, 30, 6)
            if zone == "Asia/Shanghai"
            else dt.datetime(2026, 3, 31, 16, 30, 6)
        )
        assert by_number[made[0].number][1] == "'=cmd|' /C calc'!A0"
        assert by_number[made[0].number][4] == 0
        assert len(by_number[made[-1].number]) == 7  # a draft: not submitted, empty
        assert by_number[made[1].number][6] == ("已提交" if language == "zh-hans" else "Submitted")
    # And as downloaded by the staff.
    assert rows_of(client_for(staff).get(download("applications")))[1][1] == ("'=cmd|' /C calc'!A0")
