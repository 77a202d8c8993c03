"""Uploads: the streaming size limit, content sniffing, zip bombs, names, checksums and
download responses — with real files (reportlab, python-docx, openpyxl, Pillow)."""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import struct
import unicodedata
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import SkipFile
from django.test import Client, RequestFactory, override_settings
from docx import Document
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from openpyxl import Workbook
from PIL import Image
from reportlab.pdfgen import canvas

from tests.core.upload_urls import RECORDING_HANDLERS
from tests.media import real_mp4, real_webm
from xinban.core.uploads import (
    FORMATS,
    MIB,
    UNNAMED,
    LimitedUploadHandler,
    UploadKind,
    ZipLimits,
    accept_attribute,
    accepted_labels,
    attachment_response,
    clean_display_name,
    download_name_for,
    format_size,
    safe_storage_name,
    sha256_of,
    upload_refused_fields,
    validate_upload,
)

# --------------------------------------------------------------------------- real files


def make_pdf() -> bytes:
    buf = io.BytesIO()
    page = canvas.Canvas(buf)
    page.drawString(72, 720, "Quality trustworthy team - application form")
    page.showPage()
    page.save()
    return buf.getvalue()


def make_docx() -> bytes:
    buf = io.BytesIO()
    document = Document()
    document.add_paragraph("质量信得过班组申报表")
    document.save(buf)
    return buf.getvalue()


def make_xlsx() -> bytes:
    buf = io.BytesIO()
    workbook = Workbook()
    workbook.active["A1"] = "班组名称"
    workbook.save(buf)
    return buf.getvalue()


def make_image(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, fmt)
    return buf.getvalue()


ENDOFCHAIN, FREESECT, FATSECT, DIFSECT = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFC
NOSTREAM = 0xFFFFFFFF
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
Tree = list[tuple[str, "Tree | None"]]


def make_ole(children: Tree, *, min_sectors: int = 0) -> bytes:
    """A minimal but well-formed MS-CFB v3 (512-byte sector) file: FAT sectors, DIFAT
    sectors when there are more than 109 FAT sectors, zero filler, then the directory at
    the end (chained through the FAT), as Office lays it out. Storages are
    (name, [children]); streams (name, None)."""
    entries: list[dict[str, Any]] = [
        {"name": "Root Entry", "kind": 5, "right": NOSTREAM, "child": NOSTREAM}
    ]

    def add(items: Tree) -> int:
        indices = []
        for name, sub in items:
            kind = 2 if sub is None else 1
            entries.append({"name": name, "kind": kind, "right": NOSTREAM, "child": NOSTREAM})
            index = len(entries) - 1
            indices.append(index)
            if sub:
                entries[index]["child"] = add(sub)
        for left, right in zip(indices, indices[1:], strict=False):
            entries[left]["right"] = right
        return indices[0] if indices else NOSTREAM

    entries[0]["child"] = add(children)
    while len(entries) % 4:
        entries.append({"name": "", "kind": 0, "right": NOSTREAM, "child": NOSTREAM})
    directory = b""
    for entry in entries:
        raw = bytearray(128)
        if entry["name"]:
            encoded = (entry["name"] + "\0").encode("utf-16-le")
            raw[: len(encoded)] = encoded
            raw[0x40:0x42] = struct.pack("<H", len(encoded))
        raw[0x42] = entry["kind"]
        raw[0x43] = 1
        raw[0x44:0x50] = struct.pack("<III", NOSTREAM, entry["right"], entry["child"])
        raw[0x74:0x78] = struct.pack("<I", ENDOFCHAIN)
        directory += bytes(raw)

    dir_count = len(directory) // 512
    total = max(min_sectors, dir_count + 2)
    fat_count = math.ceil(total / 128)
    difat_count = math.ceil(max(0, fat_count - 109) / 127)
    dir_start = total - dir_count
    fat = [FREESECT] * (fat_count * 128)
    for sector in range(fat_count):
        fat[sector] = FATSECT
    for sector in range(fat_count, fat_count + difat_count):
        fat[sector] = DIFSECT
    for sector in range(dir_start, total):
        fat[sector] = sector + 1 if sector + 1 < total else ENDOFCHAIN
    sectors = [struct.pack("<128I", *fat[i * 128 : (i + 1) * 128]) for i in range(fat_count)]
    rest = list(range(109, fat_count))
    for i in range(difat_count):
        chunk = rest[i * 127 : (i + 1) * 127]
        chunk += [FREESECT] * (127 - len(chunk))
        following = fat_count + i + 1 if i + 1 < difat_count else ENDOFCHAIN
        sectors.append(struct.pack("<128I", *chunk, following))
    sectors += [bytes(512)] * (dir_start - len(sectors))
    sectors.append(directory)

    header = bytearray(512)
    header[0:8] = OLE_MAGIC
    header[0x18:0x22] = struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
    first_difat = fat_count if difat_count else ENDOFCHAIN
    header[0x2C:0x4C] = struct.pack(
        "<IIIIIIII", fat_count, dir_start, 0, 4096, ENDOFCHAIN, 0, first_difat, difat_count
    )
    in_header = list(range(min(fat_count, 109)))
    header[0x4C:0x200] = struct.pack("<109I", *in_header, *([FREESECT] * (109 - len(in_header))))
    return bytes(header) + b"".join(sectors)


