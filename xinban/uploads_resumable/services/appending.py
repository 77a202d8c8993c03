"""Appending a chunk at the right offset, and finishing the file when the last byte
arrives (content check, checksum, hand-over to the storage)."""

from __future__ import annotations

import fcntl
import os
import uuid
from pathlib import Path
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from xinban.accounts.models import User
from xinban.core.audit import audit_record
from xinban.core.uploads import safe_storage_name, sha256_of, validate_upload
from xinban.uploads_resumable.models import UploadSession, UploadStatus
from xinban.uploads_resumable.services.errors import (
    MSG_BAD_OFFSET,
    MSG_BAD_SIZE,
    MSG_BEYOND_SIZE,
    MSG_BUSY,
    MSG_CHUNK_TOO_LARGE,
    MSG_GONE,
    MSG_INTERRUPTED,
    MSG_OFFSET_MISMATCH,
    UploadBadRequest,
    UploadConflict,
    UploadGone,
    UploadRefused,
    UploadTooLarge,
)
from xinban.uploads_resumable.services.limits import READ_BLOCK_BYTES, chunk_bytes, session_ttl
from xinban.uploads_resumable.services.parts import (
    Readable,
    _close,
    _delete_part,
    _expire_if_due,
    _owned,
    logger,
    part_path,
)


class _PartFile(File):  # type: ignore[type-arg]
    """The part file as a Django File. ``temporary_file_path`` makes FileSystemStorage move
    it into place instead of copying (what it does with TemporaryUploadedFile)."""

    def __init__(self, handle: IO[bytes], *, name: str, path: Path) -> None:
        super().__init__(handle, name=name)
        self._path = path

    def temporary_file_path(self) -> str:
        return str(self._path)


def _require_open(session: UploadSession) -> None:
    _expire_if_due(session)
    if session.status == UploadStatus.COMPLETE:
        # Only an idempotent retry of the last chunk can get here: tell it where we are.
        raise UploadConflict(MSG_OFFSET_MISMATCH, code="complete", offset=session.size)
    if not session.is_open:
        raise UploadGone(MSG_GONE, code=session.status, offset=session.received_bytes)


def upload_session_append(
    *,
    actor: User,
    session_id: uuid.UUID | str,
    offset: int,
    stream: Readable,
    length: int,
) -> UploadSession:
    """Append ``length`` bytes read from ``stream`` at ``offset``, which must equal the
    bytes received so far (else UploadConflict carrying the right offset). The last chunk
    finishes the upload: content check, SHA-256, into the default storage; the returned
    session is then ``complete`` (or UploadRefused is raised for a wrong type).

    Reads at most READ_BLOCK_BYTES at a time. If the stream ends early (the client went
    away) the bytes that did arrive are kept and UploadBadRequest("interrupted") carries
    the new offset. An empty append at offset == size retries a finish that failed.
    """
    session = _owned(actor, session_id)
    _require_open(session)
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise UploadBadRequest(MSG_BAD_OFFSET, code="bad_offset")
    if offset != session.received_bytes:
        raise UploadConflict(
            MSG_OFFSET_MISMATCH, code="offset_mismatch", offset=session.received_bytes
        )
    if length < 0:
        raise UploadBadRequest(MSG_BAD_SIZE, code="bad_length", offset=offset)
    if length > chunk_bytes():
        raise UploadTooLarge(MSG_CHUNK_TOO_LARGE, code="chunk_too_large", offset=offset)
    if offset + length > session.size:
        raise UploadTooLarge(MSG_BEYOND_SIZE, code="beyond_size", offset=offset)

    path = part_path(session)
    try:
        handle = path.open("r+b")
    except FileNotFoundError as exc:
        # Swept by expire_stale_uploads or lost: this session cannot be finished.
        _close(
            session,
            status=UploadStatus.EXPIRED,
            actor=None,
            action="upload.expired",
            changes={"reason": "part file missing"},
        )
        raise UploadGone(MSG_GONE, code="part_missing") from exc
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise UploadConflict(MSG_BUSY, code="busy", offset=session.received_bytes) from exc
        # Under the lock: the row as it is now is the truth.
        session.refresh_from_db()
        _require_open(session)
        if offset != session.received_bytes:
            raise UploadConflict(
                MSG_OFFSET_MISMATCH, code="offset_mismatch", offset=session.received_bytes
            )
        on_disk = os.fstat(handle.fileno()).st_size
        if on_disk < offset:
            # Fewer bytes on disk than recorded (restored from an old backup, disk trouble):
            # continue from what is really there rather than leave a hole.
            _set_received(session, expected=offset, received=on_disk)
            raise UploadConflict(MSG_OFFSET_MISMATCH, code="offset_mismatch", offset=on_disk)
        handle.seek(offset)
        handle.truncate()
        written, interrupted = _copy(stream, handle, length)
        handle.flush()
        if written:
            _set_received(session, expected=offset, received=offset + written)
        if interrupted:
            logger.info(
                "upload %s interrupted at %s (+%s of %s bytes)", session.pk, offset, written, length
            )
            raise UploadBadRequest(
                MSG_INTERRUPTED, code="interrupted", offset=session.received_bytes
            )
        if session.received_bytes == session.size:
            _finish(session, handle=handle, path=path, actor=actor)
    return session


