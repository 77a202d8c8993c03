"""Real video files for tests, made with Debian's ffmpeg (as the demo does) and cached per
process: uploads are checked as whole containers (xinban/core/videos.py), so a header
followed by filler is no longer a video."""

from __future__ import annotations

import random
import shutil
import struct
import subprocess
import tempfile
from functools import cache
from pathlib import Path


def _ffmpeg(arguments: list[str], suffix: str) -> bytes:
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg is needed (Debian package ffmpeg; make system-deps installs it)"
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"clip{suffix}"
        command = [ffmpeg, "-hide_banner", "-loglevel", "error", *arguments, str(target)]
        subprocess.run(command, check=True, capture_output=True, timeout=120)
        return target.read_bytes()


@cache
def _mp4(brand: str) -> bytes:
    movflags = ["-movflags", "+faststart"]
    fmt = ["-f", "mov"] if brand == "mov" else []
    return _ffmpeg(
        [
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x64:rate=5:duration=1",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            *movflags,
            *fmt,
        ],
        ".mov" if brand == "mov" else ".mp4",
    )


@cache
def real_webm() -> bytes:
    return _ffmpeg(
        [
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x64:rate=5:duration=1",
            "-c:v",
            "libvpx",
            "-b:v",
            "50k",
        ],
        ".webm",
    )


def real_mp4(size: int | None = None, *, seed: int = 0, mov: bool = False) -> bytes:
    """A one-second MP4 (or MOV) with a video track, padded to ``size`` bytes with a
    top-level 'free' box of seeded random bytes (distinct files for distinct seeds)."""
    base = _mp4("mov" if mov else "mp4")
    if size is None and not seed:
        return base
    target = max(size or 0, len(base) + 8 + 16)
    padding = random.Random(seed).randbytes(target - len(base) - 8)
    return base + struct.pack(">I", 8 + len(padding)) + b"free" + padding