DOC_STREAMS: Tree = [
    ("\x01CompObj", None),
    ("\x05SummaryInformation", None),
    ("1Table", None),
    ("WordDocument", None),
]
XLS_STREAMS: Tree = [("\x05SummaryInformation", None), ("Workbook", None)]


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, data, content_type=content_type)


def refusal(exc_info: pytest.ExceptionInfo[ValidationError]) -> tuple[str | None, str]:
    error = exc_info.value
    return error.code, error.messages[0]


# --------------------------------------------------------------------------- detection

REAL_FILES = {
    "pdf": make_pdf,
    "docx": make_docx,
    "xlsx": make_xlsx,
    "jpg": lambda: make_image("JPEG"),
    "png": lambda: make_image("PNG"),
    "mp4": real_mp4,
    "mov": lambda: real_mp4(mov=True),
    "webm": real_webm,
    "doc": lambda: make_ole(DOC_STREAMS),
    "xls": lambda: make_ole(XLS_STREAMS),
}


@pytest.mark.parametrize(
    ("ext", "kind"),
    [
        ("pdf", UploadKind.DOCUMENT),
        ("docx", UploadKind.DOCUMENT),
        ("doc", UploadKind.DOCUMENT),
        ("xlsx", UploadKind.DOCUMENT),
        ("xls", UploadKind.DOCUMENT),
        ("jpg", UploadKind.IMAGE),
        ("png", UploadKind.IMAGE),
        ("pdf", UploadKind.SCAN),
        ("jpg", UploadKind.SCAN),
        ("png", UploadKind.SCAN),
        ("mp4", UploadKind.VIDEO),
        ("mov", UploadKind.VIDEO),
        ("webm", UploadKind.VIDEO),
    ],
)
def test_real_files_are_recognised_by_content(ext: str, kind: UploadKind) -> None:
    data = REAL_FILES[ext]()
    # Name and client content type are deliberately useless: only the bytes count.
    file = upload("上传文件", data, content_type="text/plain")
    detected = validate_upload(file, kinds=kind)
    assert detected == FORMATS[ext]
    assert file.read() == data  # left at the start, ready to be saved


def test_content_wins_over_name() -> None:
    assert validate_upload(upload("photo.png", make_image("JPEG")), kinds=UploadKind.IMAGE).ext == (
        "jpg"
    )
    assert validate_upload(upload("申报表.doc", make_docx()), kinds=UploadKind.DOCUMENT).ext == (
        "docx"
    )
    assert validate_upload(upload("明细.docx", make_xlsx()), kinds=UploadKind.DOCUMENT).ext == (
        "xlsx"
    )


def test_several_kinds_combine() -> None:
    kinds = [UploadKind.IMAGE, UploadKind.VIDEO]
    assert validate_upload(upload("a", make_image("PNG")), kinds=kinds).ext == "png"
    assert validate_upload(upload("a", real_webm()), kinds=kinds).ext == "webm"
    with pytest.raises(ValidationError):
        validate_upload(upload("a", make_pdf()), kinds=kinds)


def test_text_renamed_pdf_is_refused() -> None:
    fake = upload("申报表.pdf", "这是一段文字，不是PDF。".encode(), content_type="application/pdf")
    with pytest.raises(ValidationError) as exc_info:
        validate_upload(fake, kinds=UploadKind.DOCUMENT)
    code, message = refusal(exc_info)
    assert code == "content_mismatch"
    assert "PDF" in message and "扩展名" in message


