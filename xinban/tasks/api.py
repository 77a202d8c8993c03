"""The one task API (docs/architecture.md, "Background tasks"): register a handler with
``@task("name")``, queue it with
``enqueue(...)`` inside the caller's transaction; workers (``manage.py run_worker``) run
it after commit. A handler gets a :class:`TaskContext` to report progress and store a
result file, and must be safe to run again (a worker may die half-way)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.utils import timezone

from xinban.tasks.models import Task, TaskState

Handler = Callable[..., None]
_HANDLERS: dict[str, Handler] = {}


def task(name: str) -> Callable[[Handler], Handler]:
    """Register ``function(ctx, **kwargs)`` under ``name``."""

    def register(function: Handler) -> Handler:
        _HANDLERS[name] = function
        return function

    return register


def handler_for(name: str) -> Handler | None:
    return _HANDLERS.get(name)


def lease_seconds() -> int:
    return int(getattr(settings, "XINBAN_TASK_LEASE_SECONDS", 120))


def enqueue(
    name: str,
    *,
    actor: Any = None,
    dedupe_key: str | None = None,
    max_attempts: int = 3,
    **kwargs: Any,
) -> Task:
    """Queue ``name`` with JSON-serialisable ``kwargs``. The row is written in the
    caller's transaction: it exists (and runs) only if that commits. With ``dedupe_key``
    an equal key already queued or done returns that task instead of a second one."""
    if name not in _HANDLERS:
        raise KeyError(f"unknown task {name!r}")
    created_by = actor if getattr(actor, "is_authenticated", False) else None
    if dedupe_key is not None:
        existing = Task.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                return Task.objects.create(
                    name=name,
                    kwargs=kwargs,
                    max_attempts=max_attempts,
                    created_by=created_by,
                    dedupe_key=dedupe_key,
                )
        except IntegrityError:
            return Task.objects.get(dedupe_key=dedupe_key)
    return Task.objects.create(
        name=name, kwargs=kwargs, max_attempts=max_attempts, created_by=created_by
    )


class TaskContext:
    """What a running handler sees: progress, the result, and the lease renewal."""

    def __init__(self, task: Task, worker: str) -> None:
        self.task = task
        self.worker = worker
        # Set by the worker's heartbeat when it finds the task taken over.
        self.lease_lost = False

    def check(self) -> None:
        """Raise :class:`LeaseLost` if another worker has taken the task over (a handler
        doing a long step without progress may call this between steps)."""
        if self.lease_lost:
            raise LeaseLost(self.task.pk)

    @property
    def done(self) -> int:
        """Progress kept from an earlier, interrupted run (resume from here)."""
        return self.task.progress_done

    def set_total(self, total: int) -> None:
        self.task.progress_total = total
        self._save("progress_total")

    def advance(self, count: int = 1) -> None:
        self.task.progress_done = self.task.progress_done + count
        self._save("progress_done")

    def set_progress(self, done: int) -> None:
        self.task.progress_done = done
        self._save("progress_done")

    def set_result(self, result: dict[str, Any]) -> None:
        self.task.result = result
        self._save("result")

    def save_result_file(self, name: str, content: bytes | File[Any]) -> None:
        """Store the task's downloadable result (its creator or staff may download)."""
        data = content if isinstance(content, File) else ContentFile(content)
        self.task.result_file.save(f"task-{self.task.pk}-{name}", data, save=False)
        self.task.result_name = name
        self._save("result_file", "result_name")

    def _save(self, *fields: str) -> None:
        # Renew the lease with every step; only while the lease is still ours.
        self.check()
        now = timezone.now()
        self.task.lease_until = now + timedelta(seconds=lease_seconds())
        updated = Task.objects.filter(
            pk=self.task.pk, worker=self.worker, state=TaskState.RUNNING
        ).update(lease_until=self.task.lease_until, **{f: getattr(self.task, f) for f in fields})
        if not updated:
            raise LeaseLost(self.task.pk)


class LeaseLost(Exception):
    """Another worker took the task over (this one was too slow): stop working on it."""
