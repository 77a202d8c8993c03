"""Whole-container checks of uploaded videos (docs/deploy.md, "Uploads"): a file whose
first bytes look like a video is not yet a video. MP4 and MOV (ISO base media files) are
walked box by box to the end of the file — every box must fit inside its parent and the
top-level boxes must tile the file exactly — and must contain a video track and a
duration; WebM (Matroska) is read by Debian's ``ffprobe`` (package ffmpeg), which must
find a video stream and a duration. Only box headers are read: a 2 GB file costs a few
hundred small reads."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Boxes that contain boxes, as far as a video track and the duration are concerned.
_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf", b"mvex"}
_MAX_DEPTH = 8
_MAX_BOXES = 100_000


@dataclass
class VideoFacts:
    video_track: bool = False
    duration_seconds: float | None = None
    boxes: int = 0
    top_level: list[str] = field(default_factory=list)


def _corrupt() -> ValidationError:
    return ValidationError(
        _("视频文件不完整或已损坏（文件结构无法读到末尾），请用原软件重新导出后上传。"),
        code="corrupt",
    )


def _no_video() -> ValidationError:
    return ValidationError(
        _("文件中没有视频画面（缺少视频轨道或时长），请上传班组发表的视频。"), code="no_video"
    )


def inspect_bmff(file: IO[bytes], size: int) -> VideoFacts:
    """Walk an MP4/MOV file's boxes to its end; ValidationError if they do not tile it,
    or if it has no video track or no duration."""
    facts = VideoFacts()

    def walk(start: int, end: int, depth: int) -> None:
        position = start
        while position < end:
            facts.boxes += 1
            if facts.boxes > _MAX_BOXES:
                raise _corrupt()
            file.seek(position)
            header = file.read(16)
            if len(header) < 8:
                raise _corrupt()
            box_size, kind = struct.unpack(">I4s", header[:8])
            header_size = 8
            if box_size == 1:
                if len(header) < 16:
                    raise _corrupt()
                box_size = struct.unpack(">Q", header[8:16])[0]
                header_size = 16
            elif box_size == 0:  # "to the end of its parent"
                box_size = end - position
            if box_size < header_size or position + box_size > end:
                raise _corrupt()
            if not all(32 <= byte < 127 for byte in kind):
                raise _corrupt()
            if depth == 0:
                facts.top_level.append(kind.decode("ascii"))
            body_start, body_end = position + header_size, position + box_size
            if kind in _CONTAINERS and depth < _MAX_DEPTH:
                walk(body_start, body_end, depth + 1)
            elif kind == b"hdlr":
                file.seek(body_start)
                body = file.read(12)  # version+flags, pre_defined, handler_type
                if len(body) == 12 and body[8:12] == b"vide":
                    facts.video_track = True
            elif kind == b"mvhd":
                file.seek(body_start)
                body = file.read(32)
                if body[:1] == b"\x01" and len(body) >= 32:  # 64-bit times
                    timescale, duration = struct.unpack(">IQ", body[20:32])
                elif len(body) >= 20:
                    timescale, duration = struct.unpack(">II", body[12:20])
                else:
                    raise _corrupt()
                if timescale:
                    facts.duration_seconds = duration / timescale
            position = body_end
        if position != end:
            raise _corrupt()

    walk(0, size, 0)
    if "moov" not in facts.top_level or not facts.video_track:
        raise _no_video()
    if not facts.duration_seconds or facts.duration_seconds <= 0:
        raise _no_video()
    return facts


def inspect_with_ffprobe(file: IO[bytes]) -> VideoFacts:
    """A WebM (or any container ffprobe reads) with a video stream and a duration."""
    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        raise ValidationError(
            _("服务器暂时无法检查此格式的视频，请上传 MP4 或 MOV 格式。"), code="unsupported_type"
        )
    with tempfile.NamedTemporaryFile(suffix=".video") as copy:
        file.seek(0)
        shutil.copyfileobj(file, copy)
        copy.flush()
        command = [
            ffprobe,
            "-v",
            "error",
            "-show_entries",
            "stream=codec_type:format=duration",
            "-of",
            "json",
            copy.name,
        ]
        try:
            # A fixed command on our own temporary copy.
            result = subprocess.run(command, capture_output=True, timeout=120, check=False)  # noqa: S603
        except (OSError, subprocess.SubprocessError) as exc:
            raise _corrupt() from exc
    if result.returncode != 0 or result.stderr.strip():
        raise _corrupt()
    try:
        data = json.loads(result.stdout)
        duration = float(data.get("format", {}).get("duration") or 0)
    except (ValueError, TypeError) as exc:
        raise _corrupt() from exc
    streams = [s.get("codec_type") for s in data.get("streams", [])]
    if "video" not in streams or duration <= 0:
        raise _no_video()
    return VideoFacts(video_track=True, duration_seconds=duration)