def test_unknown_content_lists_what_is_accepted() -> None:
    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload("notes.txt", b"plain text"), kinds=UploadKind.DOCUMENT)
    code, message = refusal(exc_info)
    assert code == "unsupported_type"
    assert message == "文件类型不支持：只接受 PDF、Word、Excel。"
    assert accepted_labels([UploadKind.DOCUMENT, UploadKind.IMAGE]) == "PDF、Word、Excel、JPG、PNG"
    assert accept_attribute(UploadKind.SCAN) == ".pdf,.jpg,.jpeg,.png"


@pytest.mark.parametrize(
    ("name", "data", "kind", "code"),
    [
        ("申报表.docx", make_docx(), UploadKind.SCAN, "unsupported_type"),
        ("盖章页.pdf", make_docx(), UploadKind.SCAN, "content_mismatch"),
        ("照片.jpg", make_pdf(), UploadKind.IMAGE, "content_mismatch"),
        ("视频.mp4", make_image("PNG"), UploadKind.VIDEO, "content_mismatch"),
        ("x.doc", make_ole(XLS_STREAMS), UploadKind.IMAGE, "unsupported_type"),
    ],
    # Stable ids: the generated bytes carry timestamps, and xdist workers must agree.
    ids=["docx-as-scan", "docx-named-pdf", "pdf-named-jpg", "png-named-mp4", "xls-as-image"],
)
def test_real_file_of_the_wrong_kind_is_refused(
    name: str, data: bytes, kind: UploadKind, code: str
) -> None:
    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload(name, data), kinds=kind)
    assert exc_info.value.code == code


def test_pdf_must_be_whole_and_start_with_its_header() -> None:
    pdf = make_pdf()
    cases = {
        "truncated": pdf[: len(pdf) // 2],
        "header only": b"%PDF-1.7\n" + b"x" * 100,
    }
    for label, data in cases.items():
        with pytest.raises(ValidationError) as exc_info:
            validate_upload(upload("a.pdf", data), kinds=UploadKind.DOCUMENT)
        assert exc_info.value.code == "corrupt", label
    # Something else dressed up with a PDF header further in (a polyglot) is not a PDF.
    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload("a.pdf", b"<html>" + pdf), kinds=UploadKind.DOCUMENT)
    assert exc_info.value.code == "content_mismatch"


def test_empty_file_is_refused() -> None:
    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload("空.pdf", b""), kinds=UploadKind.DOCUMENT)
    assert refusal(exc_info) == ("empty", "文件是空的，请重新选择文件。")


def test_file_over_the_limit_is_refused() -> None:
    pdf = make_pdf()
    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload("a.pdf", pdf), kinds=UploadKind.DOCUMENT, max_bytes=len(pdf) - 1)
    assert exc_info.value.code == "file_too_large"
    with override_settings(XINBAN_MAX_UPLOAD_BYTES=1024), pytest.raises(ValidationError) as info:
        validate_upload(upload("a.pdf", pdf), kinds=UploadKind.DOCUMENT)
    assert refusal(info) == ("file_too_large", "文件超过大小上限（1 KB）。请压缩或拆分后再上传。")
    assert validate_upload(upload("a.pdf", pdf), kinds=UploadKind.DOCUMENT).ext == "pdf"


def test_format_size() -> None:
    assert format_size(20 * MIB) == "20 MB"
    assert format_size(int(1.5 * MIB)) == "1.5 MB"
    assert format_size(100 * 1024) == "100 KB"
    assert format_size(10) == "10 B"


def test_works_on_stored_files(tmp_path: Path) -> None:
    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("申报表.docx", ContentFile(make_docx()))
    with storage.open(name) as stored:
        assert validate_upload(stored, kinds=UploadKind.DOCUMENT).ext == "docx"


# --------------------------------------------------------------------------- zip / OOXML


def zip_bytes(entries: list[tuple[str, bytes]], base: bytes | None = None) -> bytes:
    buf = io.BytesIO(base or b"")
    with zipfile.ZipFile(buf, "a" if base else "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buf.getvalue()


def test_plain_zip_named_docx_is_refused() -> None:
    data = zip_bytes([("[Content_Types].xml", b"<Types/>"), ("readme.txt", b"hi")])
    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload("申报表.docx", data), kinds=UploadKind.DOCUMENT)
    assert exc_info.value.code == "content_mismatch"


