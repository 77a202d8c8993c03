"""Gunicorn configuration for the fault tests (``gunicorn -c tests/faults/gunicorn_pause.py``).

It changes nothing unless ``XINBAN_FAULT_PAUSE_ON`` names an audit action, e.g.
``application.submit``. Then the worker, once the application is loaded, wraps the
services' and the lifecycle's ``audit_record``: when that action has been written, it
writes the file ``XINBAN_FAULT_PAUSE_MARKER`` and sleeps. The audit entry is the last write of the
service, so at that moment the request is inside its transaction with everything written
but nothing committed — the worst moment for the process to die, and the test kills it
there with SIGKILL. The application code itself is not modified.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

timeout = 120  # the paused worker must not be reaped by gunicorn before the test kills it
graceful_timeout = 1
control_socket_disable = True  # gunicorn 27: no shared ~/.gunicorn/gunicorn.ctl between tests


def post_worker_init(worker: Any) -> None:
    action = os.environ.get("XINBAN_FAULT_PAUSE_ON")
    marker = os.environ.get("XINBAN_FAULT_PAUSE_MARKER")
    if not action or not marker:
        return
    import importlib
    import pkgutil

    from django.db import connection

    from xinban.applications import lifecycle, services

    original = lifecycle.audit_record

    def audit_then_pause(**kwargs: Any) -> Any:
        entry = original(**kwargs)
        if kwargs.get("action") == action:
            Path(marker).write_text(
                f"pid={os.getpid()} action={action} in_atomic_block={connection.in_atomic_block}\n"
            )
            time.sleep(600)
        return entry

    # The services audit directly (each use case's module), and through the lifecycle's
    # transition().
    for info in pkgutil.iter_modules(services.__path__, f"{services.__name__}."):
        module = importlib.import_module(info.name)
        if hasattr(module, "audit_record"):
            module.audit_record = audit_then_pause  # type: ignore[attr-defined]
    lifecycle.audit_record = audit_then_pause
