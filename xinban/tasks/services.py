"""Staff actions on tasks (audited)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.core.audit import audit_record
from xinban.core.errors import NotAllowed, WrongState
from xinban.core.roles import roles_of
from xinban.tasks.models import Task, TaskState


def task_retry(*, actor: User, task: Task) -> Task:
    """Queue a failed task again (its progress is kept: it resumes)."""
    if not roles_of(actor).is_staff:
        raise NotAllowed(_("只有质协工作人员可以重试任务。"), code="staff_only")
    with transaction.atomic():
        current = Task.objects.select_for_update().get(pk=task.pk)
        if current.state != TaskState.FAILED:
            raise WrongState(_("只有失败的任务可以重试。"), code="not_failed")
        current.state = TaskState.QUEUED
        current.attempts = 0
        current.run_after = timezone.now()
        current.finished_at = None
        current.save(update_fields=["state", "attempts", "run_after", "finished_at"])
        audit_record(actor=actor, action="task.retry", obj=current, changes={"name": current.name})
    return current
