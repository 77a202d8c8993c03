"""What a file really is, from its content (magic bytes, never the name or the client's
content type): the accepted kinds, and the checks of zip-based Office files."""

from __future__ import annotations

import enum
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xinban.core import videos
from xinban.core.uploads.names import EXT_ALIASES, refuse_long_file_name
from xinban.core.uploads.ole import _inspect_ole
from xinban.core.uploads.size import MIB, max_upload_bytes, upload_too_large_error


@dataclass(frozen=True)
class DetectedType:
    ext: str  # canonical extension without the dot, used for storage and download names
    mime: str
    label: str  # what staff call it: "PDF", "Word", "Excel", "JPG" ...


FORMATS: dict[str, DetectedType] = {
    t.ext: t
    for t in (
        DetectedType("pdf", "application/pdf", "PDF"),
        DetectedType(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word",
        ),
        DetectedType("doc", "application/msword", "Word"),
        DetectedType(
            "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"
        ),
        DetectedType("xls", "application/vnd.ms-excel", "Excel"),
        DetectedType("jpg", "image/jpeg", "JPG"),
        DetectedType("png", "image/png", "PNG"),
        DetectedType("mp4", "video/mp4", "MP4"),
        DetectedType("mov", "video/quicktime", "MOV"),
        DetectedType("webm", "video/webm", "WebM"),
    )
}


class UploadKind(enum.Enum):
    """Which formats an upload slot accepts; values are canonical extensions."""

    DOCUMENT = ("pdf", "docx", "doc", "xlsx", "xls")
    IMAGE = ("jpg", "png")
    SCAN = ("pdf", "jpg", "png")  # stamped forms, scanned or photographed
    VIDEO = ("mp4", "mov", "webm")

    @property
    def extensions(self) -> tuple[str, ...]:
        return tuple(self.value)


Kinds = UploadKind | Iterable[UploadKind]


def _allowed(kinds: Kinds) -> list[str]:
    members = [kinds] if isinstance(kinds, UploadKind) else list(kinds)
    return list(dict.fromkeys(ext for kind in members for ext in kind.extensions))


def accepted_labels(kinds: Kinds) -> str:
    """'PDF、Word、Excel' for messages and help texts."""
    labels = dict.fromkeys(FORMATS[ext].label for ext in _allowed(kinds))
    return pgettext("list separator", "、").join(labels)


def accept_attribute(kinds: Kinds) -> str:
    """Value for ``<input type=file accept=...>`` so the picker offers only usable files."""
    return ",".join(f".{ext},.jpeg" if ext == "jpg" else f".{ext}" for ext in _allowed(kinds))


@dataclass(frozen=True)
class ZipLimits:
    """Bounds for zip-based Office files, checked on the central directory only."""

    max_total_bytes: int = 200 * MIB
    max_entries: int = 10_000
    max_ratio: float = 100.0
    # Small XML parts legitimately compress far better than 100:1; only big entries count.
    ratio_min_bytes: int = 10 * MIB


DEFAULT_ZIP_LIMITS = ZipLimits()

_HEAD_BYTES = 8192  # what filetype looks at
_PDF_TAIL_BYTES = 8192
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FROM_FILETYPE = {"jpg", "png", "mp4", "mov", "webm"}  # the rest we check ourselves


def _unsupported(kinds: Kinds) -> ValidationError:
    return ValidationError(
        _("文件类型不支持：只接受 %(accepted)s。"),
        code="unsupported_type",
        params={"accepted": accepted_labels(kinds)},
    )


def _archive_error(code: str) -> ValidationError:
    return ValidationError(
        _("文件结构异常（解压后过大或内容过多），无法接收。请用 Office 或 WPS 重新保存后上传。"),
        code=code,
    )


def _declared_ext(name: str | None) -> str:
    base = re.split(r"[/\\]", name or "")[-1]
    ext = base.rpartition(".")[2].lower() if "." in base else ""
    return EXT_ALIASES.get(ext, ext)


