"""Legacy Office files (OLE compound files, MS-CFB): which streams the root holds,
read with bounded work on hostile sector chains."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.utils.translation import gettext as _

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
