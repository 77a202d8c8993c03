"""The upload widget in a real Chromium (fixtures of tests/browser_fixtures.py): the progress bar
climbs to 100 % and the server holds the file with the original's SHA-256, also when one
chunk's connection is reset on the way; a reload resumes from the server's offset; a wrong
type is refused with a Chinese message."""

from __future__ import annotations

import io
import os
import random
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from tests.conftest import make_user
from tests.uploads_resumable.conftest import CHUNK, KIB, mp4_bytes, sha256_hex
from xinban.uploads_resumable.models import UploadSession, UploadStatus
from xinban.uploads_resumable.services import upload_session_append, upload_session_start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SESSION_URL = re.compile(r"/uploads/[0-9a-f-]{36}/$")
MTIME = 1_700_000_000  # whole seconds, so File.lastModified is exact


@pytest.fixture
def candidate(transactional_db: Any) -> Any:
    return make_user("candidate@example.com", "典型经验候选人")


@pytest.fixture
def widget_page(settings: Any, live_server: Any, context: Any, page: Any, candidate: Any) -> Any:
    """The test page with the widget, opened by the logged-in candidate."""
    settings.ROOT_URLCONF = "tests.uploads_resumable.urls"
    client = Client()
    client.force_login(candidate)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    response = page.goto(f"{live_server.url}/test-upload-widget/")
    assert response is not None and response.ok
    # Record what the page sees: the complete event and every progress value shown.
    page.evaluate(
        """() => {
            window.__completed = [];
            window.__progress = [];
            document.addEventListener("chunked-upload:complete",
                (event) => window.__completed.push(event.detail));
            const bar = document.querySelector("#video [data-role=progress]");
            new MutationObserver(() => window.__progress.push(
                Number(bar.getAttribute("aria-valuenow")))
            ).observe(bar, {attributes: true, attributeFilter: ["aria-valuenow"]});
        }"""
    )
    return page


def video_file(tmp_path: Path, data: bytes, name: str = "汇报视频.mp4") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    os.utime(path, (MTIME, MTIME))
    return path


def record_requests(page: Any, *, drop_patch_number: int | None = None) -> list[tuple[str, Any]]:
    """(method, Upload-Offset) of each request to a session URL; the PATCH with the given
    number (1-based) has its connection reset once, before it reaches the server."""
    seen: list[tuple[str, Any]] = []

    def handle(route: Any, request: Any) -> None:
        offset = request.headers.get("upload-offset")
        seen.append((request.method, int(offset) if offset is not None else None))
        patches = sum(1 for method, _offset in seen if method == "PATCH")
        if request.method == "PATCH" and patches == drop_patch_number:
            route.abort("connectionreset")
            return
        route.continue_()

    page.route(SESSION_URL, handle)
    return seen


def expect_complete(page: Any) -> None:
    progress = page.locator("#video [data-role=progress]")
    expect(progress).to_be_visible()
    expect(progress).to_have_attribute("aria-valuenow", "100", timeout=30_000)
    expect(page.locator("#video [data-role=bar]")).to_have_text("100%")
    expect(page.locator("#video [data-role=status]")).to_contain_text("上传完成")
    expect(page.locator("#video")).to_have_attribute("data-state", "complete")


def stored_sha256(session: UploadSession) -> str:
    with session.file.open("rb") as stored:
        return sha256_hex(stored.read())


def test_upload_with_a_dropped_connection_completes(
    widget_page: Any, candidate: Any, tmp_path: Path, js_errors: list[str]
) -> None:
    page = widget_page
    data = mp4_bytes(700 * KIB)
    requests = record_requests(page, drop_patch_number=4)

    page.locator("#video-file").set_input_files(str(video_file(tmp_path, data)))
    expect_complete(page)

    session = UploadSession.objects.get(owner=candidate)
    assert session.status == UploadStatus.COMPLETE
    assert session.target == "test.candidate:1" and session.filename == "汇报视频.mp4"
    assert session.sha256 == sha256_hex(data)
    assert stored_sha256(session) == sha256_hex(data)

    # The reset chunk was sent again from the offset the server gave (HEAD), not skipped.
    patches = [offset for method, offset in requests if method == "PATCH"]
    assert patches[3] == 3 * CHUNK and patches[4] == 3 * CHUNK
    assert ("HEAD", None) in requests
    assert patches == sorted(patches)

    # The form gets the id; the page heard the event; the bar moved through the middle.
    assert page.locator("#video [name=upload_id]").input_value() == str(session.pk)
    completed = page.evaluate("() => window.__completed")
    assert completed == [
        {
            "id": str(session.pk),
            "sha256": sha256_hex(data),
            "size": len(data),
            "filename": "汇报视频.mp4",
        }
    ]
    progress = page.evaluate("() => window.__progress")
    assert any(0 < value < 100 for value in progress), progress
    assert progress == sorted(progress) and progress[-1] == 100
    assert js_errors == []


def test_choosing_the_same_file_after_a_reload_resumes(
    widget_page: Any, candidate: Any, tmp_path: Path, js_errors: list[str]
) -> None:
    page = widget_page
    data = mp4_bytes(500 * KIB)
    path = video_file(tmp_path, data)
    # An earlier visit got three chunks through before the tab was closed.
    earlier = upload_session_start(
        actor=candidate,
        purpose="presentation_video",
        target="test.candidate:1",
        filename=path.name,
        size=len(data),
    )
    for offset in range(0, 3 * CHUNK, CHUNK):
        upload_session_append(
            actor=candidate,
            session_id=earlier.pk,
            offset=offset,
            stream=io.BytesIO(data[offset : offset + CHUNK]),
            length=CHUNK,
        )
    page.evaluate(
        """([id, file]) => {
            const root = document.getElementById("video");
            const key = window.xinbanChunkedUpload.storageKey(root, file);
            localStorage.setItem(key, JSON.stringify({id, at: Date.now()}));
        }""",
        [str(earlier.pk), {"name": path.name, "size": len(data), "lastModified": MTIME * 1000}],
    )
    page.reload()
    requests = record_requests(page)

    page.locator("#video-file").set_input_files(str(path))
    expect_complete(page)

    patches = [offset for method, offset in requests if method == "PATCH"]
    assert patches[0] == 3 * CHUNK  # not from 0
    assert UploadSession.objects.count() == 1  # no new session
    earlier.refresh_from_db()
    assert earlier.status == UploadStatus.COMPLETE
    assert earlier.sha256 == sha256_hex(data) == stored_sha256(earlier)
    assert js_errors == []


def test_a_wrong_type_is_refused_in_the_page(
    widget_page: Any, candidate: Any, tmp_path: Path, js_errors: list[str]
) -> None:
    page = widget_page
    fake = random.Random(7).randbytes(150 * KIB)
    page.locator("#video-file").set_input_files(str(video_file(tmp_path, fake, "假视频.mp4")))

    status = page.locator("#video [data-role=status]")
    expect(status).to_contain_text("上传失败", timeout=30_000)
    expect(status).to_contain_text("不是有效的 MP4 文件")
    expect(page.locator("#video")).to_have_attribute("data-state", "failed")
    assert page.locator("#video [name=upload_id]").input_value() == ""
    assert page.evaluate("() => window.__completed") == []
    assert UploadSession.objects.get(owner=candidate).status == UploadStatus.REFUSED
    assert js_errors == []
