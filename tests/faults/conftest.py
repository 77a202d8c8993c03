"""Fault tests: the real application server (gunicorn, production settings) runs as a
subprocess and is killed with SIGKILL at chosen moments; afterwards the stored state is
checked and the same user tries again against a restarted server.

The server cannot see pytest-django's test database (an in-memory SQLite one, or a
transaction the test never commits), so each test gets a database of its own that every
process can open:

* normally a SQLite file in the test's tmp_path, copied from a template migrated once
  per test session (and per xdist worker);
* when the suite itself runs on PostgreSQL (``make test-pg``: ``DATABASE_URL`` is a
  ``postgres://`` URL), a fresh database on that same server, created from a migrated
  template database and dropped afterwards.

Test data is written by ``tests/faults/scenario.py`` in a subprocess (the same services as
the application), and read back by it, so the checks see exactly what was committed.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
GUNICORN = str(BIN / "gunicorn") if (BIN / "gunicorn").exists() else "gunicorn"
HOOKS = str(Path(__file__).with_name("gunicorn_pause.py"))
MIB = 1024 * 1024


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "faults: kills a real gunicorn server (subprocess) mid-request"
    )


# --- processes ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def base_env(database_url: str, var_dir: Path) -> dict[str, str]:
    """Production-like settings for every subprocess of one test."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINBAN_FAULT_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        XINBAN_VAR_DIR=str(var_dir),
        MEDIA_ROOT=str(var_dir / "media"),
        TMPDIR=str(var_dir / "tmp"),  # Django's temporary upload files land here
        DEBUG="0",
        XINBAN_HTTPS="0",
        XINBAN_REQUIRE_2FA="0",
        XINBAN_FAST_HASHER="1",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(ROOT),
    )
    env.pop("DB_CONN_MAX_AGE", None)
    return env


def run_python(env: dict[str, str], *args: str, timeout: float = 60) -> str:
    result = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def migrate(env: dict[str, str]) -> None:
    run_python(env, "manage.py", "migrate", "--noinput", "-v", "0", timeout=180)