def test_ooxml_is_found_by_its_main_part_wherever_it_sits() -> None:
    # filetype only looks at the first few local headers; Office files written by other
    # tools can put other parts first. The central directory has them all.
    parts = [(f"customXml/item{i}.xml", b"<x/>" * 50) for i in range(8)]
    data = zip_bytes([*parts, ("word/document.xml", b"<w:document/>")])
    assert validate_upload(upload("a.docx", data), kinds=UploadKind.DOCUMENT).ext == "docx"


def test_damaged_zip_is_refused() -> None:
    data = make_docx()
    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload("a.docx", data[: len(data) // 2]), kinds=UploadKind.DOCUMENT)
    assert exc_info.value.code == "corrupt"


def bomb_docx(zeros: int) -> bytes:
    """A real docx plus a large, highly compressible entry, streamed in (never in memory)."""
    buf = io.BytesIO(make_docx())
    with (
        zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/media/image1.png", "w") as entry,
    ):
        chunk = bytes(MIB)
        for _ in range(zeros // MIB):
            entry.write(chunk)
    return buf.getvalue()


def test_docx_zip_bomb_is_refused_with_default_limits() -> None:
    data = bomb_docx(12 * MIB)
    assert len(data) < 100 * 1024  # tiny upload, 12 MiB once inflated
    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload("申报表.docx", data), kinds=UploadKind.DOCUMENT)
    assert exc_info.value.code == "archive_ratio"
    assert "Office 或 WPS" in exc_info.value.messages[0]


def test_compressible_entries_below_the_ratio_threshold_are_fine() -> None:
    # Office XML compresses extremely well; only big entries are judged by ratio.
    data = bomb_docx(5 * MIB)
    assert validate_upload(upload("a.docx", data), kinds=UploadKind.DOCUMENT).ext == "docx"


def test_declared_total_size_is_limited() -> None:
    # Incompressible content: no ratio involved, just too much once unpacked.
    data = zip_bytes([("xl/media/image1.bin", os.urandom(2 * MIB))], base=make_xlsx())
    limits = ZipLimits(max_total_bytes=1 * MIB, max_ratio=math.inf)
    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload("a.xlsx", data), kinds=UploadKind.DOCUMENT, zip_limits=limits)
    assert exc_info.value.code == "archive_too_large"
    assert validate_upload(upload("a.xlsx", data), kinds=UploadKind.DOCUMENT).ext == "xlsx"


def test_lying_central_directory_is_judged_without_inflating(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The central directory claims 300 MB; nothing is unpacked to find out.
    data = bytearray(zip_bytes([("word/media/big.bin", b"tiny")], base=make_docx()))
    central = data.rfind(b"PK\x01\x02")  # the last entry's central directory record
    data[central + 24 : central + 28] = struct.pack("<I", 300 * MIB)
    honest = make_docx()
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: pytest.fail("inflated"))
    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload("a.docx", bytes(data)), kinds=UploadKind.DOCUMENT)
    assert exc_info.value.code == "archive_too_large"
    assert validate_upload(upload("a.docx", honest), kinds=UploadKind.DOCUMENT).ext == "docx"


def test_too_many_entries_are_refused() -> None:
    data = zip_bytes([(f"word/x{i}.xml", b"") for i in range(60)], base=make_docx())
    with pytest.raises(ValidationError) as exc_info:
        validate_upload(
            upload("a.docx", data), kinds=UploadKind.DOCUMENT, zip_limits=ZipLimits(max_entries=50)
        )
    assert exc_info.value.code == "archive_too_many_entries"
    assert validate_upload(upload("a.docx", data), kinds=UploadKind.DOCUMENT).ext == "docx"


# --------------------------------------------------------------------------- OLE (.doc/.xls)


def test_ole_directory_decides_doc_or_xls() -> None:
    # Enough entries that WordDocument sits in the second directory sector (FAT chain).
    fillers: Tree = [(f"Filler{i}", None) for i in range(6)]
    data = make_ole([*fillers, ("WordDocument", None)])
    assert validate_upload(upload("x.xls", data), kinds=UploadKind.DOCUMENT).ext == "doc"
    # A Word object embedded in a workbook lives in a sub-storage: still an Excel file.
    embedded = make_ole([("Workbook", None), ("MBD0001", [("WordDocument", None)])])
    assert validate_upload(upload("x", embedded), kinds=UploadKind.DOCUMENT).ext == "xls"


