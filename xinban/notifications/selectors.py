from __future__ import annotations

from django.db.models import QuerySet

from xinban.accounts.models import User
from xinban.notifications.models import Notification, OutboxEmail


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def outbox(*, state: str = "", q: str = "") -> QuerySet[OutboxEmail]:
    qs = OutboxEmail.objects.order_by("-created_at", "-id")
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(recipient__icontains=q)
    return qs
