"""The HTTP protocol through Django's test client: start, PATCH chunks, HEAD to resume after
a dropped connection, refusals, ownership, CSRF, and raw stream reads (never
request.body)."""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import pytest
from django.http import HttpRequest
from django.test import Client

from tests.uploads_resumable.conftest import (
    CHUNK,
    KIB,
    DroppingStream,
    chunks,
    media_is_empty,
    mp4_bytes,
    sha256_hex,
)
from xinban.core.uploads import MIB
from xinban.uploads_resumable.models import UploadSession, UploadStatus

pytestmark = pytest.mark.django_db

START_URL = "/uploads/"
OCTETS = "application/offset+octet-stream"


@pytest.fixture
def client_for() -> Any:
    def make(user: Any, **options: Any) -> Client:
        client = Client(**options)
        client.force_login(user)
        return client

    return make


def start(client: Client, data: bytes, *, filename: str = "汇报视频.mp4", **extra: Any) -> Any:
    body: dict[str, Any] = {"purpose": "presentation_video", "target": "t:1", "filename": filename}
    body["size"] = len(data)
    return client.post(START_URL, data=json.dumps(body), content_type="application/json", **extra)


def patch(
    client: Client, url: str, offset: int, chunk: bytes, content_type: str = OCTETS, **extra: Any
) -> Any:
    return client.patch(
        url, data=chunk, content_type=content_type, headers={"Upload-Offset": str(offset)}, **extra
    )


def test_whole_protocol(uploader: Any, client_for: Any) -> None:
    client = client_for(uploader)
    data = mp4_bytes(300 * KIB)

    response = start(client, data)
    assert response.status_code == 201
    body = response.json()
    url = response["Location"]
    assert url == f"/uploads/{body['id']}/"
    assert body["offset"] == 0 and body["chunk_size"] == CHUNK and body["status"] == "open"
    assert body["size"] == len(data) and body["filename"] == "汇报视频.mp4"
    assert "no-store" in response["Cache-Control"]

    head = client.head(url)
    assert head.status_code == 200
    assert head["Upload-Offset"] == "0" and head["Upload-Length"] == str(len(data))
    assert head["Upload-Status"] == "open" and head["Upload-Chunk-Size"] == str(CHUNK)

    *first, (last_offset, last_chunk) = chunks(data)
    for offset, chunk in first:
        response = patch(client, url, offset, chunk)
        assert response.status_code == 204, response.content
        assert response["Upload-Offset"] == str(offset + len(chunk))
    response = patch(client, url, last_offset, last_chunk)
    assert response.status_code == 200
    done = response.json()
    assert done["status"] == "complete" and done["sha256"] == sha256_hex(data)
    assert done["size"] == len(data) and done["content_type"] == "video/mp4"

    state = client.get(url).json()
    assert state["status"] == "complete" and state["sha256"] == sha256_hex(data)
    head = client.head(url)
    assert head.status_code == 200 and head["Upload-Offset"] == str(len(data))
    session = UploadSession.objects.get()
    with session.file.open("rb") as stored:
        assert sha256_hex(stored.read()) == sha256_hex(data)


def test_wrong_offset_answers_409_with_the_offset_to_resume_from(
    uploader: Any, client_for: Any
) -> None:
    client = client_for(uploader)
    data = mp4_bytes(300 * KIB)
    url = start(client, data)["Location"]
    assert patch(client, url, 0, data[:CHUNK]).status_code == 204

    response = patch(client, url, 0, data[:CHUNK])
    assert response.status_code == 409
    assert response.json()["offset"] == CHUNK and response.json()["code"] == "offset_mismatch"
    assert response["Upload-Offset"] == str(CHUNK)


def test_connection_cut_mid_chunk_then_head_and_resume(uploader: Any, client_for: Any) -> None:
    """The issue's test over HTTP: the request body stops half-way (the WSGI input raises,
    as when the client goes away); HEAD gives the resume point; the upload completes and
    the stored file's SHA-256 equals the original's."""
    client = client_for(uploader)
    data = mp4_bytes(400 * KIB)
    url = start(client, data)["Location"]
    assert patch(client, url, 0, data[:CHUNK]).status_code == 204

    chunk = data[CHUNK : 2 * CHUNK]
    response = client.patch(
        url,
        data=b"",
        content_type=OCTETS,
        headers={"Upload-Offset": str(CHUNK)},
        CONTENT_TYPE=OCTETS,  # the test client sets these only for a non-empty body
        CONTENT_LENGTH=str(len(chunk)),
        **{"wsgi.input": DroppingStream(chunk, deliver=20 * KIB)},
    )
    assert response.status_code == 400 and response.json()["code"] == "interrupted"

    head = client.head(url)
    resume_at = int(head["Upload-Offset"])
    assert resume_at == CHUNK + 20 * KIB
    last = None
    for offset, piece in chunks(data, resume_at):
        last = patch(client, url, offset, piece)
    assert last is not None and last.status_code == 200
    assert last.json()["sha256"] == sha256_hex(data)
    session = UploadSession.objects.get()
    with session.file.open("rb") as stored:
        assert sha256_hex(stored.read()) == sha256_hex(data)


