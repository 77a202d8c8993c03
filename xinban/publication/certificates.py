"""The certificate as PDF: A4 landscape, the embedded CJK font (it prints the same
everywhere), the exact organisation and team names, the year and the level, the code and
a QR code leading to the public verification page."""

from __future__ import annotations

import io

import qrcode
import qrcode.constants
from django.conf import settings
from django.urls import reverse
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from xinban.core.fonts import register_cjk_font
from xinban.core.stamp import draw_qr_matrix
from xinban.publication.models import Level

LEVEL_TEXT: dict[str, str] = {
    Level.SELECTED: "上海市质量信得过班组建设经验",
    Level.TYPICAL: "上海市质量信得过班组典型经验",
    Level.NATIONAL: "上海市质量信得过班组典型经验（推荐全国质量信得过班组典型经验）",
}


def verify_url(code: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("publication:verify_code", args=[code])


def _draw_qr(pdf: canvas.Canvas, url: str, x: float, y: float, size: float) -> None:
    """The verification link's QR code, drawn as the forms' codes are."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(url)
    code.make(fit=True)
    draw_qr_matrix(pdf, code.get_matrix(), x, y, size)


def _centered_lines(pdf: canvas.Canvas, font: str, text: str, size: float, y: float) -> float:
    """Draw ``text`` centred, wrapping long names; returns the y below it."""
    width = landscape(A4)[0] - 60 * mm
    line = ""
    lines = []
    for char in text:
        if pdf.stringWidth(line + char, font, size) > width:
            lines.append(line)
            line = char
        else:
            line += char
    lines.append(line)
    for part in lines:
        pdf.drawCentredString(landscape(A4)[0] / 2, y, part)
        y -= size * 1.5
    return y


def certificate_pdf(
    *, code: str, year: int, level: str, organisation_name: str, team_name: str
) -> bytes:
    font = register_cjk_font()
    out = io.BytesIO()
    page_w, page_h = landscape(A4)
    pdf = canvas.Canvas(out, pagesize=(page_w, page_h))
    pdf.setTitle(f"证书 {code}")
    pdf.setAuthor("上海市质量协会")
    pdf.setStrokeColor(colors.HexColor("#a8322d"))
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, page_w - 24 * mm, page_h - 24 * mm)
    pdf.setLineWidth(1)
    pdf.rect(15 * mm, 15 * mm, page_w - 30 * mm, page_h - 30 * mm)
    pdf.setFillColor(colors.HexColor("#a8322d"))
    pdf.setFont(font, 40)
    pdf.drawCentredString(page_w / 2, page_h - 50 * mm, "荣誉证书")
    pdf.setFillColor(colors.black)
    pdf.setFont(font, 20)
    y = _centered_lines(pdf, font, organisation_name, 20, page_h - 80 * mm)
    pdf.setFont(font, 24)
    y = _centered_lines(pdf, font, team_name, 24, y - 4 * mm)
    pdf.setFont(font, 16)
    y = _centered_lines(
        pdf, font, f"被评为{year}年度{LEVEL_TEXT.get(level, level)}。", 16, y - 8 * mm
    )
    pdf.setFont(font, 14)
    pdf.drawRightString(page_w - 40 * mm, 40 * mm, "上海市质量协会")
    pdf.drawRightString(page_w - 40 * mm, 32 * mm, f"{year}年")
    url = verify_url(code)
    _draw_qr(pdf, url, 25 * mm, 22 * mm, 32 * mm)
    pdf.setFont(font, 9)
    pdf.drawString(60 * mm, 30 * mm, f"证书编号：{code}")
    pdf.drawString(60 * mm, 25 * mm, f"查验：{url}")
    pdf.showPage()
    pdf.save()
    return out.getvalue()