def validate_upload(
    file: File[bytes],
    *,
    kinds: Kinds,
    max_bytes: int | None = None,
    zip_limits: ZipLimits = DEFAULT_ZIP_LIMITS,
) -> DetectedType:
    """Check the file's *content* is one of ``kinds``; return what it really is.

    Raises ValidationError (codes: empty, file_too_large, unsupported_type,
    content_mismatch, corrupt, encrypted, archive_too_many_entries, archive_too_large,
    archive_ratio). Leaves the file positioned at its start, ready to be saved.
    """
    allowed = _allowed(kinds)
    refuse_long_file_name(file.name)
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    size = file.size
    if not size:
        raise ValidationError(_("文件是空的，请重新选择文件。"), code="empty")
    if size > limit:
        raise upload_too_large_error(limit)
    try:
        file.seek(0)
        head = file.read(_HEAD_BYTES)
        ext = _sniff(file, head, size, allowed, zip_limits)
    finally:
        file.seek(0)
    if ext in allowed:
        if ext in ("mp4", "mov"):
            videos.inspect_bmff(file, size)
            file.seek(0)
        elif ext == "webm":
            videos.inspect_with_ffprobe(file)
            file.seek(0)
        return FORMATS[ext]
    declared = _declared_ext(file.name)
    if declared in allowed:
        # Named like something we accept but is not: renamed or damaged. Say so plainly.
        raise ValidationError(
            _(
                "文件内容不是有效的 %(label)s 文件，可能已损坏或被改过扩展名。"
                "请用原软件重新导出后上传。"
            ),
            code="content_mismatch",
            params={"label": FORMATS[declared].label},
        )
    raise _unsupported(kinds)


def _sniff(
    file: File[bytes], head: bytes, size: int, allowed: list[str], limits: ZipLimits
) -> str | None:
    """Canonical extension of the content, or None when it is nothing we know."""
    if head.startswith(b"%PDF-"):
        # Only a strict header counts (no junk before it, unlike filetype) so a
        # polyglot cannot pass as PDF; a missing %%EOF means a truncated or fake file.
        if "pdf" in allowed:
            file.seek(max(0, size - _PDF_TAIL_BYTES))
            if b"%%EOF" not in file.read(_PDF_TAIL_BYTES):
                raise ValidationError(
                    _("PDF 文件不完整或已损坏，请重新导出后上传。"), code="corrupt"
                )
        return "pdf"
    if head.startswith(_ZIP_MAGIC):
        if not {"docx", "xlsx"} & set(allowed):
            return None
        return _inspect_ooxml(file, limits)
    if head.startswith(_OLE_MAGIC):
        if not {"doc", "xls"} & set(allowed):
            return None
        return _inspect_ole(file)
    guess = filetype.guess(head)
    if guess is None:
        return None
    ext = EXT_ALIASES.get(guess.extension, guess.extension)
    return ext if ext in _FROM_FILETYPE else None


def _inspect_ooxml(file: File[bytes], limits: ZipLimits) -> str | None:
    """docx/xlsx by their main part; refuse zip bombs. Reads only the central directory:
    nothing is inflated, and zipfile never inflates past the sizes it declares, so these
    numbers also bound what any later reader (python-docx, openpyxl) will unpack."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
    except Exception as exc:  # any parse failure of untrusted bytes means "damaged"
        raise ValidationError(
            _("文件已损坏，无法打开。请用 Office 或 WPS 重新保存后上传。"), code="corrupt"
        ) from exc
    names = {info.filename for info in infos}
    if "word/document.xml" in names:
        ext = "docx"
    elif "xl/workbook.xml" in names:
        ext = "xlsx"
    else:
        return None  # a plain zip, odt, pptx ...
    if len(infos) > limits.max_entries:
        raise _archive_error("archive_too_many_entries")
    if sum(info.file_size for info in infos) > limits.max_total_bytes:
        raise _archive_error("archive_too_large")
    for info in infos:
        big = info.file_size > limits.ratio_min_bytes
        if big and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise _archive_error("archive_ratio")
    return ext
