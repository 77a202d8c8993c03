"""Helpers for the resumable-upload tests: a small valid MP4, users, small chunks."""

from __future__ import annotations

import contextlib
import hashlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from tests.conftest import make_user
from tests.media import real_mp4

KIB = 1024
CHUNK = 64 * KIB  # tests use small chunks so a few hundred KiB make several of them

# A minimal ISO-BMFF header: 'ftyp' box, major brand mp42, compatible brands mp42 isom.
FTYP = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def mp4_bytes(payload_size: int = 300 * KIB, *, seed: int = 4) -> bytes:
    """A real one-second MP4 padded to about ``payload_size`` bytes with seeded random
    bytes (a 'free' box), so it passes the whole-container check and files differ."""
    return real_mp4(len(FTYP) + 8 + payload_size, seed=seed)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def chunks(data: bytes, start: int = 0, size: int = CHUNK) -> list[tuple[int, bytes]]:
    return [(offset, data[offset : offset + size]) for offset in range(start, len(data), size)]


def stored_files() -> list[Path]:
    """Every file in MEDIA_ROOT (the default storage in the tests)."""
    root = Path(django_settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def part_files() -> list[Path]:
    from xinban.uploads_resumable.services import parts_dir

    directory = parts_dir()
    return sorted(directory.iterdir()) if directory.exists() else []


class DroppingStream(io.RawIOBase):
    """A request body whose connection drops after ``deliver`` bytes: reads past that raise
    OSError, which is what a WSGI server's input does when the client goes away."""

    def __init__(self, data: bytes, deliver: int) -> None:
        self._data = data[:deliver]
        self._pos = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1, /) -> bytes:
        if self._pos >= len(self._data):
            raise OSError("connection reset by peer")
        size = len(self._data) - self._pos if size is None or size < 0 else size
        block = self._data[self._pos : self._pos + size]
        self._pos += len(block)
        return block

    def readline(self, size: int | None = -1, /) -> bytes:  # LimitedStream wants it; unused
        return self.read(-1 if size is None else size)


@pytest.fixture(autouse=True)
def _small_chunks(settings: Any) -> None:
    settings.XINBAN_UPLOAD_CHUNK_BYTES = CHUNK


@pytest.fixture
def uploader(db: Any) -> Any:
    return make_user("uploader@example.com", "典型经验候选人")


@pytest.fixture
def outsider(db: Any) -> Any:
    return make_user("outsider@example.com", "其他用户")


def media_is_empty() -> bool:
    return not stored_files()


@contextlib.contextmanager
def any_target_may_upload_videos() -> Iterator[None]:
    """The upload protocol's own tests use "presentation_video" with arbitrary targets:
    swap the evaluation's permission check (only a candidate's applicant) for none, and
    put it back after."""
    from xinban.uploads_resumable.services import (
        UploadKind,
        UploadPurpose,
        register_upload_purpose,
        upload_purpose,
    )

    original = upload_purpose("presentation_video")
    register_upload_purpose(UploadPurpose("presentation_video", kinds=(UploadKind.VIDEO,)))
    try:
        yield
    finally:
        if original is not None:
            register_upload_purpose(original)


@pytest.fixture(autouse=True)
def _any_target() -> Iterator[None]:
    with any_target_may_upload_videos():
        yield