class AppServer:
    """``gunicorn config.wsgi -w 1`` on a free port of 127.0.0.1, in its own process
    group so that SIGKILL reaches the master and the worker alike."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log_path = log
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        for _attempt in range(3):
            self.port = free_port()
            with open(log, "ab") as out:
                self.proc = subprocess.Popen(
                    [
                        GUNICORN,
                        "config.wsgi",
                        "-c",
                        HOOKS,
                        "-b",
                        f"127.0.0.1:{self.port}",
                        "-w",
                        "1",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            if self._wait_ready():
                return
            self.kill()
        raise AssertionError(f"gunicorn did not start:\n{self.log()}")

    def _wait_ready(self, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                return False
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/_minimal/")
                if conn.getresponse().status == 200:
                    conn.close()
                    return True
            time.sleep(0.1)
        return False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole process group: no handler, no clean-up, no rollback by us."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.alive:
            assert self.proc is not None
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        # whatever is left of the group (a worker whose master died first)
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)


def wait_until_gone(pid: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        status = Path(f"/proc/{pid}/status")
        with contextlib.suppress(OSError):
            if "State:\tZ" in status.read_text():
                return  # dead, waiting to be reaped by init
        time.sleep(0.05)
    raise AssertionError(f"process {pid} still alive after SIGKILL")


def wait_for(predicate: Callable[[], Any], what: str, timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


# --- a browser: cookies, CSRF tokens from the pages, forms, multipart --------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def multipart(
    fields: dict[str, str], files: dict[str, tuple[str, str, bytes]]
) -> tuple[str, bytes, bytes]:
    """(content type, everything before the file's bytes, everything after). One file."""
    boundary = "----xinbanfault" + uuid.uuid4().hex
    head = b""
    for name, value in fields.items():
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    assert len(files) == 1
    (name, (filename, content_type, _data)) = next(iter(files.items()))
    head += (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", head, tail


@dataclass
class Browser:
    """Just enough of a browser for the application's own pages: keeps cookies across
    server restarts (they belong to the host, not the process), reads the CSRF token from
    each form it submits, never follows redirects (the tests look at them)."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _remember(self, response: http.client.HTTPResponse) -> None:
        for header in response.msg.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def connect(self, timeout: float = 30) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def headers(self, **extra: str) -> dict[str, str]:
        headers = {"Host": f"127.0.0.1:{self.port}", **extra}
        if self.cookies:
            headers["Cookie"] = self._cookie_header()
        return headers

    def request(
        self, method: str, path: str, body: bytes | None = None, **headers: str
    ) -> Response:
        conn = self.connect()
        try:
            conn.request(method, path, body=body, headers=self.headers(**headers))
            raw = conn.getresponse()
            self._remember(raw)
            return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, raw.read())
        finally:
            conn.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def csrf_token(self, page_path: str) -> str:
        page = self.get(page_path)
        assert page.status == 200, (page_path, page.status, page.text[:500])
        match = CSRF_INPUT.search(page.text)
        assert match, f"no CSRF token in {page_path}"
        return match.group(1)

    def post_form(self, path: str, fields: dict[str, str], *, token_from: str) -> Response:
        from urllib.parse import urlencode

        body = urlencode({"csrfmiddlewaretoken": self.csrf_token(token_from), **fields}).encode()
        return self.request(
            "POST", path, body, **{"Content-Type": "application/x-www-form-urlencoded"}
        )

    def post_file(
        self,
        path: str,
        fields: dict[str, str],
        files: dict[str, tuple[str, str, bytes]],
        *,
        token_from: str,
    ) -> Response:
        fields = {"csrfmiddlewaretoken": self.csrf_token(token_from), **fields}
        content_type, head, tail = multipart(fields, files)
        data = next(iter(files.values()))[2]
        return self.request("POST", path, head + data + tail, **{"Content-Type": content_type})

    def login(self, email: str, password: str) -> None:
        response = self.post_form(
            "/accounts/login/",
            {"username": email, "password": password},
            token_from="/accounts/login/",
        )
        assert response.status == 302, (response.status, response.text[:1000])
        assert "sessionid" in self.cookies


class SlowUpload:
    """A multipart POST whose body is streamed in small pieces, so the server is in the
    middle of reading it for as long as the test wants."""

    def __init__(
        self,
        browser: Browser,
        path: str,
        fields: dict[str, str],
        files: dict[str, tuple[str, str, bytes]],
    ) -> None:
        content_type, head, tail = multipart(fields, files)
        self.data = next(iter(files.values()))[2]
        self.tail = tail
        self.total = len(head) + len(self.data) + len(tail)
        self.sent = 0
        self.conn = browser.connect(timeout=10)
        self.conn.putrequest("POST", path, skip_host=True, skip_accept_encoding=True)
        for name, value in browser.headers(
            **{"Content-Type": content_type, "Content-Length": str(self.total)}
        ).items():
            self.conn.putheader(name, value)
        self.conn.endheaders()
        self._send(head)

    def _send(self, chunk: bytes) -> None:
        self.conn.send(chunk)
        self.sent += len(chunk)

    def send_file_until(
        self, done: Callable[[int], bool], *, chunk: int = 64 * 1024, pause: float = 0.01
    ) -> None:
        """Send the file in pieces until `done(bytes sent)`; the last piece is never sent,
        so the request stays unfinished. A slow server gets time to catch up."""
        offset = 0
        keep = min(len(self.data) // 4, 256 * 1024)
        while offset < len(self.data) - keep:
            self._send(self.data[offset : min(offset + chunk, len(self.data) - keep)])
            offset = min(offset + chunk, len(self.data) - keep)
            if done(self.sent):
                return
            time.sleep(pause)
        wait_for(lambda: done(self.sent), "the server to read the upload", timeout=30)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()


class BackgroundRequest(threading.Thread):
    """A request whose answer we do not wait for (the server will die handling it)."""

    def __init__(self, send: Callable[[], Response]) -> None:
        super().__init__(daemon=True)
        self.send_request = send
        self.response: Response | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.response = self.send_request()
        except BaseException as exc:  # noqa: BLE001 (the connection is expected to break)
            self.error = exc


# --- files ------------------------------------------------------------------------------


def large_pdf(size: int) -> bytes:
    """A PDF of about `size` bytes that passes the upload checks: a real one-page document
    padded with PDF comment lines after its header."""
    from tests.conftest import pdf_bytes

    original = pdf_bytes("fault test")
    header_end = original.index(b"\n") + 1
    line = b"%" + b"x" * 126 + b"\n"
    padding = line * max(0, (size - len(original)) // len(line))
    return original[:header_end] + padding + original[header_end:]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- databases --------------------------------------------------------------------------


class SqliteDatabases:
    def __init__(self, directory: Path) -> None:
        self.template = directory / "template.sqlite3"
        var = directory / "var"
        var.mkdir()
        migrate(base_env(f"sqlite:///{self.template}", var))

    def create(self, directory: Path) -> str:
        target = directory / "db.sqlite3"
        shutil.copyfile(self.template, target)
        return f"sqlite:///{target}"

    def drop(self, url: str) -> None:
        pass

    def close(self) -> None:
        pass

    @property
    def vendor(self) -> str:
        return "sqlite"


class PostgresDatabases:
    """Databases on the PostgreSQL server the suite runs on (same host, port, role)."""

    def __init__(self, server_url: str, directory: Path) -> None:
        self.server = urlsplit(server_url)
        self.template = f"xinban_fault_tmpl_{uuid.uuid4().hex[:12]}"
        self._admin(f'CREATE DATABASE "{self.template}"')
        var = directory / "var"
        var.mkdir()
        migrate(base_env(self.url(self.template), var))

    def url(self, name: str) -> str:
        return urlunsplit(self.server._replace(path="/" + quote(name)))

    def connect(self, name: str = "postgres", **kwargs: Any) -> Any:
        import psycopg

        return psycopg.connect(
            host=self.server.hostname,
            port=self.server.port or 5432,
            user=unquote(self.server.username or ""),
            password=unquote(self.server.password or ""),
            dbname=name,
            **kwargs,
        )

    def _admin(self, sql: str) -> None:
        with self.connect(autocommit=True) as conn:
            conn.execute(sql)

    def create(self, directory: Path) -> str:
        name = f"xinban_fault_{uuid.uuid4().hex[:12]}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return self.url(name)

    def drop(self, url: str) -> None:
        name = unquote(urlsplit(url).path.lstrip("/"))
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')

    @property
    def vendor(self) -> str:
        return "postgresql"


@pytest.fixture(scope="session")
def fault_databases(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SqliteDatabases | PostgresDatabases]:
    directory = tmp_path_factory.mktemp("fault-db")
    url = os.environ.get("DATABASE_URL", "")
    databases: SqliteDatabases | PostgresDatabases
    if url.startswith(("postgres://", "postgresql://")):
        databases = PostgresDatabases(url, directory)
    else:
        databases = SqliteDatabases(directory)
    yield databases
    databases.close()


@dataclass
class FaultSite:
    """One test's world: a database and a var directory, the applicant and draft made by
    scenario.py, the servers started for it, and a way to read back what is stored."""

    databases: SqliteDatabases | PostgresDatabases
    var: Path
    database_url: str
    data: dict[str, Any] = field(default_factory=dict)
    servers: list[AppServer] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        return base_env(self.database_url, self.var)

    @property
    def media(self) -> Path:
        return self.var / "media"

    @property
    def tmp(self) -> Path:
        return self.var / "tmp"

    @property
    def marker(self) -> Path:
        return self.var / "paused"

    def start_server(self, *, pause_on: str | None = None) -> AppServer:
        env = self.env
        if pause_on:
            env.update(XINBAN_FAULT_PAUSE_ON=pause_on, XINBAN_FAULT_PAUSE_MARKER=str(self.marker))
        server = AppServer(env, self.var / f"gunicorn-{len(self.servers) + 1}.log")
        self.servers.append(server)
        return server

    def inspect(self) -> dict[str, Any]:
        out = run_python(self.env, "-m", "tests.faults.scenario", "inspect", str(self.pk))
        return json.loads(out.strip().splitlines()[-1])

    @property
    def pk(self) -> int:
        return int(self.data["application"])

    def paused_pid(self) -> int:
        text = wait_for(
            lambda: self.marker.exists() and self.marker.read_text(),
            "the paused request",
            timeout=30,
        )
        assert "in_atomic_block=True" in text, text
        return int(re.search(r"pid=(\d+)", text).group(1))  # type: ignore[union-attr]

    def temp_uploads(self) -> list[Path]:
        return sorted(self.tmp.glob("*.upload*"))

    def temp_upload_bytes(self) -> int:
        """Size of the largest temporary upload file Django is writing right now."""
        sizes = [0]
        for path in self.temp_uploads():
            with contextlib.suppress(OSError):
                sizes.append(path.stat().st_size)
        return max(sizes)


@pytest.fixture
def site(
    fault_databases: SqliteDatabases | PostgresDatabases, tmp_path: Path
) -> Iterator[FaultSite]:
    var = tmp_path / "var"
    (var / "tmp").mkdir(parents=True)
    (var / "media").mkdir()
    url = fault_databases.create(tmp_path)
    fault = FaultSite(fault_databases, var, url)
    try:
        out = run_python(fault.env, "-m", "tests.faults.scenario", "setup")
        fault.data = json.loads(out.strip().splitlines()[-1])
        yield fault
    finally:
        for server in fault.servers:
            server.stop()
        fault_databases.drop(url)
