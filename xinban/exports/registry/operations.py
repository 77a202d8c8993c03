"""Staff's operational lists: the audit log, the outbox, the background tasks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinban.accounts.models import User
from xinban.core.audit_registry import channel_label
from xinban.core.selectors import audit_entries
from xinban.exports.registry.base import ExportSpec, local_time, register, require_staff
from xinban.notifications import selectors as notification_selectors
from xinban.notifications.models import OutboxState
from xinban.tasks.models import TaskState
from xinban.tasks.selectors import tasks_for_staff


def _outbox(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As the outbox page (notifications:outbox), with its state and recipient filters."""
    require_staff(user)
    state = params.get("state", "")
    known = {*OutboxState.values, notification_selectors.UNKNOWN}
    return notification_selectors.outbox(
        state=state if state in known else "", q=params.get("q", "").strip()[:100]
    )


def _outbox_state_label(value: str) -> str:
    return str(dict(OutboxState.choices).get(value, value))


def _tasks(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As the task list (tasks:list), with its state filter."""
    require_staff(user)
    state = params.get("state", "")
    return tasks_for_staff(state=state if state in TaskState.values else "").select_related(None)


def task_state_label(value: str) -> str:
    return str(dict(TaskState.choices).get(value, value))


def _audit(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    require_staff(user)
    keys = ("action", "object_type", "object_id", "actor", "obj", "since", "until")
    return audit_entries(**{k: params.get(k, "").strip()[:100] for k in keys}).order_by("-id")


register(
    ExportSpec(
        name="audit",
        title=gettext_lazy("审计日志"),
        headers=lambda: [
            _("时间"),
            _("操作人"),
            _("操作"),
            _("对象类型"),
            _("对象"),
            _("对象说明"),
            _("IP 地址"),
            _("渠道"),
        ],
        queryset=_audit,
        fields=(
            "at",
            "actor_repr",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "client_ip",
            "channel",
        ),
        transforms={0: local_time, 7: channel_label},
    )
)


register(
    ExportSpec(
        name="outbox",
        title=gettext_lazy("发件箱"),
        headers=lambda: [
            _("收件人"),
            _("事件"),
            _("主题"),
            _("状态"),
            _("尝试次数"),
            _("创建时间"),
            _("发送时间"),
            _("最近错误"),
        ],
        queryset=_outbox,
        fields=(
            "recipient",
            "template",
            "subject",
            "state",
            "attempts",
            "created_at",
            "sent_at",
            "last_error",
        ),
        transforms={3: _outbox_state_label, 5: local_time, 6: local_time},
    )
)


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
