"""The notification centre: e-mail templates staff may edit (Chinese and English), the
outbox of every e-mail (queued → sending → sent, or failed), and the in-app notifications
each user reads on the site."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailTemplate(models.Model):
    """A staff edit of one event's e-mail; without one the default text is used
    (xinban/templates/notifications/<key>.txt, first line the subject)."""

    key = models.CharField(_("事件"), max_length=50, unique=True)
    subject_zh = models.CharField(_("主题（中文）"), max_length=200)
    body_zh = models.TextField(_("正文（中文）"))
    subject_en = models.CharField(_("主题（英文）"), max_length=200, blank=True)
    body_en = models.TextField(_("正文（英文）"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("邮件模板")
        verbose_name_plural = _("邮件模板")

    def __str__(self) -> str:
        return self.key


class OutboxState(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class OutboxEmail(models.Model):
    recipient = models.EmailField(_("收件人"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("用户"),
    )
    template = models.CharField(_("事件"), max_length=50)
    subject = models.CharField(_("主题"), max_length=300)
    body = models.TextField(_("正文"))
    state = models.CharField(
        _("状态"), max_length=10, choices=OutboxState.choices, default=OutboxState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("开始发送时间"), null=True, blank=True)
    retry_after = models.DateTimeField(_("下次重试时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发件箱")
        verbose_name_plural = _("发件箱")
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"

    def result_unknown(self, now: datetime | None = None) -> bool:
        """Left "sending" for longer than any send takes: the process crashed while
        sending, and whether the e-mail went out is unknown (it is not resent on its
        own; staff may retry it)."""
        return (
            self.state == OutboxState.SENDING
            and self.claimed_at is not None
            and self.claimed_at < (now or timezone.now()) - stuck_after()
        )


def stuck_after() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "XINBAN_OUTBOX_STUCK_SECONDS", 300)))


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("内容"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        indexes = [models.Index(fields=["user", "read_at"])]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Language(models.TextChoices):
    CHINESE = "zh-hans", "中文"
    ENGLISH = "en", "English"


class Preference(models.Model):
    """The language a user's e-mails are written in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    language = models.CharField(
        _("邮件语言"), max_length=10, choices=Language.choices, default=Language.CHINESE
    )

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"
