"""Uploads and downloads of attachments: size limit while streaming, content sniffing,
zip-bomb check, safe storage names, checksums and attachment responses.

Everything here trusts the *bytes*, never the client's file name or content type: staff
rename files, browsers guess content types, and a hostile client can send anything.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse, HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xinban.core import videos

logger = logging.getLogger("xinban.core.uploads")

KIB = 1024
MIB = 1024 * KIB

# Boundaries, part headers and the ordinary form fields that travel with a file.
MULTIPART_OVERHEAD_BYTES = 1 * MIB
# Name of the request attribute listing the file fields refused for size.
REFUSALS_ATTR = "upload_refusals"
LONG_NAMES_ATTR = "upload_long_names"  # field → characters of a refused over-long name


# --------------------------------------------------------------------------- size limit


def max_upload_bytes() -> int:
    return int(settings.XINBAN_MAX_UPLOAD_BYTES)


def max_request_bytes() -> int:
    """Largest multipart body accepted before every file in it is refused unread.

    Defaults to one file plus overhead. A form that sends several files in one request
    must raise ``XINBAN_MAX_UPLOAD_REQUEST_BYTES``, or all of its files are refused.
    """
    explicit = getattr(settings, "XINBAN_MAX_UPLOAD_REQUEST_BYTES", None)
    if explicit is not None:
        return int(explicit)
    return max_upload_bytes() + MULTIPART_OVERHEAD_BYTES


def format_size(num_bytes: int) -> str:
    """'20 MB', '1.5 MB', '500 KB': what staff see in the limit message."""
    for unit, size in (("MB", MIB), ("KB", KIB)):
        if num_bytes >= size:
            value = num_bytes / size
            shown = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
            return f"{shown} {unit}"
    return f"{num_bytes} B"


def upload_too_large_error(limit_bytes: int | None = None) -> ValidationError:
    limit = max_upload_bytes() if limit_bytes is None else limit_bytes
    return ValidationError(
        _("文件超过大小上限（%(limit)s）。请压缩或拆分后再上传。"),
        code="file_too_large",
        params={"limit": format_size(limit)},
    )


class LimitedUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: refuses a file once it passes the size limit, before
    the memory/temporary-file handlers after it store more of it.

    A refused file is skipped with ``SkipFile`` rather than ``StopUpload``: Django then
    drops (and deletes) the partial file, reads past the rest of that file without
    storing it, and goes on parsing the other fields. The CSRF token and everything the
    user typed survive, so the view can re-render the form with a field error; with
    ``StopUpload`` the fields after the file would be lost. The body is still read to
    the end on purpose: answering before the browser has sent it all makes most
    browsers show a "connection reset" page instead of our form. Absurdly large bodies
    are for the reverse proxy's body-size limit (nginx ``client_max_body_size``) to stop.
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        # Read per request (handlers are built per request) so override_settings works.
        self.limit = max_upload_bytes()
        self.refuse_all = False
        self._refusing = False
        self._name_chars = 0

    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, str],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> tuple[QueryDict, MultiValueDict[str, UploadedFile[Any]]] | None:
        # CONTENT_LENGTH is reliable here: Django never reads past it. A body that is too
        # big overall gets every file refused at its first byte, so none reaches disk.
        if content_length > max_request_bytes():
            self.refuse_all = True
            logger.info(
                "upload refused: request body %s bytes exceeds %s",
                content_length,
                max_request_bytes(),
            )
        return None  # let Django's parser run, so the ordinary fields are kept

    def new_file(
        self,
        field_name: str,
        file_name: str,
        content_type: str,
        content_length: int | None,
        charset: str | None = None,
        content_type_extra: dict[str, bytes] | None = None,
    ) -> None:
        super().new_file(
            field_name, file_name, content_type, content_length, charset, content_type_extra
        )
        # Never raise SkipFile here: the handlers after us would not have started this
        # file yet, and Django would close *their previous* file, i.e. another field's
        # upload that was already accepted. Refuse at the first chunk instead.
        # Django would cut a longer name to 255 characters without telling anyone.
        self._name_chars = len(file_name or "")
        self._refusing = (
            self.refuse_all
            or (content_length is not None and content_length > self.limit)
            or self._name_chars > MAX_FILE_NAME_CHARS
        )

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self._refusing or start + len(raw_data) > self.limit:
            self._record_refusal(start + len(raw_data))
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile[Any] | None:
        return None  # the handlers after us store the file

    def _record_refusal(self, seen_bytes: int) -> None:
        logger.info(
            "upload refused: field %r at %s bytes (limit %s per file)",
            self.field_name,
            seen_bytes,
            self.limit,
        )
        if self.request is None:
            return
        if self._name_chars > MAX_FILE_NAME_CHARS:
            long_names: dict[str, int] = getattr(self.request, LONG_NAMES_ATTR, None) or {}
            long_names[self.field_name] = self._name_chars
            setattr(self.request, LONG_NAMES_ATTR, long_names)
        refusals: list[str] = getattr(self.request, REFUSALS_ATTR, None) or []
        if self.field_name not in refusals:
            refusals.append(self.field_name)
        setattr(self.request, REFUSALS_ATTR, refusals)


def upload_refused_fields(request: HttpRequest) -> set[str]:
    """Names of the file fields (as sent, i.e. with any form prefix) refused for size."""
    # Parsing is lazy: make sure the body has been through the handlers before we look.
    _ = request.FILES
    return set(getattr(request, REFUSALS_ATTR, None) or [])


def add_upload_refusal_errors(form: forms.BaseForm, request: HttpRequest) -> set[str]:
    """Give each refused file field of a bound form the size error; returns those fields.

    Call it after ``is_valid()`` (or instead of trusting it). Without it a refused file
    looks like "no file chosen": a required field would say "required", which confuses
    people who did choose a file, and an optional one would silently pass without it.
    """
    if not form.is_bound:
        return set()
    refused_names = upload_refused_fields(request)
    refused = {name for name in form.fields if form.add_prefix(name) in refused_names}
    long_names: dict[str, int] = getattr(request, LONG_NAMES_ATTR, None) or {}
    errors = form.errors  # runs full_clean if it has not run yet
    for name in sorted(refused):
        errors.pop(name, None)
        chars = long_names.get(form.add_prefix(name))
        form.add_error(name, long_file_name_error(chars) if chars else upload_too_large_error())
    return refused


# --------------------------------------------------------------------------- content types


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

# Spellings people and filetype use for the same format.
_EXT_ALIASES = {"jpeg": "jpg", "jpe": "jpg", "apng": "png", "qt": "mov"}


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
    return _EXT_ALIASES.get(ext, ext)


# Longer names are refused rather than cut: a file system keeps at most 255 bytes of a
# name, and a name cut without the user knowing is not the name they chose.
MAX_FILE_NAME_CHARS = 255


def long_file_name_error(chars: int) -> ValidationError:
    return ValidationError(
        _("文件名过长（%(n)s 个字符，最多 %(max)s 个），请改短后重新上传。"),
        code="name_too_long",
        params={"n": chars, "max": MAX_FILE_NAME_CHARS},
    )


def refuse_long_file_name(name: str | None) -> None:
    last = re.split(r"[/\\]", name or "")[-1]
    if len(last) > MAX_FILE_NAME_CHARS:
        raise long_file_name_error(len(last))


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
    ext = _EXT_ALIASES.get(guess.extension, guess.extension)
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


# OLE compound file (MS-CFB) constants.
_OLE_MAX_SECTORS_READ = 256  # bounds work on hostile chains
_OLE_NOSTREAM = 0xFFFFFFFF
_OLE_LAST_REGULAR_SECTOR = 0xFFFFFFFA


def _inspect_ole(file: File[bytes]) -> str | None:
    """.doc or .xls by the streams at the top of the compound file; no decompression.

    filetype's own .doc/.xls signatures are not used: its .xls test matches the FAT
    layout that almost every compound file has, so a broken or foreign file would pass.
    """
    try:
        names = _ole_root_stream_names(file)
    except (ValueError, IndexError):
        return None  # unreadable directory: Office could not open it either
    if {"EncryptionInfo", "EncryptedPackage"} <= names:
        # A password-protected docx/xlsx is stored as an OLE file: judges could not open it.
        raise ValidationError(
            _("文件设置了打开密码，评审时无法打开。请取消密码后重新上传。"), code="encrypted"
        )
    has_word = "WordDocument" in names
    has_book = bool({"Workbook", "Book"} & names)
    if has_word == has_book:
        return None  # neither (an Outlook .msg, a .ppt ...) or nonsense
    return "doc" if has_word else "xls"


def _u32(data: bytes, offset: int) -> int:
    return int.from_bytes(data[offset : offset + 4], "little")


def _ole_root_stream_names(file: File[bytes]) -> set[str]:
    """Names of the root storage's direct children, read from the directory (MS-CFB)."""
    file.seek(0)
    header = file.read(512)
    if len(header) < 512:
        raise ValueError("short header")
    shift = int.from_bytes(header[0x1E:0x20], "little")
    if shift not in (9, 12):
        raise ValueError("bad sector size")
    sector_size = 1 << shift
    per_sector = sector_size // 4

    def read_sector(sector: int) -> bytes:
        if sector >= _OLE_LAST_REGULAR_SECTOR:
            raise ValueError("not a sector")
        file.seek((sector + 1) * sector_size)
        data = file.read(sector_size)
        if len(data) < sector_size:
            raise ValueError("truncated")
        return data

    # Where the FAT sectors are: 109 in the header, the rest in a chain of DIFAT sectors
    # (files over ~7 MB with 512-byte sectors).
    fat_count = _u32(header, 0x2C)
    fat_sectors = [_u32(header, 0x4C + 4 * i) for i in range(min(fat_count, 109))]
    difat_sector = _u32(header, 0x44)
    for _i in range(_OLE_MAX_SECTORS_READ):
        if len(fat_sectors) >= fat_count or difat_sector >= _OLE_LAST_REGULAR_SECTOR:
            break
        data = read_sector(difat_sector)
        fat_sectors += [_u32(data, 4 * i) for i in range(per_sector - 1)]
        difat_sector = _u32(data, sector_size - 4)

    def next_sector(sector: int) -> int:
        fat = read_sector(fat_sectors[sector // per_sector])  # IndexError: no such FAT
        return _u32(fat, (sector % per_sector) * 4)

    # Directory entries: 128 bytes; UTF-16 name, type, left/right sibling, child.
    entries: list[tuple[str, int, int, int, int]] = []
    sector = _u32(header, 0x30)
    for _i in range(_OLE_MAX_SECTORS_READ):
        if sector >= _OLE_LAST_REGULAR_SECTOR:
            break
        data = read_sector(sector)
        for off in range(0, sector_size, 128):
            raw = data[off : off + 128]
            name_len = int.from_bytes(raw[0x40:0x42], "little")
            name = raw[: max(0, min(name_len, 64) - 2)].decode("utf-16-le", "replace")
            entries.append((name, raw[0x42], _u32(raw, 0x44), _u32(raw, 0x48), _u32(raw, 0x4C)))
        sector = next_sector(sector)
    if not entries or entries[0][1] != 5:
        raise ValueError("no root entry")
    # Only the root's direct children: an embedded object (a Word table inside an Excel
    # file) lives in a sub-storage and must not decide what the file is.
    names: set[str] = set()
    pending, seen = [entries[0][4]], set()
    while pending:
        index = pending.pop()
        if index == _OLE_NOSTREAM or index in seen or index >= len(entries):
            continue
        seen.add(index)
        name, _type, left, right, _child = entries[index]
        names.add(name)
        pending += [left, right]
    return names


# --------------------------------------------------------------------------- names


_ILLEGAL_IN_FILENAME = re.compile(r'[/\\:*?"<>|]')
_DRIVE_PREFIX = re.compile(r"^[A-Za-z]:")
_EXT_RE = re.compile(r"^[a-z0-9]{1,10}$")
UNNAMED = "未命名文件"  # stored data: not translated per request


def _clean_component(text: str) -> str:
    """Shared by display and download names: printable, no characters Windows refuses,
    no '..', no leading/trailing dots or spaces."""
    text = unicodedata.normalize("NFC", text)
    # Category C* are control, format and unassigned characters, including the
    # right-to-left override that disguises "invoice\u202efdp.exe" as "invoiceexe.pdf".
    text = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch)[0] != "C"
    )
    text = _ILLEGAL_IN_FILENAME.sub("_", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\.{2,}", ".", text)
    return text.strip(" .")


def _truncate_keeping_ext(name: str, max_length: int) -> str:
    if len(name) <= max_length:
        return name
    stem, dot, ext = name.rpartition(".")
    if dot and stem and len(ext) <= 10 and len(ext) + 2 <= max_length:
        return f"{stem[: max_length - len(ext) - 1]}.{ext}"
    return name[:max_length]


def clean_display_name(name: str, *, max_length: int = 120) -> str:
    """The user's file name made safe to keep and show: last path part only, no control
    characters, bounded length (extension kept). Never empty, never contains / \\ or '..'."""
    last = re.split(r"[/\\]", name or "")[-1]
    cleaned = _truncate_keeping_ext(_clean_component(_DRIVE_PREFIX.sub("", last)), max_length)
    cleaned = _clean_component(cleaned)  # truncation can leave "x." + "pdf" edges
    return cleaned or UNNAMED


def _normalise_ext(ext: str) -> str:
    ext = ext.strip().lstrip(".").lower()
    ext = _EXT_ALIASES.get(ext, ext)
    if not _EXT_RE.fullmatch(ext):
        raise ValueError(f"not a file extension: {ext!r}")
    return ext


def safe_storage_name(original_name: str, *, ext: str) -> str:
    """Random name for storage: '<32 hex>.<ext>'. The original name is deliberately not
    used (it is kept for display via clean_display_name); ``ext`` should come from
    validate_upload, i.e. from the content."""
    return f"{uuid.uuid4().hex}.{_normalise_ext(ext)}"


def download_name_for(short_name: str, team_name: str, suffix: str, ext: str) -> str:
    """'华谊集团质检一班-申报表.docx': 单位简称+班组名称, then what the file is."""
    stem = _clean_component(short_name) + _clean_component(team_name)
    suffix = _clean_component(suffix)
    if suffix:
        stem = f"{stem}-{suffix}" if stem else suffix
    stem = _clean_component(stem[:100]) or UNNAMED
    return f"{stem}.{_normalise_ext(ext)}"


# --------------------------------------------------------------------------- checksums


def sha256_of(file: File[bytes] | IO[bytes], *, chunk_size: int = MIB) -> str:
    """Hex SHA-256 of the whole file, read in chunks; leaves the file at its start."""
    digest = hashlib.sha256()
    if isinstance(file, File):
        if file.closed:
            file.open("rb")
        for chunk in file.chunks(chunk_size):  # chunks() starts from the beginning
            digest.update(chunk)
    else:
        file.seek(0)
        for chunk in iter(lambda: file.read(chunk_size), b""):
            digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


# --------------------------------------------------------------------------- downloads


def attachment_response(
    fieldfile_or_file: File[bytes] | IO[bytes],
    *,
    download_name: str,
    content_type: str | None = None,
) -> FileResponse:
    """Stream a stored file as a download, never inline.

    FileResponse reads in blocks and closes the file when done. For non-ASCII names
    Django writes ``attachment; filename*=utf-8''<percent-encoded UTF-8>`` (RFC 6266 /
    RFC 5987; the charset token is case-insensitive), which every current browser reads.
    """
    name = clean_display_name(download_name)
    file = fieldfile_or_file
    if isinstance(file, File) and file.closed:
        file.open("rb")
    file.seek(0)  # Content-Length is counted from the current position
    if content_type is None:
        # Our own table, not the platform's mimetypes database, so it is predictable.
        known = FORMATS.get(_declared_ext(name))
        content_type = known.mime if known else "application/octet-stream"
    response = FileResponse(file, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser ever render it anyway, it runs no script and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # Files sit behind permission checks: shared caches must not keep them.
    response["Cache-Control"] = "private, no-cache"
    return response
