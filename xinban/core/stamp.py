"""The code printed on every generated form that gets stamped (申报表, 附件5, 附件6) and
read back from the stamped scan. See docs/rules.md, "The stamp check".

A form carries a QR code and the same as short text in its footer: the document's kind,
its number, its content version and an HMAC of the printed content, keyed by the
server's ``SECRET_KEY`` (``django.utils.crypto.salted_hmac``). When the stamped scan comes
back, the platform renders it (PDF pages with pypdfium2, images with Pillow), reads the
code (zxing-cpp) and compares it with what the form would print now.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

import qrcode
import qrcode.constants
from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from xinban.core import uploads
from xinban.core.errors import ServiceError

PREFIX = "XB1"
SALT = "xinban.core.stamp"
# The code holds only QR's alphanumeric characters (digits, capitals, " $%*+-./:"), the
# densest mode: a 30-character payload fits a 29-module code at level Q.
SEPARATOR = ":"
MAC_LENGTH = 16  # hex characters (64 bits): enough that nobody guesses one
RENDER_DPI = 200
RED_CUT = 110  # red-channel values above it count as paper (a red seal is ~180-230)
MAX_PAGES = 8  # a stamped form is one or two pages; a long scan is read this far
MAX_SIDE = 7000  # pixels: an A4 page at 600 dpi; larger scans are read scaled down
UPSCALE_BELOW = 3600  # pixels: up to an A4 page at 300 dpi


class DocumentKind(StrEnum):
    APPLICATION = "A3"  # 附件3 申报表
    RECOMMENDATION = "A5"  # 附件5 推荐表
    STATISTICS = "A6"  # 附件6 成果统计表


KIND_NAMES = {
    DocumentKind.APPLICATION: _("申报表（附件3）"),
    DocumentKind.RECOMMENDATION: _("推荐表（附件5）"),
    DocumentKind.STATISTICS: _("成果统计表（附件6）"),
}


class ScanCheck(models.TextChoices):
    """What the stamp check found on an accepted scan ("" before the check existed)."""

    VERIFIED = "verified", _("已核验")
    UNVERIFIED = "unverified", _("未能核验")  # no readable code on the scan


@dataclass(frozen=True)
class Stamp:
    kind: str
    number: str
    version: int
    mac: str

    @property
    def payload(self) -> str:
        """What the QR code holds."""
        return SEPARATOR.join((PREFIX, self.kind, self.number, str(self.version), self.mac))

    @property
    def footer(self) -> str:
        """The same as short text, for the page's footer."""
        return f"{PREFIX} {self.kind} {self.number} v{self.version} {self.mac}"

    @property
    def kind_name(self) -> str:
        try:
            return str(KIND_NAMES[DocumentKind(self.kind)])
        except ValueError:
            return self.kind


def canonical(content: Mapping[str, Any]) -> str:
    return json.dumps(
        content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    )


def _mac(
    kind: str, number: str, version: int, content: Mapping[str, Any], secret: str | None = None
) -> str:
    message = "\n".join((kind, number, str(version), canonical(content)))
    digest = salted_hmac(SALT, message, secret=secret, algorithm="sha256").hexdigest()
    return digest[:MAC_LENGTH].upper()


def sign(kind: DocumentKind, number: str, version: int, content: Mapping[str, Any]) -> Stamp:
    """The stamp of a document whose printed content is ``content``."""
    number = number.upper()
    return Stamp(str(kind), number, version, _mac(str(kind), number, version, content))


