"""loadtest/wsgi.py: one profile line per request, with its database and template time."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from loadtest import wsgi

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def timed_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    # The test environment replaces Template._render (to record rendered templates) after
    # this module imported loadtest.wsgi: put the timing back for these tests.
    from django.template.base import Template

    monkeypatch.setattr(Template, "_render", wsgi._timed_render)


def call(path: str, **extra: str) -> tuple[str, bytes]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        **extra,
    }
    statuses: list[str] = []
    body = b"".join(
        wsgi.application(environ, lambda status, headers, exc=None: statuses.append(status))
    )
    return statuses[0], body


def test_each_request_writes_its_breakdown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wsgi, "OUT_DIR", str(tmp_path))
    status, body = call("/accounts/login/")
    assert status.startswith("200"), body[:300]
    call("/applications/12345/")  # anonymous: redirected to the log-in, path normalised

    lines = [
        line.split("\t")
        for path in tmp_path.glob("profile-*.tsv")
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    assert [(line[0], line[1], line[2]) for line in lines] == [
        ("GET", "/accounts/login/", "200"),
        ("GET", "/applications/[id]/", "302"),
    ]
    login = lines[0]
    total, db, template = float(login[3]), float(login[4]), float(login[5])
    assert template > 0  # the log-in page is a rendered template
    assert 0 <= db + template <= total
    assert float(login[7]) > 1_700_000_000  # started: Unix time


def test_without_the_variable_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wsgi, "OUT_DIR", "")
    monkeypatch.chdir(tmp_path)
    status, _body = call("/accounts/login/")
    assert status.startswith("200")
    assert not list(tmp_path.rglob("profile-*.tsv"))
