"""Background tasks (JSON): the progress of a task I started (staff: any task)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema

from xinban.api.auth import current_user
from xinban.api.common import error_responses
from xinban.tasks.selectors import task_for

router = Router(tags=["后台任务"])


class TaskOut(Schema):
    id: int = Field(title="任务 id")
    name: str = Field(title="任务")
    state: str = Field(title="状态")
    done: int = Field(title="已完成")
    total: int = Field(title="总数")
    percent: int = Field(title="进度（%）")
    download: str | None = Field(title="结果文件下载地址")


@router.get("/tasks/{task_id}", response={200: TaskOut, **error_responses(404)}, summary="任务进度")
def task_status(request: HttpRequest, task_id: int) -> TaskOut:
    from django.urls import reverse

    task = task_for(user=current_user(request), pk=task_id)
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
