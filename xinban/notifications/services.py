"""Writes of the notification centre; staff ones audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.core.audit import audit_record
from xinban.core.errors import NotAllowed, ServiceError, WrongState
from xinban.core.roles import roles_of
from xinban.core.text import join_clauses
from xinban.notifications.delivery import dispatch
from xinban.notifications.models import (
    EmailTemplate,
    Notification,
    OutboxEmail,
    OutboxState,
    Preference,
)
from xinban.notifications.rendering import event_keys, placeholder_problems


def _require_staff(actor: User) -> None:
    if not roles_of(actor).is_staff:
        raise NotAllowed(_("只有质协工作人员可以操作。"), code="staff_only")


def template_save(
    *, actor: User, key: str, subject_zh: str, body_zh: str, subject_en: str, body_en: str
) -> EmailTemplate:
    _require_staff(actor)
    if key not in event_keys():
        raise ServiceError(_("没有这个邮件事件。"), code="unknown_event", field="key")
    for field, text in (
        ("subject_zh", subject_zh),
        ("body_zh", body_zh),
        ("subject_en", subject_en),
        ("body_en", body_en),
    ):
        problems = placeholder_problems(key, text)
        if problems:
            raise ServiceError(
                _("不能使用的占位符或模板错误：%(problems)s")
                % {"problems": join_clauses(problems)},
                code="bad_placeholder",
                field=field,
            )
    with transaction.atomic():
        template, _created = EmailTemplate.objects.update_or_create(
            key=key,
            defaults={
                "subject_zh": subject_zh.strip(),
                "body_zh": body_zh,
                "subject_en": subject_en.strip(),
                "body_en": body_en,
                "updated_by": actor,
            },
        )
        audit_record(actor=actor, action="notifications.template_save", obj=template)
    return template


def template_reset(*, actor: User, key: str) -> None:
    """Back to the default text."""
    _require_staff(actor)
    with transaction.atomic():
        template = EmailTemplate.objects.filter(key=key).first()
        if template is None:
            return
        audit_record(actor=actor, action="notifications.template_reset", obj=template)
        template.delete()


def outbox_retry(*, actor: User, email: OutboxEmail) -> OutboxEmail:
    """Queue a failed e-mail again, or one left "sending" by a crash (it may already
    have gone out: staff decide)."""
    _require_staff(actor)
    with transaction.atomic():
        current = OutboxEmail.objects.select_for_update().get(pk=email.pk)
        if current.state not in (OutboxState.FAILED, OutboxState.SENDING):
            raise WrongState(_("只有发送失败或发送中断的邮件可以重发。"), code="not_failed")
        current.state = OutboxState.QUEUED
        current.retry_after = None
        current.save(update_fields=["state", "retry_after"])
        audit_record(
            actor=actor,
            action="notifications.outbox_retry",
            obj=current,
            changes={"recipient": current.recipient, "template": current.template},
        )

        pk = current.pk
        transaction.on_commit(lambda: dispatch([pk]))
    return current


def notifications_mark_read(*, user: User, pk: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())


def preference_set(*, user: User, language: str) -> Preference:
    if language not in ("zh-hans", "en"):
        raise ServiceError(_("请选择邮件语言。"), code="bad_language", field="language")
    preference, _created = Preference.objects.update_or_create(
        user=user, defaults={"language": language}
    )
    return preference
