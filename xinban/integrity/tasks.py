"""The similarity check as a background task (docs/similarity.md), queued at submission
by xinban.applications.services.application_submit and on demand by staff. Safe to run
twice: the check replaces the application's document and result."""

from __future__ import annotations

from typing import Any

from xinban.applications.models import Application
from xinban.integrity.models import CheckStatus, SimilarityCheck
from xinban.integrity.services import similarity_check_run
from xinban.tasks.api import TaskContext, task


@task("integrity.check")
def check(ctx: TaskContext, *, application_id: int, **_: Any) -> None:
    ctx.set_total(1)
    if not Application.objects.filter(pk=application_id).exists():
        ctx.set_result({"skipped": "application deleted"})
        ctx.set_progress(1)
        return
    try:
        result = similarity_check_run(application_id=application_id, actor=ctx.task.created_by)
    except Exception:
        # Shown as 查重失败 until a retry (or staff's re-run) succeeds.
        SimilarityCheck.objects.filter(application_id=application_id).update(
            status=CheckStatus.FAILED
        )
        raise
    ctx.set_result({"overall": result.overall, "sources": len(result.matches)})
    ctx.set_progress(1)
