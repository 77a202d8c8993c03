"""The server process killed (SIGKILL) in the middle of an upload and in the middle of a
submission leaves no half-saved application and no orphan file visible, and the user can
simply try again.

Each test drives the real pages (log-in form, upload form, submit button, CSRF tokens from
the pages) of a real gunicorn server in a subprocess, kills it, checks what is stored,
restarts it and lets the same browser (same session cookie) try again.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.faults.conftest import (
    MIB,
    BackgroundRequest,
    Browser,
    FaultSite,
    SlowUpload,
    large_pdf,
    run_python,
    sha256,
    wait_for,
    wait_until_gone,
)

pytestmark = pytest.mark.faults

FILE_SIZE = 6 * MIB  # larger than FILE_UPLOAD_MAX_MEMORY_SIZE: streamed to a temporary file


def detail(site: FaultSite) -> str:
    return f"/applications/{site.pk}/"


def logged_in(site: FaultSite, port: int) -> Browser:
    browser = Browser(port)
    browser.login(site.data["email"], site.data["password"])
    return browser


def assert_untouched(after: dict[str, Any], before: dict[str, Any]) -> None:
    """Nothing of the interrupted request was kept."""
    for key in ("state", "version", "submitted_at", "organisation_snapshot", "revisions"):
        assert after[key] == before[key], key
    assert after["audit"] == before["audit"]
    assert after["attachments"] == before["attachments"]
    assert after["missing"] == []  # every row's file is still there


def upload_again(site: FaultSite, browser: Browser, data: bytes) -> None:
    response = browser.post_file(
        f"/applications/{site.pk}/attachments/",
        {"area": "1"},
        {"file": ("创建材料.pdf", "application/pdf", data)},
        token_from=detail(site),
    )
    assert response.status == 302, (response.status, response.text[:2000])
    assert response.location.endswith(detail(site))


def assert_one_good_attachment(site: FaultSite, before: dict[str, Any], data: bytes) -> None:
    after = site.inspect()
    assert len(after["attachments"]) == 1
    stored = after["attachments"][0]
    assert stored["size"] == len(data)
    assert stored["sha256"] == stored["actual_sha256"] == sha256(data)
    assert after["audit"] == [*before["audit"], "application.attachment_add"]
    assert after["version"] == before["version"] + 1
    assert after["missing"] == []


def test_killed_while_an_upload_streams_in(site: FaultSite) -> None:
    server = site.start_server()
    browser = logged_in(site, server.port)
    before = site.inspect()
    assert before["attachments"] == [] and before["unreferenced"] == []
    assert before["referenced"], "the draft's stamped form is a stored file"
    data = large_pdf(FILE_SIZE)

    upload = SlowUpload(
        browser,
        f"/applications/{site.pk}/attachments/",
        {"csrfmiddlewaretoken": browser.csrf_token(detail(site)), "area": "1"},
        {"file": ("创建材料.pdf", "application/pdf", data)},
    )

    def server_is_reading_it(sent: int) -> bool:
        # Django streams the file into a temporary file while the view waits for it.
        return sent > 2 * MIB and site.temp_upload_bytes() > MIB

    upload.send_file_until(server_is_reading_it)
    assert upload.sent < upload.total
    server.kill()
    upload.close()

    after = site.inspect()
    assert_untouched(after, before)
    # Nothing reached MEDIA_ROOT: every file there belongs to a row.
    assert after["unreferenced"] == []
    assert after["media_files"] == before["media_files"]
    # (The half-written temporary file in TMPDIR stays behind after SIGKILL; it is outside
    # MEDIA_ROOT, no row or URL refers to it, and tmp cleaners remove it.)

    restarted = site.start_server()
    browser.port = restarted.port  # same browser, same session cookie
    assert browser.get(detail(site)).status == 200, "the session survives the restart"
    upload_again(site, browser, data)
    assert_one_good_attachment(site, before, data)
    assert site.inspect()["unreferenced"] == []


def test_killed_after_the_upload_is_stored_but_before_commit(site: FaultSite) -> None:
    """The worst moment: the file is written to MEDIA_ROOT, the Attachment row, the
    version bump and the audit entry are written, the transaction is not committed."""
    server = site.start_server(pause_on="application.attachment_add")
    browser = logged_in(site, server.port)
    before = site.inspect()
    data = large_pdf(FILE_SIZE)
    token = browser.csrf_token(detail(site))

    def send() -> Any:
        from tests.faults.conftest import multipart

        content_type, head, tail = multipart(
            {"csrfmiddlewaretoken": token, "area": "1"},
            {"file": ("创建材料.pdf", "application/pdf", data)},
        )
        return browser.request(
            "POST",
            f"/applications/{site.pk}/attachments/",
            head + data + tail,
            **{"Content-Type": content_type},
        )

    request = BackgroundRequest(send)
    request.start()
    worker = site.paused_pid()
    during = site.inspect()
    assert_untouched(during, before)  # nothing is visible before COMMIT
    written = set(during["unreferenced"])
    assert written, "the file is already in MEDIA_ROOT while the transaction is open"

    server.kill()
    wait_until_gone(worker)
    request.join(timeout=10)
    assert request.response is None, "the request died with the server"

    after = site.inspect()
    assert_untouched(after, before)

    restarted = site.start_server()
    browser.port = restarted.port
    page = browser.get(detail(site))
    assert page.status == 200
    orphans = after["unreferenced"]
    for name in orphans:
        # No URL serves MEDIA_ROOT: the file is reachable only through a row, and there is none.
        assert browser.get(f"/media-not-served/{name}").status == 404
        assert name.rsplit("/", 1)[-1] not in page.text

    upload_again(site, browser, data)
    assert_one_good_attachment(site, before, data)
    final = site.inspect()
    assert set(final["unreferenced"]) == set(orphans), "the retry leaves nothing behind"
    # The daily sweep removes what the killed process left (no grace period here).
    run_python(site.env, "manage.py", "purge_orphan_files", "--older-than-hours", "0")
    assert site.inspect()["unreferenced"] == []
    assert_one_good_attachment(site, before, data)


def test_killed_inside_the_submission_transaction(site: FaultSite) -> None:
    """Killed after the state change, the revision and the audit entry are written and
    before COMMIT: the application stays a draft with nothing of the submission."""
    server = site.start_server(pause_on="application.submit")
    browser = logged_in(site, server.port)
    before = site.inspect()
    assert before["state"] == "draft" and before["revisions"] == []
    assert before["problems"] == [], "the draft is complete, so the submission goes through"
    token = browser.csrf_token(detail(site))

    from urllib.parse import urlencode

    submit_path = f"/applications/{site.pk}/submit/"
    body = urlencode({"csrfmiddlewaretoken": token}).encode()
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    request = BackgroundRequest(lambda: browser.request("POST", submit_path, body, **form))
    request.start()
    worker = site.paused_pid()
    assert_untouched(site.inspect(), before)  # not visible before COMMIT

    server.kill()
    wait_until_gone(worker)
    request.join(timeout=10)
    assert request.response is None

    after = site.inspect()
    assert_untouched(after, before)
    assert after["state"] == "draft"
    assert after["unreferenced"] == []

    restarted = site.start_server()
    browser.port = restarted.port
    response = browser.post_form(submit_path, {}, token_from=detail(site))
    assert response.status == 302, (response.status, response.text[:1000])
    submitted = site.inspect()
    assert submitted["state"] == "submitted"
    assert submitted["version"] == before["version"] + 1
    assert submitted["revisions"] == [1]
    assert submitted["audit"] == [*before["audit"], "application.submit"]
    assert submitted["organisation_snapshot"]["name"] == "上海甲精密机械有限公司"

    # A second click changes nothing: it is submitted once.
    again = browser.post_form(submit_path, {}, token_from=detail(site))
    assert again.status == 302
    final = site.inspect()
    assert final["revisions"] == [1] and final["audit"] == submitted["audit"]
    assert final["version"] == submitted["version"]


def test_killed_while_the_submission_waits_for_a_lock(site: FaultSite) -> None:
    """PostgreSQL only, and without any hook in the server: the test holds an exclusive
    lock on the revisions table, so the submission blocks inside its transaction right
    after it has updated the application row; the server is killed there."""
    if site.databases.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (make test-pg)")
    server = site.start_server()
    browser = logged_in(site, server.port)
    before = site.inspect()
    token = browser.csrf_token(detail(site))
    from urllib.parse import urlencode

    submit_path = f"/applications/{site.pk}/submit/"
    body = urlencode({"csrfmiddlewaretoken": token}).encode()
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    database = site.database_url.rsplit("/", 1)[-1]

    with site.databases.connect(database) as locker:  # type: ignore[union-attr]
        locker.execute("LOCK TABLE applications_applicationrevision IN ACCESS EXCLUSIVE MODE")
        request = BackgroundRequest(lambda: browser.request("POST", submit_path, body, **form))
        request.start()

        def blocked() -> bool:
            with site.databases.connect(database, autocommit=True) as probe:  # type: ignore[union-attr]
                row = probe.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query ILIKE '%%applicationrevision%%'"
                ).fetchone()
            return bool(row and row[0])

        wait_for(blocked, "the submission to wait for the revisions table")
        server.kill()
        time.sleep(0.2)
        locker.rollback()
    request.join(timeout=10)
    assert request.response is None

    after = site.inspect()
    assert_untouched(after, before)

    restarted = site.start_server()
    browser.port = restarted.port
    response = browser.post_form(submit_path, {}, token_from=detail(site))
    assert response.status == 302
    submitted = site.inspect()
    assert submitted["state"] == "submitted" and submitted["revisions"] == [1]
    assert submitted["audit"] == [*before["audit"], "application.submit"]
