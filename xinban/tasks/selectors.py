from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from xinban.accounts.models import User
from xinban.core.roles import roles_of
from xinban.tasks.models import Task


def task_for(*, user: User, pk: int) -> Task:
    """A task its creator or staff may follow; 404 for anyone else."""
    task = Task.objects.filter(pk=pk).first()
    if task is None or not (task.created_by_id == user.pk or roles_of(user).is_staff):
        raise Http404
    return task


def tasks_for_staff(*, state: str = "") -> QuerySet[Task]:
    qs = Task.objects.select_related("created_by").order_by("-created_at")
    return qs.filter(state=state) if state else qs
