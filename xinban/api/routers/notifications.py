"""The notification centre (JSON): my notifications and their unread count, marking them
read; for staff the e-mail outbox and its retry."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from xinban.api.auth import current_user
from xinban.api.common import error_responses
from xinban.core.roles import roles_of
from xinban.notifications import selectors, services
from xinban.notifications.models import Notification, OutboxEmail

router = Router(tags=["通知中心"])


class NotificationOut(Schema):
    id: int = Field(title="通知 id")
    title: str = Field(title="标题")
    body: str = Field(title="内容")
    created_at: datetime = Field(title="时间")
    read: bool = Field(title="已读")


class InboxOut(Schema):
    unread: int = Field(title="未读数")
    items: list[NotificationOut] = Field(title="最近的通知")


class OutboxOut(Schema):
    id: int = Field(title="邮件 id")
    recipient: str = Field(title="收件人")
    subject: str = Field(title="主题")
    state: str = Field(title="状态")
    attempts: int = Field(title="尝试次数")
    result_unknown: bool = Field(title="结果未知（发送中断，可能已发出）")
    last_error: str = Field(title="最近错误")
    created_at: datetime = Field(title="创建时间")


def _out(n: Notification) -> NotificationOut:
    return NotificationOut(
        id=n.pk, title=n.title, body=n.body, created_at=n.created_at, read=n.read_at is not None
    )


def _outbox_out(e: OutboxEmail) -> OutboxOut:
    return OutboxOut(
        id=e.pk,
        recipient=e.recipient,
        subject=e.subject,
        state=e.state,
        attempts=e.attempts,
        result_unknown=e.result_unknown(),
        last_error=e.last_error,
        created_at=e.created_at,
    )


@router.get("/notifications", response={200: InboxOut, **error_responses()}, summary="我的站内通知")
def inbox(request: HttpRequest) -> InboxOut:
    user = current_user(request)
    return InboxOut(
        unread=selectors.unread_count(user),
        items=[_out(n) for n in selectors.notifications_of(user)[:50]],
    )


class MarkedOut(Schema):
    marked: int = Field(title="标为已读的条数")


@router.post(
    "/notifications/read-all",
    response={200: MarkedOut, **error_responses()},
    summary="全部标为已读",
)
def read_all(request: HttpRequest) -> MarkedOut:
    return MarkedOut(marked=services.notifications_mark_read(user=current_user(request)))


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **error_responses(404)},
    summary="标为已读",
)
def read(request: HttpRequest, notification_id: int) -> NotificationOut:
    user = current_user(request)
    note = Notification.objects.filter(pk=notification_id, user=user).first()
    if note is None:
        raise Http404
    services.notifications_mark_read(user=user, pk=note.pk)
    note.refresh_from_db()
    return _out(note)


@router.get(
    "/notifications/outbox",
    response={200: list[OutboxOut], **error_responses(403)},
    summary="发件箱（质协）",
)
def outbox(request: HttpRequest, state: str = "") -> list[OutboxOut]:
    """``state``: queued、sending、sent、failed，或 unknown（发送中断、结果未知的）。"""
    if not roles_of(current_user(request)).is_staff:
        raise PermissionDenied
    return [_outbox_out(e) for e in selectors.outbox(state=state[:10])[:200]]


@router.post(
    "/notifications/outbox/{email_id}/retry",
    response={200: OutboxOut, **error_responses(403, 404, 409)},
    summary="重发邮件（发送失败或中断的）",
)
def outbox_retry(request: HttpRequest, email_id: int) -> OutboxOut:
    user = current_user(request)
    if not roles_of(user).is_staff:
        raise PermissionDenied
    email = OutboxEmail.objects.filter(pk=email_id).first()
    if email is None:
        raise Http404
    services.outbox_retry(actor=user, email=email)
    email.refresh_from_db()
    return _outbox_out(email)
