"""The similarity check as a background task (docs/similarity.md), queued at submission
by xinban.applications.services.application_submit and on demand by staff. Safe to run
twice: the check replaces the application's document and result."""

from __future__ import annotations

from xinban.applications.models import Application
from xinban.integrity.models import CheckStatus, SimilarityCheck
from xinban.integrity.services import similarity_check_run
from xinban.tasks.api import TaskContext, background


@background
def check(context: TaskContext, *, application_id: int, user_id: int | None = None) -> None:
    """Check one application (``user_id``: who asked; the row's creator)."""
    del user_id
    context.set_total(1)
    if not Application.objects.filter(pk=application_id).exists():
        context.set_result({"skipped": "application deleted"})
        context.set_progress(1)
        return
    try:
        result = similarity_check_run(application_id=application_id, actor=context.task.created_by)
    except Exception:
        # Shown as 查重失败 until a retry (or staff's re-run) succeeds.
        SimilarityCheck.objects.filter(application_id=application_id).update(
            status=CheckStatus.FAILED
        )
        raise
    context.set_result({"overall": result.overall, "sources": len(result.matches)})
    context.set_progress(1)
