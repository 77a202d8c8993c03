"""The notification centre (JSON): my notifications and their unread count, marking them
read; for staff the e-mail outbox and its retry, and each event's e-mail template (read,
save with the placeholders checked, back to the default)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Path, Router, Schema
from pydantic import ConfigDict

from xinban.accounts.models import User
from xinban.api.auth import current_user, scoped
from xinban.api.common import error_responses
from xinban.api.errors import ensure_valid
from xinban.api.labels import form_field
from xinban.api.payloads import form_data
from xinban.api.schemas import JsonText, _required_from
from xinban.core.roles import roles_of
from xinban.notifications import selectors, services
from xinban.notifications.forms import TemplateForm
from xinban.notifications.models import EmailTemplate, Notification, OutboxEmail
from xinban.notifications.rendering import (
    allowed_placeholders,
    default_text,
    event_keys,
    split,
)

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
    auth=scoped("me:write"),
)
def read_all(request: HttpRequest) -> MarkedOut:
    return MarkedOut(marked=services.notifications_mark_read(user=current_user(request)))


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **error_responses(404)},
    summary="标为已读",
    auth=scoped("me:write"),
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
    auth=scoped("staff:write"),
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


# --- e-mail templates (staff) --------------------------------------------------------------

TemplateKey = Annotated[str, Path(title="邮件事件", description="如 application_returned")]


class EmailTemplateRowOut(Schema):
    key: str = Field(title="邮件事件")
    edited: bool = Field(title="已修改", description="否：使用默认模板")
    default_subject: str = Field(title="默认主题")


class EmailTemplateOut(Schema):
    key: str = Field(title="邮件事件")
    edited: bool = Field(title="已修改", description="否：使用默认模板")
    subject_zh: str = Field(title="主题（中文）")
    body_zh: str = Field(title="正文（中文）")
    subject_en: str = Field(title="主题（英文）", description="空：英文用户收到默认英文邮件")
    body_en: str = Field(title="正文（英文）")
    default_text: str = Field(title="默认模板", description="第一行为主题")
    placeholders: list[str] = Field(title="可用占位符", description="写作 {{ 名称 }}")


class EmailTemplateIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(TemplateForm))

    subject_zh: JsonText = form_field(TemplateForm, "subject_zh", None)
    body_zh: JsonText = form_field(TemplateForm, "body_zh", None)
    subject_en: JsonText = form_field(TemplateForm, "subject_en", None)
    body_en: JsonText = form_field(TemplateForm, "body_en", None)


def _staff_only(user: User) -> None:
    if not roles_of(user).is_staff:
        raise PermissionDenied


def _template_key(user: User, key: str) -> str:
    _staff_only(user)
    if key not in event_keys():
        raise Http404
    return key


def _template_out(key: str) -> EmailTemplateOut:
    current = EmailTemplate.objects.filter(key=key).first()
    default = default_text(key)
    subject, body = split(default)
    return EmailTemplateOut(
        key=key,
        edited=current is not None,
        subject_zh=current.subject_zh if current else subject,
        body_zh=current.body_zh if current else body,
        subject_en=current.subject_en if current else "",
        body_en=current.body_en if current else "",
        default_text=default,
        placeholders=sorted(allowed_placeholders(key)),
    )


@router.get(
    "/notifications/templates",
    response={200: list[EmailTemplateRowOut], **error_responses(403)},
    summary="邮件模板（质协）",
)
def template_list(request: HttpRequest) -> list[EmailTemplateRowOut]:
    _staff_only(current_user(request))
    edited = set(EmailTemplate.objects.values_list("key", flat=True))
    return [
        EmailTemplateRowOut(
            key=key, edited=key in edited, default_subject=split(default_text(key))[0]
        )
        for key in event_keys()
    ]


@router.get(
    "/notifications/templates/{key}",
    response={200: EmailTemplateOut, **error_responses(403, 404)},
    summary="一个邮件事件的模板（中文、英文）",
)
def template_get(request: HttpRequest, key: TemplateKey) -> EmailTemplateOut:
    return _template_out(_template_key(current_user(request), key))


@router.put(
    "/notifications/templates/{key}",
    response={200: EmailTemplateOut, **error_responses(400, 403, 404, 422)},
    summary="保存邮件模板（检查占位符）",
    description="只能使用该事件默认模板中的占位符；"
    "模板语法错误或未知占位符返回 400（field 指明字段）。",
    auth=scoped("staff:write"),
)
def template_save(
    request: HttpRequest, key: TemplateKey, payload: EmailTemplateIn
) -> EmailTemplateOut:
    user = current_user(request)
    key = _template_key(user, key)
    data, type_errors = form_data(payload, TemplateForm)
    form = TemplateForm(data)
    ensure_valid(form, type_errors)
    services.template_save(actor=user, key=key, **form.cleaned_data)
    return _template_out(key)


@router.delete(
    "/notifications/templates/{key}",
    response={200: EmailTemplateOut, **error_responses(403, 404)},
    summary="恢复默认模板",
    auth=scoped("staff:write"),
)
def template_reset(request: HttpRequest, key: TemplateKey) -> EmailTemplateOut:
    user = current_user(request)
    key = _template_key(user, key)
    services.template_reset(actor=user, key=key)
    return _template_out(key)
