"""One resumable upload: what the client declared, how far it got, where the bytes are.

The bytes of an unfinished upload live in a *part file* outside the default storage (see
``services.parts_dir``), so backups and storage listings never see half a video; only a
complete, type-checked file is moved into the default storage (``file``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinban.core.uploads import UploadKind


class UploadStatus(models.TextChoices):
    # Shown in the admin; the messages users see are in services.
    OPEN = "open", _("上传中")
    COMPLETE = "complete", _("已完成")
    REFUSED = "refused", _("已拒收")
    CANCELLED = "cancelled", _("已取消")
    EXPIRED = "expired", _("已过期")


class UploadSession(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="upload_sessions",
        verbose_name=_("上传人"),
    )
    # What the upload is for ("presentation_video") and which object it belongs to, as a
    # key the calling app chooses ("evaluation.candidate:42"). The calling app checks
    # both again when it takes the file (services.upload_session_claim).
    purpose = models.CharField(_("用途"), max_length=50)
    target = models.CharField(_("对象"), max_length=200, blank=True)
    filename = models.CharField(_("文件名"), max_length=255)  # clean_display_name()
    size = models.BigIntegerField(_("文件大小"))  # declared at start, in bytes
    kinds = models.CharField(_("允许的类型"), max_length=100)  # "video" or "document,image"
    received_bytes = models.BigIntegerField(_("已接收"), default=0)
    status = models.CharField(
        _("状态"), max_length=20, choices=UploadStatus.choices, default=UploadStatus.OPEN
    )
    part_name = models.CharField(_("临时文件"), max_length=100)  # a name in services.parts_dir()
    file = models.FileField(_("文件"), upload_to="resumable/%Y/%m/", max_length=255, blank=True)
    content_type = models.CharField(_("内容类型"), max_length=100, blank=True)  # sniffed
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    refusal_code = models.CharField(_("拒收原因代码"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    expires_at = models.DateTimeField(_("过期时间"))
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("被引用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("断点续传上传")
        verbose_name_plural = _("断点续传上传")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "purpose", "target", "status"]),
            models.Index(fields=["status", "expires_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(received_bytes__gte=0)
                & models.Q(received_bytes__lte=models.F("size")),
                name="uploads_resumable_received_within_size",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.purpose})"

    @property
    def upload_kinds(self) -> tuple[UploadKind, ...]:
        return tuple(UploadKind[name.upper()] for name in self.kinds.split(",") if name)

    @property
    def is_open(self) -> bool:
        return self.status == UploadStatus.OPEN
