"""A session's part file and the look-ups and state changes every service shares (the
owner's session, expiry, closing)."""

from __future__ import annotations

import contextlib
import logging
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from xinban.accounts.models import User
from xinban.core.audit import audit_record
from xinban.uploads_resumable.models import UploadSession, UploadStatus
from xinban.uploads_resumable.services.errors import MSG_NOT_FOUND, UploadNotFound
from xinban.uploads_resumable.services.limits import parts_dir

logger = logging.getLogger("xinban.uploads_resumable")


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


def part_path(session: UploadSession) -> Path:
    name = session.part_name
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"bad part name {name!r}")
    return parts_dir() / name


def _delete_part(session: UploadSession) -> None:
    with contextlib.suppress(FileNotFoundError, ValueError):
        part_path(session).unlink()


def _is_expired(session: UploadSession, now: datetime | None = None) -> bool:
    return session.is_open and session.expires_at <= (now or timezone.now())


def _owned(actor: User, session_id: uuid.UUID | str) -> UploadSession:
    """The actor's session; anyone else's (or none) is 404, never 403."""
    if not getattr(actor, "is_authenticated", False):
        raise UploadNotFound(MSG_NOT_FOUND, code="not_found")
    try:
        return UploadSession.objects.get(pk=session_id, owner=actor)
    except (UploadSession.DoesNotExist, ValidationError, ValueError) as exc:
        raise UploadNotFound(MSG_NOT_FOUND, code="not_found") from exc


def _close(
    session: UploadSession,
    *,
    status: UploadStatus,
    actor: User | None,
    action: str,
    refusal_code: str = "",
    changes: dict[str, Any] | None = None,
) -> bool:
    """Move an open session to a final status; False when it was no longer open."""
    now = timezone.now()
    with transaction.atomic():
        updated = UploadSession.objects.filter(pk=session.pk, status=UploadStatus.OPEN).update(
            status=status, refusal_code=refusal_code, updated_at=now
        )
        if not updated:
            return False
        session.status, session.refusal_code, session.updated_at = status, refusal_code, now
        audit_record(
            actor=actor,
            action=action,
            obj=session,
            changes={
                "status": [UploadStatus.OPEN.value, status.value],
                "received_bytes": session.received_bytes,
                **(changes or {}),
            },
        )
    _delete_part(session)
    return True


def _expire_if_due(session: UploadSession) -> None:
    if _is_expired(session):
        _close(session, status=UploadStatus.EXPIRED, actor=None, action="upload.expired")
        session.refresh_from_db()