def test_other_ole_files_are_refused() -> None:
    outlook_msg = make_ole([("__properties_version1.0", None), ("__substg1.0_0037001F", None)])
    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload("邮件.doc", outlook_msg), kinds=UploadKind.DOCUMENT)
    assert exc_info.value.code == "content_mismatch"
    truncated = make_ole(DOC_STREAMS)[:600]
    with pytest.raises(ValidationError):
        validate_upload(upload("a.doc", truncated), kinds=UploadKind.DOCUMENT)


def test_big_ole_file_directory_is_found_through_the_difat() -> None:
    # Over ~7 MB the FAT no longer fits in the header's 109 slots (DIFAT chain).
    data = make_ole(XLS_STREAMS + [(f"Filler{i}", None) for i in range(6)], min_sectors=15_000)
    assert len(data) > 7 * MIB
    assert validate_upload(upload("a", data), kinds=UploadKind.DOCUMENT).ext == "xls"


def test_password_protected_office_file_is_refused_with_a_reason() -> None:
    encrypted = make_ole(
        [
            ("\x06DataSpaces", [("Version", None)]),
            ("EncryptionInfo", None),
            ("EncryptedPackage", None),
        ]
    )
    with pytest.raises(ValidationError) as exc_info:
        validate_upload(upload("申报表.docx", encrypted), kinds=UploadKind.DOCUMENT)
    assert exc_info.value.code == "encrypted"
    assert "密码" in exc_info.value.messages[0]


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\x\\y.pdf", "y.pdf"),
        ("C:申报表.pdf", "申报表.pdf"),
        ("/var/www/../华谊 申报表.docx", "华谊 申报表.docx"),
        ("报告\x00\x07.pdf", "报告.pdf"),
        ("合同\u202efdp.exe", "合同fdp.exe"),
        ("报告..pdf", "报告.pdf"),
        ("  .hidden  ", "hidden"),
        ('a<b>:c|d?*"e.pdf', "a_b__c_d___e.pdf"),
        ("第一行\n第二行\t.docx", "第一行 第二行 .docx"),
        ("..", UNNAMED),
        ("", UNNAMED),
        ("../", UNNAMED),
    ],
)
def test_clean_display_name_examples(raw: str, expected: str) -> None:
    assert clean_display_name(raw) == expected


def test_clean_display_name_keeps_the_extension_when_shortening() -> None:
    cleaned = clean_display_name("质" * 300 + ".docx")
    assert len(cleaned) == 120
    assert cleaned.endswith("质.docx")


path_like = st.lists(
    st.one_of(
        st.sampled_from(["/", "\\", ".", "..", " ", "C:", "\x00", "\n", "\u202e", "\ufeff"]),
        st.text(max_size=8),
    ),
    max_size=30,
).map("".join)


@hsettings(max_examples=300, deadline=None)
@given(raw=st.one_of(st.text(), path_like), max_length=st.integers(16, 200))
def test_clean_display_name_properties(raw: str, max_length: int) -> None:
    cleaned = clean_display_name(raw, max_length=max_length)
    assert cleaned
    assert "/" not in cleaned and "\\" not in cleaned and ".." not in cleaned
    assert len(cleaned) <= max_length
    assert not any(unicodedata.category(ch)[0] == "C" for ch in cleaned)
    assert cleaned == cleaned.strip(" .")
    assert clean_display_name(cleaned, max_length=max_length) == cleaned


def test_download_name_for() -> None:
    assert (
        download_name_for("华谊集团", "质检一班", "申报表", "docx")
        == "华谊集团质检一班-申报表.docx"
    )
    assert download_name_for("上汽", "QC/一班:甲", "盖章页", ".PDF") == "上汽QC_一班_甲-盖章页.pdf"
    assert download_name_for("华谊集团", "质检一班", "", "xlsx") == "华谊集团质检一班.xlsx"
    assert download_name_for("", "", "", "pdf") == f"{UNNAMED}.pdf"
    with pytest.raises(ValueError):
        download_name_for("a", "b", "c", "../pdf")


