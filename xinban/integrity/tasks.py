"""The similarity check as a background task (docs/similarity.md), queued at submission
by xinban.applications.services.application_submit and on demand by staff."""

from __future__ import annotations

from typing import Any

from xinban.integrity.services import similarity_check_run
from xinban.tasks.api import TaskContext, task


@task("integrity.check")
def check(ctx: TaskContext, *, application_id: int, **_: Any) -> None:
    ctx.set_total(1)
    result = similarity_check_run(application_id=application_id, actor=ctx.task.created_by)
    ctx.set_result({"overall": result.overall, "sources": len(result.matches)})
    ctx.set_progress(1)
