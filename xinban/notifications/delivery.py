"""E-mail notifications: written to the outbox in the caller's transaction (with an
in-app notification for each recipient who has an account), sent after it commits.

Each outbox row is claimed (queued → sending) by one compare-and-set UPDATE before it is
sent, so an e-mail goes out at most once even with several application servers and
workers; rows that could not be sent right away are sent by the task worker's periodic
``send_outbox``. A row left "sending" by a crash is not resent automatically (it may have
gone out): staff see it in the outbox and may retry it."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from xinban.accounts.models import User
from xinban.notifications.models import (
    Notification,
    OutboxEmail,
    OutboxState,
    Preference,
)
from xinban.notifications.rendering import render_email
from xinban.organisations.models import OrganisationMembership

logger = logging.getLogger("xinban.notify")
MAX_ATTEMPTS = 5


def notify_after_commit(*, to: Iterable[str], template: str, context: dict[str, Any]) -> None:

    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    users = {u.email: u for u in User.objects.filter(email__in=recipients)}
    languages = dict(
        Preference.objects.filter(user__email__in=recipients).values_list("user__email", "language")
    )
    rendered: dict[str, tuple[str, str]] = {}
    rows = []
    for address in recipients:
        language = languages.get(address, "zh-hans")
        if language not in rendered:
            rendered[language] = render_email(template, context, language)
        subject, body = rendered[language]
        rows.append(
            OutboxEmail(
                recipient=address,
                user=users.get(address),
                template=template,
                subject=subject[:300],
                body=body,
            )
        )
    with transaction.atomic():
        created = OutboxEmail.objects.bulk_create(rows)
        Notification.objects.bulk_create(
            [
                Notification(user=row.user, title=row.subject, body=row.body)
                for row in created
                if row.user is not None
            ]
        )
    ids = [row.pk for row in created]
    transaction.on_commit(lambda: dispatch(ids))


def retry_delay(attempts: int) -> timedelta:
    """Wait before the next automatic attempt: 1, 2, 4, 8 minutes by default (a mail
    server that is down for a while does not exhaust the attempts at once)."""
    base = float(getattr(settings, "XINBAN_OUTBOX_RETRY_SECONDS", 60))
    return timedelta(seconds=base * (2 ** max(0, attempts - 1)))


def dispatch(ids: Iterable[int]) -> int:
    """Send the given queued outbox rows (each claimed first); returns how many went."""

    sent = 0
    for pk in ids:
        claimed = OutboxEmail.objects.filter(pk=pk, state=OutboxState.QUEUED).update(
            state=OutboxState.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
        )
        if not claimed:
            continue  # someone else has it, or it is not queued
        row = OutboxEmail.objects.get(pk=pk)
        try:
            send_mail(row.subject, row.body, None, [row.recipient])
        except Exception as exc:  # noqa: BLE001 - a mail server hiccup must not break the request
            logger.exception("sending outbox e-mail %s failed", pk)
            OutboxEmail.objects.filter(pk=pk).update(
                state=OutboxState.FAILED if row.attempts >= MAX_ATTEMPTS else OutboxState.QUEUED,
                last_error=f"{type(exc).__name__}: {exc}"[:2000],
                retry_after=timezone.now() + retry_delay(row.attempts),
            )
            continue
        OutboxEmail.objects.filter(pk=pk).update(state=OutboxState.SENT, sent_at=timezone.now())
        sent += 1
    return sent


def send_outbox(limit: int = 500) -> int:
    """Send what is still queued and due (the task worker runs this periodically)."""

    due = Q(retry_after__isnull=True) | Q(retry_after__lte=timezone.now())
    ids = list(
        OutboxEmail.objects.filter(due, state=OutboxState.QUEUED)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return dispatch(ids)


def organisation_emails(organisation_id: int) -> list[str]:

    return list(
        OrganisationMembership.objects.filter(organisation_id=organisation_id).values_list(
            "user__email", flat=True
        )
    )