@hsettings(max_examples=200, deadline=None)
@given(short=st.text(), team=st.text(), suffix=st.text(), ext=st.sampled_from(list(FORMATS)))
def test_download_name_for_is_always_a_legal_file_name(
    short: str, team: str, suffix: str, ext: str
) -> None:
    name = download_name_for(short, team, suffix, ext)
    assert not re.search(r'[/\\:*?"<>|]', name)
    assert not any(unicodedata.category(ch)[0] == "C" for ch in name)
    assert ".." not in name
    assert name.endswith(f".{ext}") and len(name) > len(ext) + 1


def test_safe_storage_name_is_random_and_ignores_the_user_name() -> None:
    first = safe_storage_name("../../evil.php", ext="pdf")
    second = safe_storage_name("../../evil.php", ext="pdf")
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", first)
    assert first != second
    assert safe_storage_name("x", ext=".JPEG").endswith(".jpg")
    for bad in ("", "p/df", "../x", "php\x00"):
        with pytest.raises(ValueError):
            safe_storage_name("x", ext=bad)


# --------------------------------------------------------------------------- checksums


class ReadSpy(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.reads: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.reads.append(-1 if size is None else size)
        return super().read(size)


def test_sha256_of_streams_in_chunks_and_rewinds(tmp_path: Path) -> None:
    data = os.urandom(10_000)
    expected = hashlib.sha256(data).hexdigest()

    spy = ReadSpy(data)
    spy.seek(123)
    assert sha256_of(spy, chunk_size=1000) == expected
    assert spy.reads and all(0 < size <= 1000 for size in spy.reads)
    assert spy.tell() == 0

    uploaded = upload("a.bin", data)
    uploaded.read(10)
    assert sha256_of(uploaded, chunk_size=1000) == expected
    assert uploaded.read() == data

    path = tmp_path / "a.bin"
    path.write_bytes(data)
    closed = File(path.open("rb"), name=str(path))
    closed.close()
    assert sha256_of(closed) == expected


# --------------------------------------------------------------------------- downloads


@pytest.mark.django_db  # closing a response fires request_finished, which checks connections
def test_attachment_response_for_a_chinese_name(tmp_path: Path) -> None:
    data = make_docx()
    storage = FileSystemStorage(location=tmp_path)
    stored = storage.open(storage.save("x.docx", ContentFile(data)))
    name = download_name_for("华谊集团", "质检一班", "申报表", "docx")

    response = attachment_response(stored, download_name=name)

    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    encoded = disposition.split("''", 1)[1]
    assert re.fullmatch(r"[A-Za-z0-9%._~-]+", encoded)  # RFC 5987 attr-chars only
    assert unquote(encoded) == "华谊集团质检一班-申报表.docx"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == FORMATS["docx"].mime
    assert response["Content-Length"] == str(len(data))
    assert "private" in response["Cache-Control"]
    assert response.streaming
    assert response.getvalue() == data
    response.close()
    assert stored.closed


def test_attachment_response_ascii_name_and_explicit_type() -> None:
    response = attachment_response(
        ContentFile(b"%PDF-1.4 ..."), download_name="report.pdf", content_type="application/pdf"
    )
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["Content-Type"] == "application/pdf"
    unknown = attachment_response(ContentFile(b"x"), download_name="notes.xyz")
    assert unknown["Content-Type"] == "application/octet-stream"


def test_attachment_response_never_trusts_the_name_or_reads_all_at_once() -> None:
    spy = ReadSpy(os.urandom(50_000))
    response = attachment_response(spy, download_name="../../etc/\r\nSet-Cookie: x=1.pdf")
    disposition = response["Content-Disposition"]
    assert "/" not in disposition.split("filename", 1)[1].replace("utf-8''", "")
    assert "\r" not in disposition and "\n" not in disposition
    assert disposition.startswith("attachment;")
    assert spy.reads == []  # nothing read until the response is sent
    assert len(response.getvalue()) == 50_000
    assert max(spy.reads) <= 4096


# --------------------------------------------------------------------------- streaming limit


def make_handler(content_length: int) -> tuple[LimitedUploadHandler, Any]:
    request = RequestFactory().post("/")
    handler = LimitedUploadHandler(request)
    handler.handle_raw_input(io.BytesIO(), {}, content_length, "b")
    return handler, request


@override_settings(XINBAN_MAX_UPLOAD_BYTES=1000)
def test_handler_counts_bytes_per_file() -> None:
    handler, request = make_handler(content_length=1500)
    handler.new_file("first", "a.pdf", "application/pdf", None)
    assert handler.receive_data_chunk(b"x" * 600, 0) == b"x" * 600
    assert handler.receive_data_chunk(b"x" * 400, 600) == b"x" * 400  # exactly the limit
    assert handler.file_complete(1000) is None  # the next handlers store it
    handler.new_file("second", "b.pdf", "application/pdf", None)
    handler.receive_data_chunk(b"x" * 1000, 0)
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"x", 1000)
    assert request.upload_refusals == ["second"]


