"""The notification centre: outbox rows written with the transaction and sent after it
commits, at most once; in-app notifications with the unread count; staff-edited templates
with placeholders checked, in Chinese and English; the outbox with retry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xinban.core.models import AuditEntry
from xinban.notifications import services
from xinban.notifications.delivery import dispatch, notify_after_commit, send_outbox
from xinban.notifications.models import (
    EmailTemplate,
    Notification,
    OutboxEmail,
    OutboxState,
    Preference,
)

pytestmark = pytest.mark.django_db(transaction=True)  # on_commit runs for real


@pytest.fixture(autouse=True)
def _taxonomies(taxonomies: None) -> None:
    """Transactional tests start from empty tables: put the seeded taxonomies back."""


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def app(submitted_a: Any) -> Any:
    """A's submitted application; its submission's own confirmation is cleared away so
    that each test counts only what it sends."""
    submitted_a.return_reason = "缺少盖章页"
    OutboxEmail.objects.all().delete()
    Notification.objects.all().delete()
    mail.outbox.clear()
    return submitted_a


def test_sent_after_commit_once_with_an_in_app_notification(app: Any, applicant_a: Any) -> None:
    with transaction.atomic():
        notify_after_commit(
            to=[applicant_a.email], template="application_returned", context={"application": app}
        )
        assert mail.outbox == []  # not before the commit
        assert OutboxEmail.objects.get().state == OutboxState.QUEUED
    assert len(mail.outbox) == 1 and app.team_name in mail.outbox[0].subject
    row = OutboxEmail.objects.get()
    assert row.state == OutboxState.SENT and row.sent_at is not None and row.attempts == 1
    note = Notification.objects.get(user=applicant_a)
    assert note.title == mail.outbox[0].subject and note.read_at is None
    # Sending again (a second server, the worker) finds nothing to send.
    assert dispatch([row.pk]) == 0 and send_outbox() == 0
    assert len(mail.outbox) == 1


def test_rolled_back_transaction_sends_nothing(app: Any, applicant_a: Any) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        notify_after_commit(
            to=[applicant_a.email], template="application_returned", context={"application": app}
        )
        raise RuntimeError
    assert mail.outbox == [] and not OutboxEmail.objects.exists()
    assert not Notification.objects.exists()


def test_failed_send_is_retried_by_the_worker(settings: Any, app: Any, applicant_a: Any) -> None:
    settings.EMAIL_BACKEND = "tests.notifications.backends.FailingBackend"
    notify_after_commit(
        to=[applicant_a.email], template="application_returned", context={"application": app}
    )
    row = OutboxEmail.objects.get()
    assert row.state == OutboxState.QUEUED and "SMTP" in row.last_error
    assert row.retry_after is not None and row.retry_after > timezone.now()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_outbox() == 0  # not due yet: the mail server gets a moment to recover
    OutboxEmail.objects.filter(pk=row.pk).update(retry_after=timezone.now())  # time passes
    assert send_outbox() == 1
    row.refresh_from_db()
    assert row.state == OutboxState.SENT and row.attempts == 2 and len(mail.outbox) == 1


def test_a_row_left_sending_is_not_resent_until_staff_retry(
    app: Any, applicant_a: Any, staff: Any
) -> None:
    notify_after_commit(
        to=[applicant_a.email], template="application_returned", context={"application": app}
    )
    row = OutboxEmail.objects.get()
    # A crash while sending, ten minutes ago.
    OutboxEmail.objects.filter(pk=row.pk).update(
        state=OutboxState.SENDING, claimed_at=timezone.now() - timedelta(minutes=10)
    )
    assert send_outbox() == 0 and len(mail.outbox) == 1
    client = client_for(staff)
    page = client.get(reverse("notifications:outbox"), {"state": "unknown"}).content.decode()
    assert applicant_a.email in page and "data-result-unknown" in page
    api = client.get("/api/notifications/outbox", {"state": "unknown"}).json()
    assert [(e["id"], e["result_unknown"]) for e in api] == [(row.pk, True)]
    client.post(reverse("notifications:outbox_retry", args=[row.pk]))
    row.refresh_from_db()
    assert row.state == OutboxState.SENT and len(mail.outbox) == 2
    assert AuditEntry.objects.filter(action="notifications.outbox_retry").count() == 1


def test_unread_count_in_the_navigation_and_mark_read(app: Any, applicant_a: Any) -> None:
    for _ in range(2):
        notify_after_commit(
            to=[applicant_a.email], template="application_returned", context={"application": app}
        )
    client = client_for(applicant_a)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "data-unread>2<" in page
    first = Notification.objects.filter(user=applicant_a).first()
    assert first is not None
    client.post(reverse("notifications:read", args=[first.pk]))
    assert "data-unread>1<" in client.get(reverse("notifications:inbox")).content.decode()
    api = client.get("/api/notifications").json()
    assert api["unread"] == 1 and [n["read"] for n in api["items"]].count(False) == 1
    client.post(reverse("notifications:inbox"))
    assert "data-unread" not in client.get(reverse("notifications:inbox")).content.decode()
    notify_after_commit(
        to=[applicant_a.email], template="application_returned", context={"application": app}
    )
    assert client.post("/api/notifications/read-all").json() == {"marked": 1}
    assert client.get("/api/notifications").json()["unread"] == 0


def test_someone_elses_notification_is_404(app: Any, applicant_a: Any, applicant_b: Any) -> None:
    notify_after_commit(
        to=[applicant_a.email], template="application_returned", context={"application": app}
    )
    note = Notification.objects.get()
    response = client_for(applicant_b).post(reverse("notifications:read", args=[note.pk]))
    assert response.status_code == 404
    assert Notification.objects.get().read_at is None


def test_staff_edit_a_template_with_placeholders_in_both_languages(
    app: Any, applicant_a: Any, staff: Any
) -> None:
    client = client_for(staff)
    url = reverse("notifications:template_edit", args=["application_returned"])
    bad = client.post(
        url,
        {"subject_zh": "退回：{{ secret }}", "body_zh": "正文", "subject_en": "", "body_en": ""},
    )
    assert bad.status_code == 200 and "{{ secret }}" in bad.content.decode()
    assert not EmailTemplate.objects.exists()
    preview = client.post(
        url,
        {
            "subject_zh": "退回：{{ application.team_name }}",
            "body_zh": "原因：{{ application.return_reason }}",
            "subject_en": "",
            "body_en": "",
            "preview": "1",
        },
    )
    assert "data-preview" in preview.content.decode() and not EmailTemplate.objects.exists()
    both = client.post(
        url,
        {
            "subject_zh": "退回：{{ application.team_name }}",
            "body_zh": "原因",
            "subject_en": "Returned: {{ application.team_name }}",
            "body_en": "Reason",
            "preview": "1",
        },
    ).content.decode()
    assert both.count("data-preview") == 2
    assert "Returned: «application.team_name»" in both
    bad_preview = client.post(
        url,
        {
            "subject_zh": "{{ password }}",
            "body_zh": "正文",
            "subject_en": "",
            "body_en": "",
            "preview": "1",
        },
    ).content.decode()
    assert "data-preview" not in bad_preview and "{{ password }}" in bad_preview
    client.post(
        url,
        {
            "subject_zh": "退回：{{ application.team_name }}",
            "body_zh": "原因：{{ application.return_reason }}",
            "subject_en": "Returned: {{ application.team_name }}",
            "body_en": "Reason: {{ application.return_reason }}",
        },
    )
    assert EmailTemplate.objects.get().updated_by == staff
    notify_after_commit(
        to=[applicant_a.email], template="application_returned", context={"application": app}
    )
    assert mail.outbox[-1].subject == f"退回：{app.team_name}"
    assert mail.outbox[-1].body.strip() == "原因：缺少盖章页"
    services.preference_set(user=applicant_a, language="en")
    notify_after_commit(
        to=[applicant_a.email], template="application_returned", context={"application": app}
    )
    assert mail.outbox[-1].subject == f"Returned: {app.team_name}"
    assert Preference.objects.get(user=applicant_a).language == "en"


def test_english_default_template_for_an_english_reader(app: Any, applicant_a: Any) -> None:
    services.preference_set(user=applicant_a, language="en")
    notify_after_commit(
        to=[applicant_a.email], template="application_returned", context={"application": app}
    )
    assert "returned" in mail.outbox[-1].subject.lower()


def test_staff_only_pages(applicant_a: Any, staff: Any) -> None:
    for name, args in (
        ("notifications:outbox", []),
        ("notifications:templates", []),
        ("notifications:template_edit", ["application_returned"]),
    ):
        url = reverse(name, args=args)
        assert client_for(applicant_a).get(url).status_code == 403
        assert client_for(staff).get(url).status_code == 200
    missing = reverse("notifications:template_edit", args=["no_such_event"])
    assert client_for(staff).get(missing).status_code == 404


def test_a_row_being_sent_just_now_is_not_reported_unknown(
    app: Any, applicant_a: Any, staff: Any
) -> None:
    OutboxEmail.objects.create(
        recipient=applicant_a.email,
        template="application_returned",
        subject="正在发送",
        body="正文",
        state=OutboxState.SENDING,
        claimed_at=timezone.now(),
    )
    client = client_for(staff)
    unknown = client.get(reverse("notifications:outbox"), {"state": "unknown"}).content.decode()
    assert "正在发送" not in unknown
    sending = client.get(reverse("notifications:outbox"), {"state": "sending"}).content.decode()
    assert "正在发送" in sending and "data-result-unknown" not in sending


def test_after_the_last_attempt_the_email_is_failed_for_staff(
    settings: Any, app: Any, applicant_a: Any, staff: Any
) -> None:
    from xinban.notifications.delivery import MAX_ATTEMPTS

    settings.EMAIL_BACKEND = "tests.notifications.backends.FailingBackend"
    notify_after_commit(
        to=[applicant_a.email], template="application_returned", context={"application": app}
    )
    row = OutboxEmail.objects.get()
    for _ in range(MAX_ATTEMPTS - 1):
        OutboxEmail.objects.filter(pk=row.pk).update(retry_after=timezone.now())
        send_outbox()
    row.refresh_from_db()
    assert row.state == OutboxState.FAILED and row.attempts == MAX_ATTEMPTS
    assert send_outbox() == 0
    page = client_for(staff).get(reverse("notifications:outbox"), {"state": "failed"})
    assert "SMTP server unavailable" in page.content.decode()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client_for(staff).post(reverse("notifications:outbox_retry", args=[row.pk]))
    row.refresh_from_db()
    assert row.state == OutboxState.SENT and len(mail.outbox) == 1
