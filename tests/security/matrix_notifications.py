"""Permission-matrix entries of the notification centre (the background tasks are in
matrix_tasks.py). The world adds a notification for A and a failed outbox e-mail."""

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

ENTRIES: dict[str, Page | Op] = {
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
    # The lists' Excel, as their pages: one's own notifications; the templates (staff).
    "exports:download (notifications)": Page(get=LOGGED_IN, kwargs={"kind": "notifications"}),
    "exports:download (email templates)": Page(get=STAFF_ONLY, kwargs={"kind": "email_templates"}),
    # --- API
    "GET /api/notifications": Op(api_row(200)),
    "POST /api/notifications/read-all": Op(api_row(200), body="none"),
    "POST /api/notifications/{notification_id}/read": Op(
        api_row(404, applicant_a=ANE), body="none"
    ),
    "GET /api/notifications/outbox": Op(api_row(403, staff=200)),
    "POST /api/notifications/outbox/{email_id}/retry": Op(api_row(403, staff=ANE), body="none"),
    "GET /api/notifications/templates": Op(api_row(403, staff=200)),
    "GET /api/notifications/templates/{key}": Op(api_row(403, staff=200)),
    # An empty body is invalid (422): nothing saved.
    "PUT /api/notifications/templates/{key}": Op(api_row(403, staff=422)),
    "DELETE /api/notifications/templates/{key}": Op(api_row(403, staff=ANE)),
    "GET /api/exports/{kind}.xlsx (notifications)": Op(
        api_row(200), kwargs={"kind": "notifications"}
    ),
    "GET /api/exports/{kind}.xlsx (email templates)": Op(
        api_row(403, staff=200), kwargs={"kind": "email_templates"}
    ),
}

KWARGS = {
    "key": "application_returned",
    "notification_id": Ref("notification"),
    "email_id": Ref("outbox_email"),
}


def extend_world(fx: dict[str, Any], users: dict[str, Any], ids: dict[str, Any]) -> None:
    from xinban.notifications.models import Notification, OutboxEmail, OutboxState

    applicant_a = users["applicant_a"]
    note = Notification.objects.create(user=applicant_a, title="申报被退回修改", body="原因")
    email = OutboxEmail.objects.create(
        recipient=applicant_a.email,
        user=applicant_a,
        template="application_returned",
        subject="申报被退回修改",
        body="原因",
        state=OutboxState.FAILED,
    )
    ids.update(notification=note.pk, outbox_email=email.pk)


def fingerprint() -> dict[str, Any]:
    from xinban.notifications.models import EmailTemplate, OutboxEmail

    return {
        "outbox": sorted(OutboxEmail.objects.values_list("pk", "state")),
        "templates": EmailTemplate.objects.count(),
    }
