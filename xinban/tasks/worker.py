"""Claiming and running tasks. One claim is a compare-and-set UPDATE on the row (with
SELECT … FOR UPDATE SKIP LOCKED first where the database has it, so that workers on
PostgreSQL do not queue behind each other): a task is run by one worker at a time, and a
task whose worker stopped renewing its lease is claimed again."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone

from xinban.core.areas import area_modules
from xinban.core.context import reset_channel, set_channel
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


class Heartbeat(threading.Thread):
    """Renews a running task's lease every third of the lease time, whatever the handler
    is doing (one long step, e.g. zipping a thousand certificates, must not look like a
    dead worker). It has its own database connection; if it finds the task is no longer
    ours it tells the handler (``ctx.lease_lost``: the next progress step stops it)."""

    def __init__(self, ctx: TaskContext) -> None:
        super().__init__(daemon=True, name=f"heartbeat-{ctx.task.pk}")
        self.ctx = ctx
        self.interval = max(0.2, lease_seconds() / 3)
        self._halt = threading.Event()

    def run(self) -> None:
        try:
            while not self._halt.wait(self.interval):
                try:
                    renewed = Task.objects.filter(
                        pk=self.ctx.task.pk, worker=self.ctx.worker, state=TaskState.RUNNING
                    ).update(lease_until=timezone.now() + timedelta(seconds=lease_seconds()))
                except DatabaseError:
                    logger.warning("task %s: heartbeat failed", self.ctx.task.pk, exc_info=True)
                    connection.close()
                    continue
                if not renewed and not self._halt.is_set():
                    self.ctx.lease_lost = True
                    return
        finally:
            connection.close()

    def halt(self) -> None:
        self._halt.set()
        self.join()


def run(task: Task, worker: str, *, heartbeat: bool = False) -> None:
    """Run one claimed task and record the outcome (retry with backoff, or fail). With
    ``heartbeat`` (the worker process) a thread renews the lease while it runs."""
    handler = handler_for(task.name)
    ctx = TaskContext(task, worker)
    beat = Heartbeat(ctx) if heartbeat else None
    if beat is not None:
        beat.start()
    channel = set_channel(f"task:{task.name}#{task.pk}")  # written to its audit entries
    try:
        if handler is None:
            raise LookupError(f"no handler for task {task.name!r}")
        handler(ctx, **task.kwargs)
    except LeaseLost:
        logger.warning("task %s: lease lost, another worker has it", task.pk)
        return
    except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried
        if beat is not None:
            beat.halt()
            beat = None
        logger.exception("task %s (%s) failed", task.pk, task.name)
        failed = task.attempts >= task.max_attempts
        Task.objects.filter(pk=task.pk, worker=worker, state=TaskState.RUNNING).update(
            state=TaskState.FAILED if failed else TaskState.QUEUED,
            run_after=timezone.now() + retry_delay(task.attempts),
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            lease_until=None,
            finished_at=timezone.now() if failed else None,
        )
        return
    finally:
        reset_channel(channel)
        if beat is not None:
            beat.halt()
    Task.objects.filter(pk=task.pk, worker=worker, state=TaskState.RUNNING).update(
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
    periodic_jobs: bool = True,
) -> int:
    """The worker loop; returns how many tasks it ran. A database that goes away for a
    moment is waited for (the task in hand, if any, is resumed later under a new lease)."""
    me = worker_id()
    ran = 0
    last_periodic = 0.0
    while not should_stop():
        try:
            if periodic_jobs and time.monotonic() - last_periodic >= poll_seconds * 5:
                run_periodic()
                last_periodic = time.monotonic()
            task = claim(me)
            if task is not None:
                run(task, me, heartbeat=True)
                ran += 1
                close_old_connections()
        except DatabaseError:
            logger.warning("worker %s: database unavailable, waiting", me, exc_info=True)
            connection.close()
            time.sleep(poll_seconds)
            continue
        if task is not None:
            if once:
                break
            continue
        if once or until_empty:
            break
        time.sleep(poll_seconds)
    return ran


def work_in_threads(
    concurrency: int,
    *,
    until_empty: bool = False,
    once: bool = False,
    poll_seconds: float = 1.0,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """``concurrency`` worker loops in this process (threads, each with its own database
    connection and worker id); the periodic jobs run in the first only."""
    if concurrency <= 1:
        return work(
            until_empty=until_empty, once=once, poll_seconds=poll_seconds, should_stop=should_stop
        )
    counts: list[int] = []

    def loop(first: bool) -> None:
        try:
            counts.append(
                work(
                    until_empty=until_empty,
                    once=once,
                    poll_seconds=poll_seconds,
                    should_stop=should_stop,
                    periodic_jobs=first,
                )
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=loop, args=(n == 0,), name=f"worker-{n}", daemon=True)
        for n in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():
            thread.join(0.5)  # wakes up for signals
    return sum(counts)
