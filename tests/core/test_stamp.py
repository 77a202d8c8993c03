"""The signed code of xinban/core/stamp.py (docs/rules.md, "The stamp check"): signing,
parsing, and reading it back from PDFs and images of several kinds."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from tests.scans import page_with_code, scan_as_pdf, scan_of
from xinban.core.stamp import (
    DocumentKind,
    Stamp,
    draw_qr,
    matches,
    parse,
    qr_png,
    read_stamps,
    sign,
)

CONTENT = {"team_name": "质检一班", "team_size": "12"}


def test_sign_parse_and_match() -> None:
    stamp = sign(DocumentKind.APPLICATION, "2026-0042", 7, CONTENT)
    assert stamp.payload.startswith("XB1:A3:2026-0042:7:")
    assert parse(stamp.payload) == stamp
    assert stamp.footer == f"XB1 A3 2026-0042 v7 {stamp.mac}"
    assert matches(stamp, CONTENT)
    assert not matches(stamp, {**CONTENT, "team_size": "13"})
    # The version and number are signed too.
    assert not matches(parse(stamp.payload.replace(":7:", ":8:")) or stamp, CONTENT)


@pytest.mark.parametrize("text", ["", "hello", "XB1:A3:2026:x:ABC", "XB2:A3:1:1:AB"])
def test_foreign_codes_do_not_parse(text: str) -> None:
    assert parse(text) is None


def test_the_code_is_read_from_the_second_page_of_a_pdf_scan() -> None:
    stamp = sign(DocumentKind.RECOMMENDATION, "2026-3", 2, CONTENT)
    blank = io.BytesIO()
    Image.new("RGB", (1240, 1754), "white").save(blank, format="PDF", resolution=150)
    coded = scan_as_pdf(scan_of(page_with_code(qr_png(stamp)), angle=1.5))
    writer = PdfWriter()
    for part in (blank.getvalue(), coded):
        for page in PdfReader(io.BytesIO(part)).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    assert read_stamps(out.getvalue()) == [stamp]


def test_a_fine_scan_is_read_too() -> None:
    stamp = sign(DocumentKind.STATISTICS, "2026-0001", 3, CONTENT)
    scan = scan_of(page_with_code(qr_png(stamp)), dpi=300, angle=-3.5, fmt="PNG")
    assert read_stamps(scan) == [stamp]


@pytest.mark.parametrize("data", [b"", b"%PDF-1.4 broken", b"\x89PNG\r\n\x1a\n broken"])
def test_what_cannot_be_rendered_has_no_code(data: bytes) -> None:
    assert read_stamps(data) == []


def _vector_pdf(stamp: Stamp | None) -> bytes:
    """A born-digital page (text and vector shapes, no raster image), with the code
    drawn as vectors when given."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "born digital")
    if stamp is not None:
        draw_qr(page, stamp, 400, 60, 100)
    page.showPage()
    page.save()
    return out.getvalue()


def test_a_born_digital_pdf_is_read_from_its_grey_render_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import zxingcpp

    stamp = sign(DocumentKind.APPLICATION, "20260001", 4, CONTENT)
    assert read_stamps(_vector_pdf(stamp)) == [stamp]
    calls: list[int] = []
    real = zxingcpp.read_barcodes

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(zxingcpp, "read_barcodes", counted)
    assert read_stamps(_vector_pdf(None)) == []
    assert len(calls) == 1  # no red channel, no enlargement: nothing scanned to clean up
    calls.clear()
    blank = io.BytesIO()
    Image.new("RGB", (1240, 1754), "white").save(blank, format="PDF", resolution=150)
    assert read_stamps(blank.getvalue()) == []
    assert len(calls) == 3  # a scanned page: grey, red channel, red channel enlarged
