"""Online learning (在线学习): a catalogue of courses (documents, videos, links) that users
choose from, with their own progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Course(models.Model):
    title = models.CharField(_("课程名称"), max_length=200)
    description = models.TextField(_("简介"), blank=True)
    published = models.BooleanField(_("已上线"), default=False)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class LessonKind(models.TextChoices):
    DOCUMENT = "document", _("文档")
    VIDEO = "video", _("视频")
    LINK = "link", _("链接")


class Lesson(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(_("课时名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, choices=LessonKind.choices)
    description = models.TextField(_("说明"), blank=True)
    # Uploaded by staff through the learning services (type-checked), downloaded only
    # through the permission-checked view.
    file = models.FileField(_("文件"), upload_to="learning/%Y/", max_length=255, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    url = models.URLField(_("链接"), blank=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("课时")
        verbose_name_plural = _("课时")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Enrollment(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_enrollments"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("选课")
        verbose_name_plural = _("选课")
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="learning_one_enrollment")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.course_id}"


class LessonProgress(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("学习进度")
        verbose_name_plural = _("学习进度")
        constraints = [
            models.UniqueConstraint(fields=["lesson", "user"], name="learning_one_progress")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.lesson_id}"