def matches(stamp: Stamp, content: Mapping[str, Any]) -> bool:
    """True when ``stamp`` was issued by this server for exactly ``content`` (with its
    key, or a previous one still listed in ``SECRET_KEY_FALLBACKS``: forms printed
    before a key rotation still verify)."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(
        constant_time_compare(
            stamp.mac, _mac(stamp.kind, stamp.number, stamp.version, content, secret)
        )
        for secret in secrets
    )


@dataclass(frozen=True)
class ScanRefusals:
    """What a refused scan of one kind of document is told (translated templates):
    ``wrong_document`` names the other document (``%(kind)s``, ``%(number)s``,
    ``%(version)s``), ``other_document`` another unit's or year's (``%(number)s``,
    ``%(version)s``, ``%(own)s``), ``outdated`` an earlier version (``%(version)s``,
    ``%(current)s``)."""

    wrong_document: str
    other_document: str
    outdated: str


def scan_match(
    stamps: list[Stamp],
    *,
    kind: DocumentKind,
    number: str,
    version: int,
    content: Mapping[str, Any],
    refusals: ScanRefusals,
) -> tuple[Stamp | None, ServiceError | None]:
    """The code of ``stamps`` (at least one) that matches the document ``kind`` ``number``
    as it prints now (``content``, at ``version``), or why the scan is of another document,
    unit or version, naming it (docs/rules.md, "The stamp check")."""
    own = [s for s in stamps if s.kind == kind]
    for stamp in own:
        if stamp.number == number and matches(stamp, content):
            return stamp, None
    stamp = own[0] if own else stamps[0]
    if stamp.kind != kind:
        message = refusals.wrong_document % {
            "kind": stamp.kind_name,
            "number": stamp.number,
            "version": stamp.version,
        }
        return None, ServiceError(message, code="scan_wrong_document", field="file")
    if stamp.number != number:
        message = refusals.other_document % {
            "number": stamp.number,
            "version": stamp.version,
            "own": number,
        }
        return None, ServiceError(message, code="scan_other_report", field="file")
    message = refusals.outdated % {"version": stamp.version, "current": version}
    return None, ServiceError(message, code="scan_outdated", field="file")


M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class ScanUpload(Generic[M]):
    """A stamped scan being uploaded (``stamped_scan_upload``): its document's row, locked
    with its unit and campaign; the file's kind (``uploads.validate_upload``); the codes
    read on it; the names of the files stored (``store_stamped_scan``), deleted if the
    transaction fails."""

    locked: M
    ext: str
    stamps: list[Stamp]
    stored: list[str]


def read_scan(file: UploadedFile) -> tuple[str, list[Stamp]]:
    """Validate ``file`` as a scan and read the codes on it (outside any transaction:
    rendering takes a moment); its kind's extension and the codes, the file rewound. The
    start of every stamped scan upload (附件3, 附件5, 附件6)."""
    detected = uploads.validate_upload(file, kinds=uploads.UploadKind.SCAN)
    file.seek(0)
    stamps = read_stamps(file.read())
    file.seek(0)
    return detected.ext, stamps


@contextmanager
def stamped_scan_upload(obj: M, file: UploadedFile) -> Iterator[ScanUpload[M]]:
    """The frame of the upload of ``obj``'s stamped scan (附件5, 附件6; docs/rules.md, "The
    stamp check"): ``file`` is validated as a scan and its codes read first (outside the
    transaction: rendering takes a moment), then ``obj``'s row is locked in a transaction;
    the files stored under it are deleted when it fails."""
    ext, stamps = read_scan(file)
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = (
                type(obj)
                ._default_manager.select_for_update()
                .select_related("unit", "campaign")
                .get(pk=obj.pk)
            )
            yield ScanUpload(locked, ext, stamps, stored)
    except BaseException:
        for name in stored:
            obj.stamped_scan.storage.delete(name)  # type: ignore[attr-defined]
        raise


def store_stamped_scan(
    obj: Any,
    file: File[Any],
    *,
    ext: str,
    matched: Stamp | None,
    stored: list[str],
    extra_fields: tuple[str, ...] = (),
) -> None:
    """Save ``file`` as the stamped scan of ``obj`` (a locked row with ``stamped_scan``,
    ``stamped_scan_name``, ``stamped_check`` and ``stamped_version``) with what the check
    found; the file's name is added to ``stored`` (``stamped_scan_upload`` deletes it if the
    transaction fails), the previous file is deleted once it commits."""
    old = obj.stamped_scan.name if obj.stamped_scan else ""
    obj.stamped_scan.save(uploads.safe_storage_name(file.name or "", ext=ext), file, save=False)
    assert obj.stamped_scan.name is not None  # set by the save just above
    stored.append(obj.stamped_scan.name)
    obj.stamped_scan_name = uploads.clean_display_name(file.name or "scan")
    obj.stamped_check = ScanCheck.VERIFIED if matched else ScanCheck.UNVERIFIED
    obj.stamped_version = matched.version if matched else None
    obj.save(
        update_fields=[
            "stamped_scan",
            "stamped_scan_name",
            "stamped_check",
            "stamped_version",
            *extra_fields,
        ]
    )
    if old:
        storage = obj.stamped_scan.storage
        transaction.on_commit(lambda: storage.delete(old))


def stamped_scan_changes(obj: Any, file: File[Any]) -> dict[str, Any]:
    """What the audit records of a stamped scan stored by ``store_stamped_scan``."""
    return {
        "name": obj.stamped_scan_name,
        "sha256": uploads.sha256_of(file),
        "stamped_check": obj.stamped_check,
        "stamped_version": obj.stamped_version,
    }


def parse(text: str) -> Stamp | None:
    parts = text.strip().split(SEPARATOR)
    if len(parts) != 5 or parts[0] != PREFIX or not parts[3].isdigit():
        return None
    return Stamp(parts[1], parts[2], int(parts[3]), parts[4])


# --- writing ----------------------------------------------------------------------------


def qr_matrix(stamp: Stamp) -> list[list[bool]]:
    """The modules of the QR code, without quiet zone. Level Q (25 % may be lost): a red
    seal or a fold over part of the code still reads."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=0)
    code.add_data(stamp.payload)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def qr_png(stamp: Stamp, *, box_size: int = 8, border: int = 2) -> bytes:
    """The QR code as a PNG (Word and Excel embed it)."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_Q, box_size=box_size, border=border
    )
    code.add_data(stamp.payload)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# --- reading ----------------------------------------------------------------------------


def _pages(data: bytes) -> Iterator[tuple[Image.Image, bool]]:
    """Each page rendered, and whether it holds a raster image (a scan, a photo, a seal
    pasted in): a PDF page drawn only in vectors and text is rendered crisp, so its grey
    render is all there is to read."""
    if data[:5] == b"%PDF-":
        import pypdfium2
        import pypdfium2.raw as pdfium

        document = pypdfium2.PdfDocument(data)
        try:
            for index in range(min(len(document), MAX_PAGES)):
                page = document[index]
                try:
                    # 200 dpi, but never more than MAX_SIDE pixels a side (a poster-sized page).
                    scale = min(RENDER_DPI / 72, MAX_SIDE / max(page.get_size()))
                    raster = next(page.get_objects(filter=[pdfium.FPDF_PAGEOBJ_IMAGE]), None)
                    yield page.render(scale=scale).to_pil(), raster is not None
                finally:
                    page.close()
        finally:
            document.close()
        return
    with Image.open(io.BytesIO(data)) as opened:
        upright = ImageOps.exif_transpose(opened) or opened
        image = upright.convert("RGB")
        if max(image.size) > MAX_SIDE:
            image.thumbnail((MAX_SIDE, MAX_SIDE))
        yield image, True


def _variants(image: Image.Image, raster: bool = True) -> Iterator[Image.Image]:
    """The page in grey, then (a scanned page: ``raster``) its red channel alone with
    everything light made white: in the red channel a red seal turns as light as the
    paper, so a seal stamped over the code no longer hides it."""
    rgb = image.convert("RGB")
    yield rgb.convert("L")
    if not raster:
        return
    red = rgb.getchannel("R").point(lambda v: 255 if v > RED_CUT else v)
    yield red
    # A small code scanned at a low resolution (under three pixels a module) reads
    # better enlarged; a page scanned finely needs no help.
    if max(red.size) <= UPSCALE_BELOW:
        yield red.resize((red.width * 2, red.height * 2), Image.Resampling.BICUBIC)


def read_payloads(data: bytes) -> list[str]:
    """Every one of our codes found on the scan's first pages (PDF or image), in page
    order; [] when none can be read (or the file cannot be rendered)."""
    import zxingcpp

    found: list[str] = []
    try:
        for page, raster in _pages(data):
            for variant in _variants(page, raster):
                texts = [
                    barcode.text
                    for barcode in zxingcpp.read_barcodes(
                        variant, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
                    )
                    if barcode.text.startswith(PREFIX + SEPARATOR)
                ]
                if texts:
                    found.extend(t for t in texts if t not in found)
                    break
    except Exception:  # a scan we cannot render is a scan whose code cannot be read
        return found
    return found


def read_stamps(data: bytes) -> list[Stamp]:
    return [stamp for stamp in map(parse, read_payloads(data)) if stamp is not None]


def draw_qr(pdf: Any, stamp: Stamp, x: float, y: float, size: float) -> None:
    """Draw the code on a reportlab canvas; (x, y) is the lower left corner."""
    draw_qr_matrix(pdf, qr_matrix(stamp), x, y, size)


def draw_qr_matrix(pdf: Any, matrix: list[list[bool]], x: float, y: float, size: float) -> None:
    """A QR matrix on a reportlab canvas as vector squares (sharp at any print size, no
    image to encode): one rectangle per horizontal run of dark modules, on a white quiet
    zone of two modules. Used by the forms' codes and the certificates'."""
    quiet = 2
    module = size / (len(matrix) + 2 * quiet)
    pdf.saveState()
    pdf.setFillColorRGB(1, 1, 1)
    pdf.rect(x, y, size, size, stroke=0, fill=1)
    pdf.setFillColorRGB(0, 0, 0)
    top = y + size - quiet * module
    for r, cells in enumerate(matrix):
        c = 0
        while c < len(cells):
            if not cells[c]:
                c += 1
                continue
            start = c
            while c < len(cells) and cells[c]:
                c += 1
            pdf.rect(
                x + (quiet + start) * module,
                top - (r + 1) * module,
                (c - start) * module,
                module,
                stroke=0,
                fill=1,
            )
    pdf.restoreState()


def docx_stamp(document: Any, stamp: Stamp, *, size_mm: float = 20, font_pt: float = 7) -> None:
    """Put the code in the header (right-aligned) and its text in the footer of every
    section of a python-docx document."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    png = qr_png(stamp)
    for section in document.sections:
        section.header_distance = Mm(6)
        section.footer_distance = Mm(6)
        header = section.header
        paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(size_mm))
        footer = section.footer
        line = footer.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = line.add_run(stamp.footer)
        run.font.size = Pt(font_pt)


def xlsx_stamp(ws: Any, stamp: Stamp, *, anchor: str, size_px: int = 90) -> None:
    """Anchor the code at ``anchor`` of an openpyxl sheet and print its text in the page
    footer (right)."""
    from openpyxl.drawing.image import Image as XlImage

    image = XlImage(io.BytesIO(qr_png(stamp)))
    image.width = image.height = size_px
    ws.add_image(image, anchor)
    ws.oddFooter.right.text = stamp.footer
    ws.oddFooter.right.size = 7
    ws.evenFooter.right.text = stamp.footer
