"""Permission-matrix entries of the background tasks and the notification centre. The
world adds a finished task of applicant A's with a result file, a notification for A, and
a failed outbox e-mail."""

from __future__ import annotations

from typing import Any

from tests.security.matrix_kit import (
    ANE,
    LOGGED_IN,
    POST_ONLY,
    STAFF_ONLY,
    Op,
    Page,
    Redirect,
    Ref,
    api_row,
    row,
)

TO_INBOX = Redirect("/notifications/", exact=True)
A_AND_STAFF = row(404, applicant_a=200, staff=200)

ENTRIES: dict[str, Page | Op] = {
    "tasks:list": Page(get=STAFF_ONLY),
    "tasks:status": Page(get=A_AND_STAFF, kwargs={"pk": Ref("task")}),
    "tasks:download": Page(get=A_AND_STAFF, kwargs={"pk": Ref("task")}),
    "tasks:retry": Page(get=POST_ONLY, post=row(403, staff=ANE), kwargs={"pk": Ref("task")}),
    # Everyone's own notifications: marking one's own read changes only one's own.
    "notifications:inbox": Page(get=LOGGED_IN, post=row(TO_INBOX)),
    "notifications:read": Page(
        get=POST_ONLY,
        post=row(404, applicant_a=TO_INBOX),
        kwargs={"pk": Ref("notification")},
    ),
    "notifications:preference": Page(get=POST_ONLY, post=row(TO_INBOX)),
    "notifications:outbox": Page(get=STAFF_ONLY),
    "notifications:outbox_retry": Page(
        get=POST_ONLY, post=row(403, staff=ANE), kwargs={"pk": Ref("outbox_email")}
    ),
    "notifications:templates": Page(get=STAFF_ONLY),
    # An empty form comes back with its errors: nothing saved.
    "notifications:template_edit": Page(get=STAFF_ONLY, post=row(403, staff=200)),
    # --- API
    "GET /api/notifications": Op(api_row(200)),
    "POST /api/notifications/{notification_id}/read": Op(
        api_row(404, applicant_a=ANE), body="none"
    ),
    "GET /api/notifications/outbox": Op(api_row(403, staff=200)),
    "POST /api/notifications/outbox/{email_id}/retry": Op(api_row(403, staff=ANE), body="none"),
    "GET /api/tasks/{task_id}": Op(api_row(404, applicant_a=200, staff=200)),
}

KWARGS = {
    "key": "application_returned",
    "task_id": Ref("task"),
    "notification_id": Ref("notification"),
    "email_id": Ref("outbox_email"),
}


def extend_world(fx: dict[str, Any], users: dict[str, Any], ids: dict[str, Any]) -> None:
    from django.core.files.base import ContentFile

    from xinban.notifications.models import Notification, OutboxEmail, OutboxState
    from xinban.tasks.models import Task, TaskState

    applicant_a = users["applicant_a"]
    task = Task.objects.create(
        name="tests.batch", created_by=applicant_a, state=TaskState.DONE, result_name="结果.txt"
    )
    task.result_file.save("matrix-result.txt", ContentFile(b"done"), save=True)
    note = Notification.objects.create(user=applicant_a, title="申报被退回修改", body="原因")
    email = OutboxEmail.objects.create(
        recipient=applicant_a.email,
        user=applicant_a,
        template="application_returned",
        subject="申报被退回修改",
        body="原因",
        state=OutboxState.FAILED,
    )
    ids.update(task=task.pk, notification=note.pk, outbox_email=email.pk)


def fingerprint() -> dict[str, Any]:
    from xinban.notifications.models import EmailTemplate, OutboxEmail
    from xinban.tasks.models import Task

    return {
        "tasks": sorted(Task.objects.values_list("pk", "state", "attempts")),
        "outbox": sorted(OutboxEmail.objects.values_list("pk", "state")),
        "templates": EmailTemplate.objects.count(),
    }
