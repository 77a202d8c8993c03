"""The production WSGI application with a per-request time breakdown, for the load run only.

    gunicorn loadtest.wsgi -c deploy/gunicorn.conf.py     (loadtest/run.sh, LOADTEST_PROFILE=1)

Wraps ``config.wsgi.application`` and, for every request, writes one tab-separated line to
``$XINBAN_LOADTEST_PROFILE/profile-<pid>.tsv`` (one file per gunicorn worker):

    method  path  status  total_ms  db_ms  template_ms  queries  started (Unix time)

* **database** — wall time inside the database driver, from a
  ``connection.execute_wrapper`` around the whole request (every query, whoever runs it);
* **template** — wall time inside Django's template rendering (the outermost
  ``Template._render``, so includes and blocks count once), *minus* the database time spent
  while rendering (querysets evaluated lazily by the template count as database);
* **Python** — the rest: middleware, views, services, forms, serialisation, context
  processors (report.py computes it as total − database − template).

Paths are normalised as in report.py (``/123/`` → ``/[id]/``). Nothing of this runs in
production: config.wsgi stays the server's entry point. See docs/loadtest.md.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connections
from django.template import base as template_base

from config.wsgi import application as django_application

OUT_DIR = os.environ.get("XINBAN_LOADTEST_PROFILE", "")
ID = re.compile(r"/\d+(?=/|$|\.)")


class _Clock(threading.local):
    def __init__(self) -> None:
        self.db = 0.0
        self.queries = 0
        self.template = 0.0
        self.template_db = 0.0
        self.depth = 0


_clock = _Clock()


def _timed_query(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
) -> Any:
    start = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        _clock.db += time.perf_counter() - start
        _clock.queries += 1


_original_render: Callable[..., Any] = getattr(template_base.Template, "_render")  # noqa: B009


def _timed_render(self: template_base.Template, context: Any) -> Any:
    if _clock.depth:
        return _original_render(self, context)
    _clock.depth += 1
    db_before = _clock.db
    start = time.perf_counter()
    try:
        return _original_render(self, context)
    finally:
        _clock.depth -= 1
        _clock.template += time.perf_counter() - start
        _clock.template_db += _clock.db - db_before


setattr(template_base.Template, "_render", _timed_render)  # noqa: B010 (Django-internal)


def _write(line: str) -> None:
    path = os.path.join(OUT_DIR, f"profile-{os.getpid()}.tsv")
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line)


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if not OUT_DIR:
        return django_application(environ, start_response)  # type: ignore[no-any-return]
    _clock.__init__()  # type: ignore[misc]
    status: list[str] = []

    def _start_response(code: str, headers: Any, exc_info: Any = None) -> Any:
        status.append(code.split(" ", 1)[0])
        return start_response(code, headers, exc_info)

    started = time.time()
    start = time.perf_counter()
    wrappers = [c.execute_wrapper(_timed_query) for c in connections.all(initialized_only=False)]
    for wrapper in wrappers:
        wrapper.__enter__()
    try:
        response = django_application(environ, _start_response)
    finally:
        for wrapper in reversed(wrappers):
            wrapper.__exit__(None, None, None)
    total = time.perf_counter() - start
    template = max(0.0, _clock.template - _clock.template_db)
    path = ID.sub("/[id]", environ.get("PATH_INFO", ""))
    _write(
        f"{environ.get('REQUEST_METHOD', '')}\t{path}\t{status[0] if status else ''}\t"
        f"{total * 1000:.2f}\t{_clock.db * 1000:.2f}\t{template * 1000:.2f}\t"
        f"{_clock.queries}\t{started:.3f}\n"
    )
    return response  # type: ignore[no-any-return]
