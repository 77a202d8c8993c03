"""Background tasks kept in the database (the embedded default: no extra server).

A task is claimed by one worker at a time under a lease that the worker renews while it
runs; a worker that dies loses its lease and another one claims the task again. Handlers
are written to resume (they skip what is already done), so a re-run after a crash
continues rather than repeats."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TaskState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Task(models.Model):
    name = models.CharField(_("任务"), max_length=100)
    kwargs = models.JSONField(_("参数"), default=dict, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=TaskState.choices, default=TaskState.QUEUED
    )
    progress_done = models.PositiveIntegerField(_("已完成"), default=0)
    progress_total = models.PositiveIntegerField(_("总数"), default=0)
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("最多尝试次数"), default=3)
    run_after = models.DateTimeField(_("最早执行时间"), default=timezone.now)
    lease_until = models.DateTimeField(_("租约到期"), null=True, blank=True)
    worker = models.CharField(_("执行者"), max_length=100, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    result_file = models.FileField(_("结果文件"), upload_to="tasks/%Y/%m/", blank=True)
    result_name = models.CharField(_("下载文件名"), max_length=200, blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        indexes = [models.Index(fields=["state", "run_after"])]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.state == TaskState.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def finished(self) -> bool:
        return self.state in (TaskState.DONE, TaskState.FAILED)