def _copy(stream: Readable, handle: IO[bytes], length: int) -> tuple[int, bool]:
    """Copy ``length`` bytes in blocks; (bytes written, whether the stream ended early)."""
    written = 0
    while written < length:
        try:
            block = stream.read(min(READ_BLOCK_BYTES, length - written))
        except OSError:  # includes Django's UnreadablePostError: the client went away
            return written, True
        if not block:
            return written, True
        handle.write(block)
        written += len(block)
    return written, False


def _set_received(session: UploadSession, *, expected: int, received: int) -> None:
    now = timezone.now()
    updated = UploadSession.objects.filter(
        pk=session.pk, status=UploadStatus.OPEN, received_bytes=expected
    ).update(received_bytes=received, updated_at=now, expires_at=now + session_ttl())
    if not updated:  # cancelled or expired while the chunk was arriving
        session.refresh_from_db()
        raise UploadGone(MSG_GONE, code=session.status, offset=session.received_bytes)
    session.received_bytes, session.updated_at = received, now


def _finish(session: UploadSession, *, handle: IO[bytes], path: Path, actor: User) -> None:
    part = _PartFile(handle, name=session.filename, path=path)
    try:
        detected = validate_upload(part, kinds=session.upload_kinds, max_bytes=session.size)
    except ValidationError as exc:
        code = exc.code or "unsupported_type"
        message = exc.messages[0]
        _close(
            session,
            status=UploadStatus.REFUSED,
            actor=actor,
            action="upload.refused",
            refusal_code=code,
            changes={"code": code},
        )
        raise UploadRefused(message, code=code, offset=session.received_bytes) from exc
    digest = sha256_of(part)
    field_file = session.file
    field_file.save(safe_storage_name(session.filename, ext=detected.ext), part, save=False)
    stored = field_file.name or ""
    now = timezone.now()
    with transaction.atomic():
        updated = UploadSession.objects.filter(
            pk=session.pk, status=UploadStatus.OPEN, received_bytes=session.size
        ).update(
            status=UploadStatus.COMPLETE,
            file=stored,
            sha256=digest,
            content_type=detected.mime,
            completed_at=now,
            updated_at=now,
        )
        if updated:
            session.status, session.sha256, session.content_type = (
                UploadStatus.COMPLETE,
                digest,
                detected.mime,
            )
            session.completed_at = session.updated_at = now
            audit_record(
                actor=actor,
                action="upload.completed",
                obj=session,
                changes={
                    "status": [UploadStatus.OPEN.value, UploadStatus.COMPLETE.value],
                    "size": session.size,
                    "sha256": digest,
                    "content_type": detected.mime,
                    "file": stored,
                },
            )
    if not updated:  # cancelled while we were checking: do not keep the file
        field_file.storage.delete(stored)
        session.refresh_from_db()
        raise UploadGone(MSG_GONE, code=session.status, offset=session.received_bytes)
    _delete_part(session)  # already moved away by FileSystemStorage; other storages copied
