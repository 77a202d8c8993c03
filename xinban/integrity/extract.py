"""The text of an attachment (docs/similarity.md): Word (.docx, python-docx) and PDF with
a text layer (pypdfium2). Anything else — a scan without a text layer, an image, a file
that does not open — has no text: the check reports it as 未能提取文字."""

from __future__ import annotations

import io
import logging

logger = logging.getLogger(__name__)

# Fewer readable characters than this per page: a scan (its text layer, if any, is noise).
MIN_CHARS_PER_PAGE = 10


def docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(part for part in parts if part.strip())


def pdf_text(data: bytes) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        pdf.close()
    text = "\n".join(pages)
    if len("".join(text.split())) < MIN_CHARS_PER_PAGE * max(len(pages), 1):
        return ""
    return text


def attachment_text(name: str, data: bytes) -> str | None:
    """The file's text, or None when it has none that can be read."""
    lowered = name.lower()
    try:
        if lowered.endswith(".docx"):
            text = docx_text(data)
        elif lowered.endswith(".pdf"):
            text = pdf_text(data)
        else:
            return None
    except Exception:  # a damaged or encrypted file: reported, never an error page
        logger.warning("similarity: no text from %s", name, exc_info=True)
        return None
    return text if text.strip() else None
