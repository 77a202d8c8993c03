"""Background tasks through Django's standard Tasks API (docs/architecture.md,
"Background tasks"). A task is a module-level function taking the platform's
:class:`TaskContext` first, declared with :func:`background` (``django_tasks.task`` with
``takes_context=True``: with Django 6 ``django.tasks`` it is the same call) and queued with
``the_task.enqueue(**kwargs)`` inside the caller's transaction. The configured backend
(``TASKS`` in settings: xinban.tasks.backend) writes the row; workers
(``manage.py run_worker``) run it after commit under a lease. A handler reports progress
and stores a result file through its context, and must be safe to run again (a worker may
die half-way)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, cast

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import TaskResult, TaskResultStatus
from django_tasks import task as standard_task
from django_tasks.base import TaskError
from django_tasks.exceptions import TaskResultDoesNotExist

from xinban.tasks.models import Task, TaskState

if TYPE_CHECKING:
    from django_tasks.base import Task as StandardTask

P = ParamSpec("P")

# Every declared task by its stored name (filled as tasks are declared: see task_name).
_TASKS: dict[str, StandardTask[Any, Any]] = {}


def background(
    function: Callable[Concatenate[TaskContext, P], None],
) -> StandardTask[P, None]:
    """Declare a background task: ``@background`` over ``def name(context, **kwargs)``."""
    declared = standard_task(takes_context=True)(cast(Any, function))
    return cast("StandardTask[P, None]", declared)


def task_name(declared: StandardTask[Any, Any]) -> str:
    """The name a task is stored and shown under: ``<area>.<function>`` for a function in
    an area's ``tasks`` module (``exports.xlsx``), else its module path."""
    module, _, function = declared.module_path.rpartition(".")
    if module.startswith("xinban.") and module.endswith(".tasks"):
        return f"{module.removeprefix('xinban.').removesuffix('.tasks')}.{function}"
    return declared.module_path


def register(declared: StandardTask[Any, Any]) -> None:
    _TASKS[task_name(declared)] = declared


def handler_for(name: str) -> Callable[..., None] | None:
    declared = _TASKS.get(name)
    return None if declared is None else declared.func


def declared_task(name: str) -> StandardTask[Any, Any] | None:
    return _TASKS.get(name)


def enqueue_declared(name: str, **kwargs: Any) -> TaskResult[Any]:
    """``.enqueue(**kwargs)`` of the task declared under ``name``, for a service that its
    task module imports (so it cannot import the task): the same standard call."""
    declared = _TASKS.get(name)
    if declared is None:
        raise KeyError(f"unknown task {name!r}")
    return declared.enqueue(**kwargs)


_STATUS = {
    TaskState.QUEUED: TaskResultStatus.READY,
    TaskState.RUNNING: TaskResultStatus.RUNNING,
    TaskState.DONE: TaskResultStatus.SUCCESSFUL,
    TaskState.FAILED: TaskResultStatus.FAILED,
}


def result_of(row: Task) -> TaskResult[Any]:
    """A task row as the standard API's result."""
    declared = declared_task(row.name)
    if declared is None:
        raise TaskResultDoesNotExist(str(row.pk))
    errors = (
        [TaskError(exception_class_path="builtins.Exception", traceback=row.last_error)]
        if row.last_error
        else []
    )
    result: TaskResult[Any] = TaskResult(
        task=declared,
        id=str(row.pk),
        status=_STATUS[TaskState(row.state)],
        enqueued_at=row.created_at or timezone.now(),
        started_at=row.started_at,
        finished_at=row.finished_at,
        last_attempted_at=row.started_at,
        args=[],
        kwargs=dict(row.kwargs),
        backend=declared.backend,
        errors=errors,
        worker_ids=[row.worker] * row.attempts if row.worker else [],
    )
    if row.state == TaskState.DONE:
        object.__setattr__(result, "_return_value", row.result)
    return result


def task_id(result: TaskResult[Any]) -> int:
    """The platform's task id (the row's key) of a queued task's result."""
    return int(result.id)


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
    """Write the row of task ``name`` with JSON-serialisable ``kwargs`` (what the backend
    does for ``the_task.enqueue(...)``; called directly for what the standard API does not
    carry: an actor other than ``user_id``, a de-duplication key, a number of attempts).
    The row is written in the caller's transaction: it exists (and runs) only if that
    commits. With ``dedupe_key`` an equal key already queued or done returns that task
    instead of a second one."""
    if name not in _TASKS:
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
    """What a running handler sees: progress, the result, and the lease renewal (and, as
    the standard API's context, ``task_result`` and ``attempt``)."""

    def __init__(self, task: Task, worker: str) -> None:
        self.task = task
        self.worker = worker
        # Set by the worker's heartbeat when it finds the task taken over.
        self.lease_lost = False

    @property
    def attempt(self) -> int:
        return self.task.attempts

    @property
    def task_result(self) -> TaskResult[Any]:
        return result_of(self.task)

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
