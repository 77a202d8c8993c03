from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from xinban.accounts.models import User
from xinban.notifications.models import Notification, OutboxEmail, OutboxState, stuck_after


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


UNKNOWN = "unknown"  # a pseudo-state: "sending" for too long (see OutboxEmail.result_unknown)


def outbox(*, state: str = "", q: str = "") -> QuerySet[OutboxEmail]:
    qs = OutboxEmail.objects.order_by("-created_at", "-id")
    if state == UNKNOWN:
        qs = qs.filter(state=OutboxState.SENDING, claimed_at__lt=timezone.now() - stuck_after())
    elif state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(recipient__icontains=q)
    return qs
