"""A short, real presentation video for the demo's typical-experience candidates
(README, "Demo data"): made at demo time with Debian's ``ffmpeg`` (a four-second H.264
MP4 of a test pattern with a tone; nothing is committed), checked by the platform's own
upload check, so the guiding unit can watch it and decide. Without ``ffmpeg`` the demo
leaves the candidates without a video and says so."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.core.files import File

from xinban.core import uploads

SECONDS = 4
NAME = "班组发表视频（演示）.mp4"


def demo_video_bytes() -> bytes | None:
    """The MP4's bytes, or None when ffmpeg is not installed (or fails)."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "demo.mp4"
        command = [
            ffmpeg,
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size=640x360:rate=15:duration={SECONDS}",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={SECONDS}",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",  # what browsers play
            "-c:a",
            "aac",
            "-movflags",
            "+faststart",  # playable while it downloads
            "-shortest",
            str(target),
        ]
        try:
            # A fixed command: ffmpeg's own test sources, a temporary target.
            subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603
        except (OSError, subprocess.SubprocessError):
            return None
        content = target.read_bytes()
    # The same check as an applicant's upload (content sniffed, size limit).
    with tempfile.TemporaryFile() as spool:
        spool.write(content)
        spool.seek(0)
        uploads.validate_upload(
            File(spool, name=NAME), kinds=uploads.UploadKind.VIDEO, max_bytes=len(content) + 1
        )
    return content
