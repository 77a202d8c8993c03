"""File names: the display name as the user chose it (cleaned, never silently cut), the
name in the storage, the download name."""

from __future__ import annotations

import re
import unicodedata
import uuid

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Spellings people and filetype use for the same format.
EXT_ALIASES = {"jpeg": "jpg", "jpe": "jpg", "apng": "png", "qt": "mov"}


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
    ext = EXT_ALIASES.get(ext, ext)
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
