"""One resumable upload: what the client declared, how far it got, where the bytes are.

The bytes of an unfinished upload live in a *part file* outside the default storage (see
``services.parts_dir``), so backups and storage listings never see half a video; only a
complete, type-checked file is moved into the default storage (``file``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from xinban.core.uploads import UploadKind


class UploadStatus(models.TextChoices):
    # Labels are stored data shown only in the admin; messages users see are in services.
    OPEN = "open", "上传中"
    COMPLETE = "complete", "已完成"
    REFUSED = "refused", "已拒收"
    CANCELLED = "cancelled", "已取消"
    EXPIRED = "expired", "已过期"


class UploadSession(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="upload_sessions",
        verbose_name="上传人",
    )
    # What the upload is for ("presentation_video") and which object it belongs to, as a
    # key the calling app chooses ("evaluation.candidate:42"). The calling app checks
    # both again when it takes the file (services.upload_session_claim).
    purpose = models.CharField("用途", max_length=50)
    target = models.CharField("对象", max_length=200, blank=True)
    filename = models.CharField("文件名", max_length=255)  # clean_display_name()
    size = models.BigIntegerField("文件大小")  # declared at start, in bytes
    kinds = models.CharField("允许的类型", max_length=100)  # "video" or "document,image"
    received_bytes = models.BigIntegerField("已接收", default=0)
    status = models.CharField(
        "状态", max_length=20, choices=UploadStatus.choices, default=UploadStatus.OPEN
    )
    part_name = models.CharField("临时文件", max_length=100)  # a name in services.parts_dir()
    file = models.FileField("文件", upload_to="resumable/%Y/%m/", max_length=255, blank=True)
    content_type = models.CharField("内容类型", max_length=100, blank=True)  # sniffed
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    refusal_code = models.CharField("拒收原因代码", max_length=50, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    expires_at = models.DateTimeField("过期时间")
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    claimed_at = models.DateTimeField("被引用时间", null=True, blank=True)

    class Meta:
        verbose_name = "断点续传上传"
        verbose_name_plural = "断点续传上传"
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
