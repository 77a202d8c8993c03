"""Stamped scans as they come back from a printer, a seal and a scanner: a generated
PDF printed to an image (pypdfium2), rotated a few degrees, with noise, and a red seal
stamped over a corner of the form's QR code (docs/rules.md, "The stamp check")."""

from __future__ import annotations

import io
import random

import pypdfium2
from PIL import Image, ImageChops, ImageDraw, ImageFilter


def print_pdf(pdf: bytes, *, dpi: int = 150, page: int = 0) -> Image.Image:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return document[page].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        document.close()


def red_seal(image: Image.Image, centre: tuple[int, int], radius: int) -> Image.Image:
    """A company seal stamped on the page: a red ring with a star and strokes of text.
    Seal ink is translucent, so it multiplies (black print under it stays black)."""
    layer = Image.new("RGB", image.size, "white")
    draw = ImageDraw.Draw(layer)
    red = (215, 30, 35)
    x, y = centre
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=red, width=radius // 9)
    r = radius // 3
    draw.polygon(
        [(x, y - r), (x + r, y + r), (x - r, y - r // 3), (x + r, y - r // 3), (x - r, y + r)],
        fill=red,
    )
    for i in range(6):
        angle_y = y - radius + radius // 4 + i * radius // 10
        draw.line((x - radius // 2, angle_y, x + radius // 2, angle_y + 3), fill=red, width=3)
    return ImageChops.multiply(image, layer)


def qr_box(image: Image.Image) -> tuple[int, int, int, int]:
    """Where the QR code sits on a printed page (top right, by the form's layout)."""
    import zxingcpp

    (barcode,) = zxingcpp.read_barcodes(
        image.convert("L"), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    pos = barcode.position
    xs = [pos.top_left.x, pos.top_right.x, pos.bottom_left.x, pos.bottom_right.x]
    ys = [pos.top_left.y, pos.top_right.y, pos.bottom_left.y, pos.bottom_right.y]
    return min(xs), min(ys), max(xs), max(ys)


def scan_of(
    pdf: bytes,
    *,
    dpi: int = 150,
    angle: float = 2.5,
    noise: int = 28,
    seal: bool = True,
    fmt: str = "JPEG",
    seed: int = 15,
) -> bytes:
    """The first page of ``pdf`` printed, sealed over the code's lower-left corner,
    rotated by ``angle`` degrees, with grey noise and a slight blur: a scan's bytes."""
    image = print_pdf(pdf, dpi=dpi)
    if seal:
        # Located on a sharp print, then scaled to this one.
        factor = dpi / 150
        left, top, right, bottom = (int(v * factor) for v in qr_box(print_pdf(pdf, dpi=150)))
        size = right - left
        # Over the lower-left corner, covering about a fifth of the code.
        image = red_seal(image, (left, bottom), int(size * 0.55))
    image = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white")
    rng = random.Random(seed)
    pixels = image.load()
    assert pixels is not None
    width, height = image.size
    for _ in range(width * height // 25):
        px, py = rng.randrange(width), rng.randrange(height)
        r, g, b = pixels[px, py]  # type: ignore[misc]
        delta = rng.randint(-noise, noise)
        pixels[px, py] = (
            max(0, min(255, r + delta)),
            max(0, min(255, g + delta)),
            max(0, min(255, b + delta)),
        )
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    out = io.BytesIO()
    image.save(out, format=fmt, quality=80) if fmt == "JPEG" else image.save(out, format=fmt)
    return out.getvalue()


def page_with_code(code_png: bytes, *, dpi: int = 150, code_mm: float = 20) -> bytes:
    """An A4 page "printed" from a spreadsheet or Word form: lines of text and the form's
    QR code (the PNG it embeds) at its printed size in the top right corner, as PDF."""
    width, height = int(210 / 25.4 * dpi), int(297 / 25.4 * dpi)
    page = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(page)
    for i in range(30):
        draw.line((int(width * 0.1), 400 + i * 40, int(width * 0.8), 400 + i * 40), fill=0, width=2)
    side = int(code_mm / 25.4 * dpi)
    with Image.open(io.BytesIO(code_png)) as code:
        page.paste(
            code.convert("RGB").resize((side, side), Image.Resampling.NEAREST),
            (width - side - 120, 90),
        )
    out = io.BytesIO()
    page.save(out, format="PDF", resolution=dpi)
    return out.getvalue()


def scan_as_pdf(image_bytes: bytes) -> bytes:
    """A scanner that writes PDF: the scanned image as a one-page PDF."""
    with Image.open(io.BytesIO(image_bytes)) as image:
        out = io.BytesIO()
        image.convert("RGB").save(out, format="PDF", resolution=150)
    return out.getvalue()


def blank_scan() -> bytes:
    """A page with a seal but no code (a form printed from elsewhere)."""
    image = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(image)
    for i in range(40):
        draw.line((120, 200 + i * 30, 1100, 200 + i * 30), fill=(60, 60, 60), width=2)
    image = red_seal(image, (900, 1500), 140)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