def test_wrong_type_is_refused_with_415_and_a_chinese_message(
    uploader: Any, client_for: Any
) -> None:
    client = client_for(uploader)
    fake = b"%PDF-1.4\n" + bytes(100 * KIB) + b"%%EOF\n"
    url = start(client, fake, filename="汇报视频.mp4")["Location"]
    responses = [patch(client, url, offset, chunk) for offset, chunk in chunks(fake)]

    refused = responses[-1]
    assert refused.status_code == 415
    assert refused.json()["code"] == "content_mismatch"
    assert refused.json()["detail"].startswith("文件内容不是有效的 MP4 文件")
    assert UploadSession.objects.get().status == UploadStatus.REFUSED
    assert media_is_empty()
    assert client.head(url).status_code == 410


def test_junk_named_like_a_video_is_refused_naming_the_format(
    uploader: Any, client_for: Any
) -> None:
    client = client_for(uploader)
    junk = bytes(range(256)) * 40
    url = start(client, junk, filename="clip.mov")["Location"]
    response = patch(client, url, 0, junk)
    assert response.status_code == 415
    assert response.json()["code"] == "content_mismatch"
    assert "MOV" in response.json()["detail"]


def test_size_over_the_limit_is_refused_at_start(
    uploader: Any, client_for: Any, settings: Any
) -> None:
    settings.XINBAN_MAX_VIDEO_BYTES = 10 * KIB
    response = start(client_for(uploader), bytes(10 * KIB + 1))
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert "文件超过大小上限" in response.json()["detail"]
    assert not UploadSession.objects.exists()


def test_another_user_gets_404_and_anonymous_401(
    uploader: Any, outsider: Any, client_for: Any
) -> None:
    data = mp4_bytes(100 * KIB)
    url = start(client_for(uploader), data)["Location"]
    other = client_for(outsider)
    assert other.head(url).status_code == 404
    assert other.get(url).status_code == 404
    assert patch(other, url, 0, data[:CHUNK]).status_code == 404
    assert patch(other, url, 0, data[:CHUNK], content_type="text/plain").status_code == 404
    assert other.delete(url).status_code == 404
    assert other.post(url).status_code == 404  # not 405: outsiders learn nothing
    assert other.head("/uploads/00000000-0000-0000-0000-000000000000/").status_code == 404

    anonymous = Client()
    assert anonymous.head(url).status_code == 401
    assert anonymous.get(url).status_code == 401
    assert start(anonymous, data).status_code == 401
    session = UploadSession.objects.get()
    assert session.status == UploadStatus.OPEN and session.received_bytes == 0


def test_delete_cancels(uploader: Any, client_for: Any) -> None:
    client = client_for(uploader)
    data = mp4_bytes(200 * KIB)
    url = start(client, data)["Location"]
    patch(client, url, 0, data[:CHUNK])
    assert client.delete(url).status_code == 204
    head = client.head(url)
    assert head.status_code == 410 and head["Upload-Status"] == "cancelled"
    assert patch(client, url, CHUNK, data[CHUNK : 2 * CHUNK]).status_code == 410
    assert client.delete(url).status_code == 204  # idempotent


def test_protocol_errors(uploader: Any, client_for: Any) -> None:
    client = client_for(uploader)
    data = mp4_bytes(100 * KIB)
    url = start(client, data)["Location"]

    multipart = client.patch(url, data=data[:10], content_type="multipart/form-data; boundary=x")
    assert multipart.status_code == 415 and multipart.json()["code"] == "bad_content_type"
    no_offset = client.patch(url, data=data[:10], content_type=OCTETS)
    assert no_offset.status_code == 400 and no_offset.json()["code"] == "bad_offset"
    too_big = patch(client, url, 0, data[: CHUNK + 1])
    assert too_big.status_code == 413 and too_big.json()["code"] == "chunk_too_large"
    assert client.get(START_URL).status_code == 405
    assert client.post(url).status_code == 405
    bad_json = client.post(START_URL, data="{", content_type="application/json")
    assert bad_json.status_code == 400
    unknown = client.post(
        START_URL,
        data=json.dumps({"purpose": "x", "target": "", "filename": "a", "size": 1}),
        content_type="application/json",
    )
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_purpose"


def test_csrf_token_required_in_the_header(uploader: Any, client_for: Any) -> None:
    client = client_for(uploader, enforce_csrf_checks=True)
    data = mp4_bytes(100 * KIB)
    assert start(client, data).status_code == 403

    client.get("/")  # any page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = start(client, data, headers={"X-CSRFToken": token})
    assert response.status_code == 201
    url = response["Location"]
    assert patch(client, url, 0, data[:CHUNK]).status_code == 403
    ok = patch(client, url, 0, data[:CHUNK], HTTP_X_CSRFTOKEN=token)
    assert ok.status_code == 204


def test_chunk_is_streamed_never_read_through_request_body(
    uploader: Any, client_for: Any, settings: Any
) -> None:
    """A chunk bigger than DATA_UPLOAD_MAX_MEMORY_SIZE (5 MiB here) is accepted: the view
    reads the raw stream in blocks, and request.body (which would hold the whole body in
    memory, and refuse it with RequestDataTooBig) is never touched."""
    settings.XINBAN_UPLOAD_CHUNK_BYTES = 8 * MIB
    big = 6 * MIB
    assert big > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    data = mp4_bytes(2 * big)
    client = client_for(uploader)
    url = start(client, data)["Location"]

    def no_body(self: HttpRequest) -> bytes:
        raise AssertionError("request.body was read")

    with mock.patch.object(HttpRequest, "body", property(no_body)):
        first = patch(client, url, 0, data[:big])
        assert first.status_code == 204, first.content
        second = patch(client, url, big, data[big:])
    assert second.status_code == 200
    assert second.json()["sha256"] == sha256_hex(data)
