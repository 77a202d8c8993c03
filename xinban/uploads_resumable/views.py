"""The resumable upload protocol over HTTP (tus-like, much simpler). The widget
(``uploads_resumable/_widget.html`` + ``xinban/chunked_upload.js``) speaks it; so can
any client.

Start ::

    POST /uploads/    Content-Type: application/json
    {"purpose": "presentation_video", "target": "evaluation.candidate:42",
     "filename": "汇报视频.mp4", "size": 1234567890}
    → 201 {"id", "status": "open", "offset": 0, "size", "chunk_size", "filename", ...}
      Location: /uploads/<id>/
      400 bad field · 404 target not available to this user · 413 over the size limit
      (XINBAN_MAX_VIDEO_BYTES, 2 GiB) · 429 too many unfinished uploads · 507 disk full

Send a chunk ::

    PATCH /uploads/<id>/    Upload-Offset: <bytes already received>
    Content-Type: application/offset+octet-stream    Content-Length: <≤ chunk_size>
    <raw bytes>
    → 204, Upload-Offset: <new offset>                        more bytes expected
    → 200 {"id", "status": "complete", "sha256", "size", ...}  that was the last byte
      409 {"code": "offset_mismatch" | "busy" | "complete", "offset"} + Upload-Offset:
          continue from that offset (busy: another request is writing; retry shortly)
      400 {"code": "interrupted", "offset"}: the body ended early; what arrived is kept
      410 cancelled, refused or expired · 411 no Content-Length · 413 chunk too large
      or beyond the declared size · 415 wrong Content-Type header, or (on the last
      chunk) the file's content is not an accepted type: the upload is refused, its
      bytes deleted, and "detail" says why (Chinese first)

    The body is read from the request stream in 64 KiB blocks straight into the part
    file; ``request.body`` is never touched, so DATA_UPLOAD_MAX_MEMORY_SIZE does not
    apply and a chunk is never held in memory whole. An empty PATCH at offset == size
    retries a finish that failed on the server.

Where to resume (after a dropped connection or a page reload) ::

    HEAD /uploads/<id>/  → 200, Upload-Offset, Upload-Length, Upload-Status,
                           Upload-Chunk-Size; 410 (with Upload-Status) when it ended
    GET  /uploads/<id>/  → 200 the JSON state (with sha256 once complete)

Cancel ::

    DELETE /uploads/<id>/ → 204 (its bytes deleted; idempotent) · 409 when complete

Only the owner may touch a session: everyone else gets 404. Anonymous requests get 401.
Writes need the CSRF token in ``X-CSRFToken``. Every response has Cache-Control:
no-store. Errors are JSON {"detail", "code"[, "offset"]}.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, cast

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache

from xinban.accounts.models import User
from xinban.core.errors import ServiceError
from xinban.uploads_resumable import services
from xinban.uploads_resumable.models import UploadSession, UploadStatus

CHUNK_CONTENT_TYPES = ("application/offset+octet-stream", "application/octet-stream")
MSG_LOGIN = "请先登录。Please sign in."
MSG_BAD_JSON = "请求格式无效。Malformed request."
MSG_CONTENT_TYPE = "分块的 Content-Type 必须是 application/offset+octet-stream。Chunks must be sent as application/offset+octet-stream."  # noqa: E501
MSG_LENGTH_REQUIRED = "缺少 Content-Length。Content-Length required."


def session_payload(session: UploadSession) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": str(session.pk),
        "status": session.status,
        "purpose": session.purpose,
        "target": session.target,
        "filename": session.filename,
        "size": session.size,
        "offset": session.received_bytes,
        "chunk_size": services.chunk_bytes(),
        "expires_at": session.expires_at.isoformat(),
        "url": reverse("uploads_resumable:session", args=[session.pk]),
    }
    if session.status == UploadStatus.COMPLETE:
        payload["sha256"] = session.sha256
        payload["content_type"] = session.content_type
    return payload


def _error(exc: ServiceError) -> JsonResponse:
    body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
    offset = getattr(exc, "offset", None)
    if offset is not None:
        body["offset"] = offset
    response = JsonResponse(body, status=exc.status)
    if offset is not None:
        response["Upload-Offset"] = str(offset)
    return response


def _plain_error(message: str, code: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": message, "code": code}, status=status)


def _unauthenticated() -> JsonResponse:
    return _plain_error(MSG_LOGIN, "login_required", 401)


@never_cache
def start(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _unauthenticated()
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    actor = cast(User, request.user)
    try:
        # A few hundred bytes of JSON: request.body is fine here (and size-limited).
        data = json.loads(request.body or b"{}")
        if not isinstance(data, dict):
            raise ValueError("not an object")
        size = data.get("size")
        if isinstance(size, str) and size.isdigit():
            size = int(size)
        session = services.upload_session_start(
            actor=actor,
            purpose=str(data.get("purpose") or ""),
            target=str(data.get("target") or ""),
            filename=str(data.get("filename") or ""),
            size=size if isinstance(size, int) else -1,
        )
    except (ValueError, UnicodeDecodeError):
        return _plain_error(MSG_BAD_JSON, "bad_request", 400)
    except ServiceError as exc:
        return _error(exc)
    response = JsonResponse(session_payload(session), status=201)
    response["Location"] = reverse("uploads_resumable:session", args=[session.pk])
    return response


@never_cache
def session(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    if not request.user.is_authenticated:
        return _unauthenticated()
    actor = cast(User, request.user)
    try:
        if request.method in ("GET", "HEAD"):
            found = services.upload_session_status(actor=actor, session_id=pk)
            if request.method == "HEAD":
                return _head(found)
            return JsonResponse(session_payload(found))
        if request.method == "PATCH":
            return _patch(request, pk)
        if request.method == "DELETE":
            services.upload_session_cancel(actor=actor, session_id=pk)
            return HttpResponse(status=204)
        services.upload_session_status(actor=actor, session_id=pk)
        return HttpResponseNotAllowed(["GET", "HEAD", "PATCH", "DELETE"])
    except ServiceError as exc:
        return _error(exc)


def _head(found: UploadSession) -> HttpResponse:
    ended = found.status not in (UploadStatus.OPEN, UploadStatus.COMPLETE)
    response = HttpResponse(status=410 if ended else 200)
    response["Upload-Offset"] = str(found.received_bytes)
    response["Upload-Length"] = str(found.size)
    response["Upload-Status"] = found.status
    response["Upload-Chunk-Size"] = str(services.chunk_bytes())
    return response


def _patch(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    actor = cast(User, request.user)
    if request.content_type not in CHUNK_CONTENT_TYPES:
        # Ownership first, so an outsider learns nothing from the error.
        services.upload_session_status(actor=actor, session_id=pk)
        return _plain_error(MSG_CONTENT_TYPE, "bad_content_type", 415)
    raw_offset = request.headers.get("Upload-Offset", "")
    raw_length = request.META.get("CONTENT_LENGTH") or ""
    if not raw_offset.isdigit() or not raw_length.isdigit():
        services.upload_session_status(actor=actor, session_id=pk)
        if not raw_length.isdigit():
            return _plain_error(MSG_LENGTH_REQUIRED, "length_required", 411)
        return _plain_error(services.MSG_BAD_OFFSET, "bad_offset", 400)
    found = services.upload_session_append(
        actor=actor,
        session_id=pk,
        offset=int(raw_offset),
        stream=request,  # read in blocks, never request.body
        length=int(raw_length),
    )
    if found.status == UploadStatus.COMPLETE:
        return JsonResponse(session_payload(found))
    response = HttpResponse(status=204)
    response["Upload-Offset"] = str(found.received_bytes)
    return response
