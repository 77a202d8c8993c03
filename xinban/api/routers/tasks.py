"""Background tasks (JSON): the progress of a task I started (staff: any task); for
staff the list of tasks and the retry of a failed one."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from xinban.api.auth import current_user, scoped
from xinban.api.common import error_responses
from xinban.core.roles import roles_of
from xinban.tasks.models import Task, TaskState
from xinban.tasks.selectors import task_for, tasks_for_staff
from xinban.tasks.services import task_retry

router = Router(tags=["后台任务"])


class TaskOut(Schema):
    id: int = Field(title="任务 id")
    name: str = Field(title="任务")
    state: str = Field(title="状态")
    done: int = Field(title="已完成")
    total: int = Field(title="总数")
    percent: int = Field(title="进度（%）")
    download: str | None = Field(title="结果文件下载地址")


class TaskRowOut(TaskOut):
    attempts: int = Field(title="已尝试次数")
    max_attempts: int = Field(title="最多尝试次数")
    last_error: str = Field(title="最近错误")
    created_by: str = Field(title="创建人")
    created_at: datetime = Field(title="创建时间")
    finished_at: datetime | None = Field(title="结束时间")


if TYPE_CHECKING:
    TaskStateName = str
else:
    TaskStateName = Literal[tuple(TaskState.values)]


def _row(task: Task) -> TaskRowOut:
    creator = task.created_by
    return TaskRowOut(
        **_out(task).model_dump(),
        attempts=task.attempts,
        max_attempts=task.max_attempts,
        last_error=task.last_error,
        created_by=(creator.name or creator.email) if creator else "",
        created_at=task.created_at,
        finished_at=task.finished_at,
    )


@router.get(
    "/tasks",
    response={200: list[TaskRowOut], **error_responses(403)},
    summary="后台任务列表（质协工作人员；新的在前）",
)
def task_list(
    request: HttpRequest,
    state: TaskStateName | None = Query(None, description="queued、running、done、failed"),  # noqa: B008
) -> list[TaskRowOut]:
    if not roles_of(current_user(request)).is_staff:
        raise PermissionDenied
    return [_row(t) for t in tasks_for_staff(state=state or "")[:200]]


@router.get("/tasks/{task_id}", response={200: TaskOut, **error_responses(404)}, summary="任务进度")
def task_status(request: HttpRequest, task_id: int) -> TaskOut:
    return _out(task_for(user=current_user(request), pk=task_id))


@router.post(
    "/tasks/{task_id}/retry",
    response={200: TaskRowOut, **error_responses(403, 404, 409)},
    summary="重试失败的任务（已完成的进度保留，从中断处继续）",
    auth=scoped("staff:write"),
)
def task_retry_op(request: HttpRequest, task_id: int) -> TaskRowOut:
    user = current_user(request)
    task = task_for(user=user, pk=task_id)  # 404 for those who may not see it
    return _row(task_retry(actor=user, task=task))


def _out(task: Task) -> TaskOut:
    return TaskOut(
        id=task.pk,
        name=task.name,
        state=task.state,
        done=task.progress_done,
        total=task.progress_total,
        percent=task.percent,
        download=reverse("tasks:download", args=[task.pk])
        if task.state == "done" and task.result_file
        else None,
    )
