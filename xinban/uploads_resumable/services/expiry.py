"""Expiring stale sessions and deleting orphaned part files."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from xinban.uploads_resumable.models import UploadSession, UploadStatus
from xinban.uploads_resumable.services.limits import ORPHAN_GRACE, parts_dir
from xinban.uploads_resumable.services.parts import _close, logger


@dataclass(frozen=True)
class ExpiryReport:
    expired: int
    orphans_removed: int


def expire_stale_uploads(*, now: datetime | None = None) -> ExpiryReport:
    """End open sessions past their expiry (deleting their part files) and delete part
    files that no open session owns (older than ORPHAN_GRACE)."""
    now = now or timezone.now()
    expired = 0
    due = UploadSession.objects.filter(status=UploadStatus.OPEN, expires_at__lte=now)
    for session in due.iterator():
        if _close(session, status=UploadStatus.EXPIRED, actor=None, action="upload.expired"):
            expired += 1
    orphans = 0
    directory = parts_dir()
    if directory.is_dir():
        open_parts = set(
            UploadSession.objects.filter(status=UploadStatus.OPEN).values_list(
                "part_name", flat=True
            )
        )
        cutoff = (now - ORPHAN_GRACE).timestamp()
        with os.scandir(directory) as entries:
            for entry in entries:
                if not entry.name.endswith(".part") or entry.name in open_parts:
                    continue
                if not entry.is_file(follow_symlinks=False):
                    continue
                if entry.stat(follow_symlinks=False).st_mtime > cutoff:
                    continue
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
                    orphans += 1
    if expired or orphans:
        logger.info("uploads expired: %s sessions, %s orphan part files", expired, orphans)
    return ExpiryReport(expired=expired, orphans_removed=orphans)
