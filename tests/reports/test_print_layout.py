"""附件5 and 附件6 print on A4 as the official form (issue 13, item 6; docs/forms.md,
"Printing the spreadsheets"): each workbook is converted to PDF with LibreOffice (Debian's
``soffice``, installed by ``make test``'s system step) and read back with poppler: the page
count, and every wrapped text printed whole (LibreOffice leaves out what a row too low
cuts off, so a clipped cell's text is missing from the PDF). The workbook itself is
checked too: every sheet has its print settings, every wrapped cell's row is as high as
its lines."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from tests.recommendation.test_documents import JUDGES, ROWS, make_data
from tests.reports.conftest import complete_statistics, stamped_submit
from xinban.core.printlayout import line_height, wrapped_lines
from xinban.recommendation.documents import recommendation_form_docx, recommendation_form_xlsx
from xinban.reports import documents, selectors, services

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)

LONG = "推行可视化看板与防错装置，班组自主改善提案全年共计一百二十项，"


def to_pdf(content: bytes, tmp_path: Path, suffix: str = "xlsx") -> Path:
    source = tmp_path / f"form.{suffix}"
    source.write_bytes(content)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return tmp_path / "form.pdf"


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))  # type: ignore[union-attr]


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[: pages(pdf)]


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _width(ws: Any, first: int, last: int) -> float:
    return sum(
        ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(first, last + 1)
    )


def wrapped_cells(ws: Any) -> list[tuple[Any, float]]:
    """Every cell with wrapped text, with the width it wraps in (a merged range's whole)."""
    spans = {(r.min_row, r.min_col): (r.min_col, r.max_col) for r in ws.merged_cells.ranges}
    found = []
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or not cell.alignment.wrap_text or not hasattr(cell, "column"):
                continue
            first, last = spans.get((cell.row, cell.column), (cell.column, cell.column))
            found.append((cell, _width(ws, first, last)))
    return found


def assert_printable(content: bytes, tmp_path: Path) -> list[str]:
    """The checks both forms pass; returns the PDF's pages' texts."""
    wb = load_workbook(io.BytesIO(content))
    for ws in wb.worksheets:
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, ws.title
        area = ws.print_area[0] if isinstance(ws.print_area, list) else ws.print_area
        last = re.search(r"\$?([A-Z]+)\$?(\d+)$", area)
        assert last is not None and int(last.group(2)) >= ws.max_row, (ws.title, area)
        assert column_index_from_string(last.group(1)) >= 1
        for cell, width in wrapped_cells(ws):
            size = float(cell.font.sz or 11)
            lines = wrapped_lines(str(cell.value), width, size=size, bold=bool(cell.font.b))
            height = ws.row_dimensions[cell.row].height
            assert height is not None and height >= lines * line_height(size), (
                ws.title,
                cell.coordinate,
                height,
                lines,
            )
    pdf = to_pdf(content, tmp_path)
    texts = page_texts(pdf)
    printed = _squeezed("".join(texts))
    for ws in wb.worksheets:
        for cell, _ in wrapped_cells(ws):
            assert _squeezed(str(cell.value)) in printed, (ws.title, cell.coordinate)
    return texts


def test_form5_prints_long_evaluations_whole_on_a4(tmp_path: Path) -> None:
    rows = [replace(r, features=LONG * 4, opinion="同意推荐，" * 6) for r in ROWS] * 4
    content = recommendation_form_xlsx(make_data(rows=rows))
    texts = assert_printable(content, tmp_path)
    # 12 teams with long evaluations: more than one page, each with the table's header.
    assert 2 <= len(texts) <= 6
    assert all("企业名称" in _squeezed(text) for text in texts[:-1])
    assert _squeezed(LONG * 4) in _squeezed("".join(texts))


def test_form5_as_delivered_fits_one_page(tmp_path: Path) -> None:
    texts = assert_printable(recommendation_form_xlsx(make_data()), tmp_path)
    assert len(texts) == 1
    assert "注：1、此表是推荐单位的正式汇总材料。" in _squeezed(texts[0])


@pytest.mark.django_db
def test_form6_prints_its_notes_and_long_text_whole(
    campaign: Any, unit_x: Any, unit_x_admin: Any, tmp_path: Path
) -> None:
    report = services.statistics_report_for(unit=unit_x, campaign=campaign)
    data = complete_statistics(features_and_problems=LONG * 12)
    services.statistics_save(actor=unit_x_admin, report=report, data=data)
    report = stamped_submit(unit_x_admin, report)
    figures = selectors.platform_figures(unit=unit_x, campaign=campaign)
    texts = assert_printable(documents.statistics_xlsx(report, figures), tmp_path)
    # The form on one page, the comparison with the platform's figures on the next.
    assert len(texts) == 2
    form = _squeezed(texts[0])
    for note in documents.FORM6_NOTES:
        assert _squeezed(note) in form
    assert "填表人：王敏" in form
    assert "平台数据对照" not in form and "填报数" in texts[1]


def test_form5_word_keeps_each_judge_row_on_one_page_and_numbers_pages(tmp_path: Path) -> None:
    """Word 附件5 with a long judge list: no judge's row is split across pages (the name
    and the mobile number on the same page), and every page says 第 N 页 共 M 页."""
    judges = [
        replace(
            JUDGES[n % 2],
            name=f"评委{n:02d}",
            # A long address (the row wraps) ending in the judge's own mark.
            address="上海市闵行区沪闵路 6258 号某某大厦东楼十二层办公室" * 2 + f"（甲{n:02d}）",
            mobile=f"139{n:08d}",
        )
        for n in range(40)
    ]
    pdf = to_pdf(recommendation_form_docx(make_data(judges=judges)), tmp_path, "docx")
    texts = page_texts(pdf)
    assert len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        assert f"第{number}页共{len(texts)}页" in _squeezed(text), number
    squeezed = [_squeezed(t) for t in texts]
    for judge in judges:
        pages_with_name = [i for i, t in enumerate(squeezed) if judge.name in t]
        assert len(pages_with_name) == 1, judge.name
        page = squeezed[pages_with_name[0]]
        # The row's last line (the end of the address) on the same page: not split.
        assert judge.mobile in page and _squeezed(judge.address) in page, judge.name
