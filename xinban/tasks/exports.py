"""The background tasks as a list (``tasks``, staff; registered with the exports app when
Django starts, see xinban.exports)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinban.accounts.models import User
from xinban.exports.registry import (
    ExportSpec,
    local_time,
    register,
    require_staff,
    task_state_label,
)
from xinban.tasks.models import TaskState
from xinban.tasks.selectors import tasks_for_staff


def _tasks(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As the task list (tasks:list), with its state filter."""
    require_staff(user)
    state = params.get("state", "")
    return tasks_for_staff(state=state if state in TaskState.values else "").select_related(None)


register(
    ExportSpec(
        name="tasks",
        title=gettext_lazy("后台任务"),
        headers=lambda: [
            _("任务"),
            _("状态"),
            _("已完成"),
            _("总数"),
            _("已尝试次数"),
            _("创建人"),
            _("创建时间"),
            _("结束时间"),
            _("最近错误"),
        ],
        queryset=_tasks,
        fields=(
            "name",
            "state",
            "progress_done",
            "progress_total",
            "attempts",
            "created_by__email",
            "created_at",
            "finished_at",
            "last_error",
        ),
        transforms={1: task_state_label, 6: local_time, 7: local_time},
    )
)
