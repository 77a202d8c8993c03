"""Permission-matrix entries of the background tasks. The world adds a finished task of
applicant A's with a result file: only A (its creator) and staff may follow or download
it, everyone else gets 404; the list and retry are staff's."""

from __future__ import annotations

from typing import Any

from tests.security.matrix_kit import ANE, POST_ONLY, STAFF_ONLY, Op, Page, Ref, api_row, row

A_AND_STAFF = row(404, applicant_a=200, staff=200)

ENTRIES: dict[str, Page | Op] = {
    "tasks:list": Page(get=STAFF_ONLY),
    "tasks:status": Page(get=A_AND_STAFF, kwargs={"pk": Ref("task")}),
    "tasks:download": Page(get=A_AND_STAFF, kwargs={"pk": Ref("task")}),
    "tasks:retry": Page(get=POST_ONLY, post=row(403, staff=ANE), kwargs={"pk": Ref("task")}),
    # --- API
    "GET /api/tasks/{task_id}": Op(api_row(404, applicant_a=200, staff=200)),
    "GET /api/tasks": Op(api_row(403, staff=200)),
    # A's task is done: staff may not retry it (409); A sees it but may not retry (403).
    "POST /api/tasks/{task_id}/retry": Op(api_row(404, applicant_a=403, staff=409), body="none"),
    # --- the audit log (here with the other staff operation on the platform's machinery)
    "GET /api/staff/audit-log": Op(api_row(403, staff=200)),
}

KWARGS = {"task_id": Ref("task")}


def extend_world(fx: dict[str, Any], users: dict[str, Any], ids: dict[str, Any]) -> None:
    from django.core.files.base import ContentFile

    from xinban.tasks.models import Task, TaskState

    task = Task.objects.create(
        name="tests.batch",
        created_by=users["applicant_a"],
        state=TaskState.DONE,
        result_name="结果.txt",
    )
    task.result_file.save("matrix-result.txt", ContentFile(b"done"), save=True)
    ids.update(task=task.pk)


def fingerprint() -> dict[str, Any]:
    from xinban.tasks.models import Task

    return {"tasks": sorted(Task.objects.values_list("pk", "state", "attempts"))}
