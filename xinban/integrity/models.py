"""The similarity check (查重, docs/similarity.md): each application's compared text and
its latest result; the index's persisted generation."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckStatus(models.TextChoices):
    PENDING = "pending", _("查重中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("查重失败")


class SimilarityDocument(models.Model):
    """The text compared for one application: its six material areas and the text of its
    attachments, with the place of each part (``sections``: ``[start, end, label]``)."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="similarity_document"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    text = models.TextField(blank=True)
    # ``text`` normalised (xinban/integrity/similarity/text.py): what a check compares, read
    # without normalising again (docs/similarity.md, "How"); empty in rows made before it.
    normalised = models.TextField(blank=True, default="")
    sections = models.JSONField(default=list, blank=True)
    # Attachments whose text could not be read (scans without a text layer).
    unreadable = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("查重文本")
        verbose_name_plural = _("查重文本")

    def __str__(self) -> str:
        return f"{self.application_id} ({len(self.text)})"

    def section_at(self, offset: int) -> str:
        for start, end, label in self.sections:
            if start <= offset < end:
                return str(label)
        return ""


class SimilarityCheck(models.Model):
    """The latest check of one application: the overall overlap and, per source, its
    share and passages (``matches``, see xinban/integrity/services.py)."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="similarity_check"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=CheckStatus.choices, default=CheckStatus.PENDING
    )
    requested_at = models.DateTimeField(_("提交查重时间"), auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(_("查重时间"), null=True, blank=True)
    overall = models.FloatField(_("总体重合比例"), null=True, blank=True)
    length = models.PositiveIntegerField(_("比对字数"), default=0)
    matches = models.JSONField(default=list, blank=True)
    unreadable = models.JSONField(_("未能提取文字的附件"), default=list, blank=True)

    class Meta:
        verbose_name = _("查重结果")
        verbose_name_plural = _("查重结果")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.status}"


class IndexState(models.Model):
    """One row: the generation of the persisted index. A worker locks it while it adds a
    document, and a pickle whose token or generation differs is rebuilt from the rows."""

    token = models.UUIDField(default=uuid.uuid4)
    generation = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("查重索引")
        verbose_name_plural = _("查重索引")

    def __str__(self) -> str:
        return f"{self.token}#{self.generation}"