@override_settings(XINBAN_MAX_UPLOAD_BYTES=1000)
def test_handler_refuses_at_the_first_chunk_when_the_body_is_too_big() -> None:
    handler, request = make_handler(content_length=1000 + MIB + 1)
    handler.new_file("attachment", "a.pdf", "application/pdf", None)  # never raises here
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"x", 0)
    assert request.upload_refusals == ["attachment"]
    # A part that announces its own oversize length is refused the same way.
    handler, request = make_handler(content_length=500)
    handler.new_file("attachment", "a.pdf", "application/pdf", 5000)
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"x", 0)


def test_settings_put_the_limit_first() -> None:
    assert settings.FILE_UPLOAD_HANDLERS[0] == "xinban.core.uploads.LimitedUploadHandler"
    assert settings.XINBAN_MAX_UPLOAD_BYTES > 0


LIMIT = 100 * 1024


@pytest.fixture
def upload_client(tmp_path: Path) -> Any:
    temp_dir = tmp_path / "tmp"
    temp_dir.mkdir()
    with override_settings(
        ROOT_URLCONF="tests.core.upload_urls",
        XINBAN_MAX_UPLOAD_BYTES=LIMIT,
        FILE_UPLOAD_MAX_MEMORY_SIZE=0,  # everything streams to a temp file, as big files do
        FILE_UPLOAD_TEMP_DIR=str(temp_dir),
        FILE_UPLOAD_HANDLERS=RECORDING_HANDLERS,
    ):
        client = Client()

        def post(data: Any, **kwargs: Any) -> dict[str, Any]:
            response = client.post("/upload/", data, **kwargs)
            assert response.status_code == 200
            body = json.loads(response.content)
            body["temp_after"] = sorted(os.listdir(temp_dir))
            return body

        yield post


def test_file_within_the_limit_is_kept(upload_client: Any) -> None:
    body = upload_client({"attachment": upload("a.txt", b"a" * LIMIT), "note": "备注"})
    assert body["valid"] is True
    assert body["contents"]["attachment"] == "a" * LIMIT
    assert len(body["temp_files"]) == 1  # the control: stored uploads are visible here
    assert body["seen"] == {"attachment": LIMIT}
    assert body["refused"] == []


def test_oversized_file_is_refused_while_streaming(upload_client: Any) -> None:
    body = upload_client({"attachment": upload("big.pdf", b"b" * (3 * LIMIT)), "note": "备注"})
    assert body["valid"] is False
    assert body["errors"]["attachment"] == ["文件超过大小上限（100 KB）。请压缩或拆分后再上传。"]
    assert body["codes"]["attachment"] == ["file_too_large"]  # not also "required"
    assert "文件超过大小上限（100 KB）" in body["html"]
    assert body["note"] == "备注"  # fields after the file survive: the form can re-render
    assert body["refused"] == ["attachment"]
    assert body["seen"]["attachment"] <= LIMIT  # never more than the limit went on
    assert body["temp_files"] == [] and body["temp_after"] == []


def test_body_over_the_request_limit_stores_nothing(upload_client: Any) -> None:
    body = upload_client({"attachment": upload("huge.pdf", b"c" * (LIMIT + MIB + 1))})
    assert body["codes"]["attachment"] == ["file_too_large"]
    assert body["seen"] == {}  # refused at the very first byte
    assert body["temp_files"] == [] and body["temp_after"] == []
    with override_settings(XINBAN_MAX_UPLOAD_REQUEST_BYTES=2000):
        body = upload_client(
            {"attachment": upload("a.txt", b"a" * 900), "extra": upload("b.txt", b"b" * 900)}
        )
    assert body["refused"] == ["attachment", "extra"]
    assert body["seen"] == {}


