"""The presentation video for those who may watch it: download, and streaming with byte
ranges."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

from xinban.core import uploads
from xinban.core.http import AuthenticatedHttpRequest
from xinban.evaluation.models import PresentationVideo


def _viewable_video(request: AuthenticatedHttpRequest, pk: int) -> PresentationVideo:
    video = (
        PresentationVideo.objects.select_related("application").filter(application_id=pk).first()
    )
    if video is None or not video.file:
        raise Http404
    if not request.user.has_perm("evaluation.view_video", video.application):
        raise Http404
    return video


@login_required
def video_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    video = _viewable_video(request, pk)
    return uploads.attachment_response(
        video.file, download_name=video.original_name, content_type=video.content_type or None
    )


_STREAM_BLOCK = 256 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The one range of a ``Range: bytes=a-b`` header as (first, last), inclusive;
    None when absent or not a single satisfiable range (the caller answers 200 or 416)."""
    match = _RANGE.match(header.strip())
    if not match or size <= 0:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last n bytes
        n = int(last[:19])
        return (max(0, size - n), size - 1) if n > 0 else None
    start = int(first[:19])
    end = min(int(last[:19]), size - 1) if last else size - 1
    return (start, end) if start <= end else None


def _blocks(file: Any, start: int, length: int) -> Iterator[bytes]:
    try:
        file.seek(start)
        while length > 0:
            block = file.read(min(_STREAM_BLOCK, length))
            if not block:
                break
            length -= len(block)
            yield block
    finally:
        file.close()


@login_required
def video_stream(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The video played in the page (``<video>``): the same permission as the download,
    served inline with byte ranges (seeking, resuming) in blocks, never whole in memory.
    Its type is the one detected from the content at upload, never the browser's guess."""
    video = _viewable_video(request, pk)
    size = video.file.size
    header = request.headers.get("Range", "")
    wanted = _byte_range(header, size) if header else None
    if header and wanted is None and _RANGE.match(header.strip()):
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    first, last = wanted if wanted is not None else (0, size - 1)
    response = StreamingHttpResponse(
        _blocks(video.file.open("rb"), first, last - first + 1),
        status=206 if wanted is not None else 200,
        content_type=video.content_type or "application/octet-stream",
    )
    response["Content-Length"] = str(max(0, last - first + 1))
    if wanted is not None:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-cache"
    return response
