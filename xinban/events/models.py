"""Events (docs/architecture.md, "Events and learning"): the briefing (说明会), coaching and
training (辅导、培训), the
exchange meeting (交流会) and recommending units' presentation sessions (发表会) —
published, signed up for within capacity with a waiting list, checked in; for 交流会 and
发表会 the presenting teams and their order."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinban.core.validators import validate_phone


class EventKind(models.TextChoices):
    BRIEFING = "briefing", _("说明会")
    TRAINING = "training", _("辅导、培训")
    EXCHANGE = "exchange", _("交流会")
    PRESENTATION = "presentation", _("发表会")


# Kinds with presenting teams.
PRESENTING_KINDS = (EventKind.EXCHANGE, EventKind.PRESENTATION)


class EventState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CANCELLED = "cancelled", _("已取消")


class Event(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("内容"), blank=True)
    location = models.CharField(_("地点"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    signup_closes_at = models.DateTimeField(_("报名截止时间"))
    capacity = models.PositiveIntegerField(_("名额（空：不限）"), null=True, blank=True)
    # A unit's 发表会 is organised by the unit; the rest by the association.
    unit = models.ForeignKey(
        "organisations.RecommendingUnit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("主办推荐单位"),
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=EventState.choices, default=EventState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return self.title


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("已报名")
    WAITING = "waiting", _("候补")
    CANCELLED = "cancelled", _("已取消")


class Signup(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_signups"
    )
    name = models.CharField(_("姓名"), max_length=50)
    organisation = models.CharField(_("单位"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])
    status = models.CharField(_("状态"), max_length=10, choices=SignupStatus.choices)
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="events_one_signup_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.name}"


class Presenter(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="presenters")
    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("顺序"))

    class Meta:
        verbose_name = _("发表班组")
        verbose_name_plural = _("发表班组")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "application"], name="events_one_presentation_per_team"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id}#{self.position}"