@pytest.mark.parametrize("refused_first", [False, True])
def test_refusing_one_file_keeps_the_others(upload_client: Any, refused_first: bool) -> None:
    good = ("attachment", upload("a.txt", b"g" * 5000))
    bad = ("extra", upload("b.txt", b"x" * (2 * LIMIT)))
    data = dict([bad, good] if refused_first else [good, bad])
    with override_settings(XINBAN_MAX_UPLOAD_REQUEST_BYTES=10 * MIB):
        body = upload_client(data)
    assert body["contents"] == {"attachment": "g" * 5000}  # still open and intact
    assert body["refused"] == ["extra"] and body["refused_by_form"] == ["extra"]
    # The optional field would otherwise have passed silently without its file.
    assert body["codes"] == {"extra": ["file_too_large"]}
    assert len(body["temp_files"]) == 1


def test_part_announcing_its_oversize_length_keeps_earlier_files(upload_client: Any) -> None:
    # Some clients send a Content-Length per part. Refusing on it at once (in new_file)
    # would make Django close the previous field's already accepted file.
    boundary = "XinbanBoundary"
    parts = [
        ("attachment", "a.txt", b"g" * 5000, ""),
        ("extra", "b.txt", b"x" * (2 * LIMIT), f"Content-Length: {2 * LIMIT}\r\n"),
    ]
    body = b""
    for field, name, data, extra_header in parts:
        body += (
            (
                f"--{boundary}\r\n"
                f'Content-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
                f"Content-Type: text/plain\r\n{extra_header}\r\n"
            ).encode()
            + data
            + b"\r\n"
        )
    body += f"--{boundary}--\r\n".encode()
    with override_settings(XINBAN_MAX_UPLOAD_REQUEST_BYTES=10 * MIB):
        result = upload_client(body, content_type=f"multipart/form-data; boundary={boundary}")
    assert result["contents"] == {"attachment": "g" * 5000}
    assert result["codes"] == {"extra": ["file_too_large"]}
    assert result["seen"] == {"attachment": 5000}  # nothing of the announced file got through


def test_default_handlers_refuse_too(tmp_path: Path) -> None:
    with override_settings(
        ROOT_URLCONF="tests.core.upload_urls",
        XINBAN_MAX_UPLOAD_BYTES=LIMIT,
        FILE_UPLOAD_TEMP_DIR=str(tmp_path),
    ):
        response = Client().post("/upload/", {"attachment": upload("a.pdf", b"z" * 2 * LIMIT)})
    body = json.loads(response.content)
    assert body["codes"] == {"attachment": ["file_too_large"]}
    assert os.listdir(tmp_path) == []


def test_upload_refused_fields_parses_the_body_itself() -> None:
    with override_settings(XINBAN_MAX_UPLOAD_BYTES=10):
        request = RequestFactory().post("/", {"attachment": upload("a.pdf", b"x" * 100)})
        assert not hasattr(request, "upload_refusals")  # nothing parsed yet
        assert upload_refused_fields(request) == {"attachment"}
    assert upload_refused_fields(RequestFactory().get("/")) == set()


# --------------------------------------------------------------------------- whole videos


def _audio_only_mp4() -> bytes:
    from tests.media import _ffmpeg

    return _ffmpeg(["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac"], ".mp4")


@pytest.mark.parametrize(
    ("label", "make", "code"),
    [
        ("a valid header followed by garbage", lambda: real_mp4() + b"garbage!" * 64, "corrupt"),
        ("a truncated file", lambda: real_mp4()[:-200], "corrupt"),
        ("a header and filler only", lambda: real_mp4()[:32] + b"\x00" * 4096, "corrupt"),
        ("a sound track without a picture", _audio_only_mp4, "no_video"),
        ("a WebM header and garbage", lambda: real_webm()[:64] + b"x" * 4096, "corrupt"),
    ],
)
def test_a_video_is_checked_as_a_whole_container(label: str, make: Any, code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_upload(upload("汇报视频.mp4", make()), kinds=UploadKind.VIDEO)
    assert refused.value.code == code, label


def test_a_real_video_passes_with_its_track_and_duration() -> None:
    from xinban.core.videos import inspect_bmff

    data = real_mp4(200 * 1024, seed=7)
    facts = inspect_bmff(io.BytesIO(data), len(data))
    assert facts.video_track and facts.duration_seconds == pytest.approx(1.0, abs=0.2)
    assert facts.top_level[:2] == ["ftyp", "moov"] and facts.top_level[-1] == "free"
    for kind in ("mp4", "mov", "webm"):
        assert validate_upload(upload("v", REAL_FILES[kind]()), kinds=UploadKind.VIDEO).ext == kind
