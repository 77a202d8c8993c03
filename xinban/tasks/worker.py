"""Claiming and running tasks. One claim is a compare-and-set UPDATE on the row (with
SELECT … FOR UPDATE SKIP LOCKED first where the database has it, so that workers on
PostgreSQL do not queue behind each other): a task is run by one worker at a time, and a
task whose worker stopped renewing its lease is claimed again."""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from xinban.tasks.api import LeaseLost, TaskContext, handler_for, lease_seconds
from xinban.tasks.models import Task, TaskState

logger = logging.getLogger("xinban.tasks")

# Functions the worker runs between tasks (e.g. sending the e-mail outbox), by name.
_PERIODIC: dict[str, Callable[[], object]] = {}


def periodic(name: str) -> Callable[[Callable[[], object]], Callable[[], object]]:
    def register(function: Callable[[], object]) -> Callable[[], object]:
        _PERIODIC[name] = function
        return function

    return register


def load_handlers() -> None:
    """Import every app's ``tasks`` module (where handlers register themselves) and the
    modules named in ``XINBAN_TASK_MODULES`` (comma-separated; tests use it)."""
    import importlib

    from xinban.core.areas import area_modules

    area_modules("tasks")
    for name in str(getattr(settings, "XINBAN_TASK_MODULES", "") or "").split(","):
        if name.strip():
            importlib.import_module(name.strip())


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def retry_delay(attempts: int) -> timedelta:
    base = float(getattr(settings, "XINBAN_TASK_RETRY_SECONDS", 10))
    return timedelta(seconds=base * (2 ** max(0, attempts - 1)))


def _claimable() -> Q:
    now = timezone.now()
    return Q(state=TaskState.QUEUED, run_after__lte=now) | Q(
        state=TaskState.RUNNING, lease_until__lt=now
    )


def claim(worker: str) -> Task | None:
    """Take the oldest runnable task (or one whose lease ran out), or None."""
    for _attempt in range(5):
        with transaction.atomic():
            candidates = Task.objects.filter(_claimable()).order_by("run_after", "pk")
            if connection.features.has_select_for_update_skip_locked:
                candidates = candidates.select_for_update(skip_locked=True)
            found = candidates.values("pk", "state", "lease_until", "attempts").first()
            if found is None:
                return None
            now = timezone.now()
            claimed = (
                Task.objects.filter(
                    pk=found["pk"], state=found["state"], lease_until=found["lease_until"]
                )
                .filter(_claimable())
                .update(
                    state=TaskState.RUNNING,
                    worker=worker,
                    lease_until=now + timedelta(seconds=lease_seconds()),
                    attempts=found["attempts"] + 1,
                    started_at=now,
                )
            )
        if claimed:
            return Task.objects.get(pk=found["pk"])
    return None


def run(task: Task, worker: str) -> None:
    """Run one claimed task and record the outcome (retry with backoff, or fail)."""
    handler = handler_for(task.name)
    try:
        if handler is None:
            raise LookupError(f"no handler for task {task.name!r}")
        handler(TaskContext(task, worker), **task.kwargs)
    except LeaseLost:
        logger.warning("task %s: lease lost, another worker has it", task.pk)
        return
    except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried
        logger.exception("task %s (%s) failed", task.pk, task.name)
        failed = task.attempts >= task.max_attempts
        Task.objects.filter(pk=task.pk, worker=worker).update(
            state=TaskState.FAILED if failed else TaskState.QUEUED,
            run_after=timezone.now() + retry_delay(task.attempts),
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            lease_until=None,
            finished_at=timezone.now() if failed else None,
        )
        return
    Task.objects.filter(pk=task.pk, worker=worker).update(
        state=TaskState.DONE, lease_until=None, finished_at=timezone.now(), last_error=""
    )


def run_periodic() -> None:
    for name, function in _PERIODIC.items():
        try:
            function()
        except Exception:  # noqa: BLE001 - one failing job must not stop the worker
            logger.exception("periodic job %s failed", name)


def work(
    *,
    until_empty: bool = False,
    once: bool = False,
    poll_seconds: float = 1.0,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """The worker loop; returns how many tasks it ran."""
    me = worker_id()
    ran = 0
    last_periodic = 0.0
    while not should_stop():
        if time.monotonic() - last_periodic >= poll_seconds * 5:
            run_periodic()
            last_periodic = time.monotonic()
        task = claim(me)
        if task is not None:
            run(task, me)
            ran += 1
            if once:
                break
            continue
        if once or until_empty:
            break
        time.sleep(poll_seconds)
    return ran
