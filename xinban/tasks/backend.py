"""The platform's worker as a backend of Django's Tasks API (docs/architecture.md,
"Background tasks"): ``the_task.enqueue(**kwargs)`` writes a row of ``xinban.tasks.models.Task``
in the caller's transaction, ``run_worker`` claims it under a lease (SKIP LOCKED where the
database has it), renews the lease while it runs, retries with backoff and lets another
worker take over after a crash; ``get_result`` reads the row back as a standard
``TaskResult``. Configured in settings as ``TASKS["default"]``."""

from __future__ import annotations

from typing import Any

from django_tasks import TaskResult
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task as StandardTask
from django_tasks.exceptions import InvalidTaskError, TaskResultDoesNotExist

from xinban.accounts.models import User
from xinban.tasks.api import enqueue, register, result_of, task_name
from xinban.tasks.models import Task


class LeasedDatabaseBackend(BaseTaskBackend):
    supports_defer = True
    supports_get_result = True

    def validate_task(self, task: StandardTask[Any, Any]) -> None:
        super().validate_task(task)
        if not task.takes_context:
            # Progress, result files and the lease are reported through the context.
            raise InvalidTaskError("Platform tasks take the context: declare them with background.")
        register(task)

    def enqueue(self, task: StandardTask[Any, Any], args: Any, kwargs: Any) -> TaskResult[Any]:
        self.validate_task(task)
        if args:
            raise InvalidTaskError("Platform tasks take keyword arguments only.")
        row = enqueue(task_name(task), actor=_actor(kwargs.get("user_id")), **kwargs)
        if task.run_after is not None:
            row.run_after = task.run_after
            row.save(update_fields=["run_after"])
        return result_of(row)

    def get_result(self, result_id: str) -> TaskResult[Any]:
        row = Task.objects.filter(pk=int(result_id)).first() if result_id.isdigit() else None
        if row is None:
            raise TaskResultDoesNotExist(result_id)
        return result_of(row)


def _actor(user_id: Any) -> Any:
    """Who queued the task (its creator may follow and download it): the ``user_id`` the
    task is given, if any."""
    if not isinstance(user_id, int):
        return None
    return User.objects.filter(pk=user_id).first()
