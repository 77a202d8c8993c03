"""Imports of past years' teams and results from Excel: each uploaded file is a batch,
checked first (dry run, the row-by-row report kept with it) and then committed all at
once; every application it created is linked to the batch, so that importing the same
rows again updates them instead of adding them twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BatchState(models.TextChoices):
    CHECKED = "checked", _("已预检")
    COMMITTED = "committed", _("已导入")


class ImportBatch(models.Model):
    file = models.FileField(_("文件"), upload_to="imports/%Y/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    state = models.CharField(
        _("状态"), max_length=10, choices=BatchState.choices, default=BatchState.CHECKED
    )
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("无变化"), default=0)
    # [{"row": 3, "column": "班组名称", "message": "…"}] from the last check
    errors = models.JSONField(_("错误报告"), default=list, blank=True)
    # [{"row": 2, "year": 2023, "organisation": "…", "team": "…", "result": "…", "action": "…"}]
    preview = models.JSONField(_("预检结果"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("历年数据导入")
        verbose_name_plural = _("历年数据导入")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_state_display()})"


class ImportedRecord(models.Model):
    """An application that came from an import (not from the platform's own workflow)."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="import_record"
    )
    batch = models.ForeignKey(
        ImportBatch, null=True, on_delete=models.SET_NULL, related_name="records"
    )
    row_number = models.PositiveIntegerField(_("行号"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")

    def __str__(self) -> str:
        return f"{self.application_id} ← {self.batch_id}:{self.row_number}"
