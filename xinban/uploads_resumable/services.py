"""Resumable uploads: start a session, append chunks at the right offset, finish with a
content check and a checksum, cancel, claim, expire. The HTTP protocol is in ``views``.

How the bytes travel
    Each chunk is copied from the request stream to the session's *part file* in
    ``READ_BLOCK_BYTES`` blocks, so a chunk never sits in memory whole (and neither does
    the file). The part file lives in ``parts_dir()``, outside the default storage, so a
    backup or a storage listing never sees half a video.

When the last byte arrives
    The assembled part file is checked by its *content* (``validate_upload`` with the
    purpose's kinds: magic bytes, never the name or the client's content type). A wrong
    type ends the session as ``refused`` and the part file is deleted. A good file gets
    its SHA-256 computed in blocks and is handed to the default storage as a file with a
    ``temporary_file_path``: ``FileSystemStorage`` then *moves* it (a rename on the same
    filesystem, a streamed copy otherwise); other storages read it in chunks.

Concurrency
    The database row says how many bytes count (``received_bytes``). Appends to one
    session are serialised by an exclusive ``flock`` on its part file (a second request
    arriving meanwhile, e.g. a client retrying while its first request still runs, gets
    a 409 "busy" with the offset). Every state change is a conditional UPDATE (status and
    offset as read), so a cancel or an expiry racing an append wins cleanly. Bytes past
    ``received_bytes`` (a request that died after writing but before recording them) are
    cut off before the next append. ``flock`` is per host: the part directory must not be
    shared between application servers.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.core.audit import audit_record
from xinban.core.errors import ServiceError
from xinban.core.uploads import (
    KIB,
    MIB,
    UploadKind,
    clean_display_name,
    refuse_long_file_name,
    safe_storage_name,
    sha256_of,
    upload_too_large_error,
    validate_upload,
)
from xinban.uploads_resumable.models import UploadSession, UploadStatus

logger = logging.getLogger("xinban.uploads_resumable")

GIB = 1024 * MIB
DEFAULT_MAX_VIDEO_BYTES = 2 * GIB
DEFAULT_CHUNK_BYTES = 8 * MIB
DEFAULT_SESSION_TTL_SECONDS = 2 * 24 * 3600  # renewed by every chunk
DEFAULT_MAX_OPEN_SESSIONS = 5  # per user, all purposes together
READ_BLOCK_BYTES = 64 * KIB  # what one read from the request stream may hold
ORPHAN_GRACE = timedelta(hours=1)  # a part file this young may belong to a starting session
FREE_SPACE_MARGIN_BYTES = 256 * MIB
MAX_TARGET_LENGTH = 200


# --------------------------------------------------------------------------- settings


def max_video_bytes() -> int:
    return int(getattr(settings, "XINBAN_MAX_VIDEO_BYTES", DEFAULT_MAX_VIDEO_BYTES))


def chunk_bytes() -> int:
    """Largest chunk one PATCH may carry (the reverse proxy must accept a body this big)."""
    return int(getattr(settings, "XINBAN_UPLOAD_CHUNK_BYTES", DEFAULT_CHUNK_BYTES))


def session_ttl() -> timedelta:
    seconds = getattr(settings, "XINBAN_UPLOAD_SESSION_TTL_SECONDS", DEFAULT_SESSION_TTL_SECONDS)
    return timedelta(seconds=int(seconds))


def max_open_sessions() -> int:
    return int(getattr(settings, "XINBAN_UPLOAD_MAX_OPEN_SESSIONS", DEFAULT_MAX_OPEN_SESSIONS))


def parts_dir() -> Path:
    """Where unfinished uploads are kept: ``XINBAN_UPLOAD_PARTS_DIR``, by default
    ``upload_parts`` next to MEDIA_ROOT (same filesystem, so finishing is a rename)."""
    explicit = getattr(settings, "XINBAN_UPLOAD_PARTS_DIR", None)
    if explicit:
        return Path(explicit)
    return Path(settings.MEDIA_ROOT).resolve().parent / "upload_parts"


# --------------------------------------------------------------------------- purposes


@dataclass(frozen=True)
class UploadPurpose:
    """What may be uploaded for one purpose. ``may_use(user, target)`` is the calling
    app's permission check (False: the start is answered 404); ``max_bytes`` None means
    ``XINBAN_MAX_VIDEO_BYTES``."""

    name: str
    kinds: tuple[UploadKind, ...]
    max_bytes: int | None = None
    may_use: Callable[[User, str], bool] | None = None

    def limit(self) -> int:
        return max_video_bytes() if self.max_bytes is None else self.max_bytes


_PURPOSES: dict[str, UploadPurpose] = {}


def register_upload_purpose(purpose: UploadPurpose) -> None:
    """Add or replace a purpose; apps call it from ``AppConfig.ready``."""
    _PURPOSES[purpose.name] = purpose


def upload_purpose(name: str) -> UploadPurpose | None:
    return _PURPOSES.get(name)


# Purposes are registered by the apps that use them (the evaluation registers
# "presentation_video" with its permission check in EvaluationConfig.ready).


# --------------------------------------------------------------------------- errors

# The protocol's own messages are bilingual, Chinese first, like the API's (the client
# shows them only when something unusual happens); the type and size refusals reuse the
# translated messages of xinban.core.uploads.
MSG_NOT_FOUND = "找不到该上传。Upload not found."
MSG_UNKNOWN_PURPOSE = "不支持的上传用途。Unknown upload purpose."
MSG_BAD_TARGET = "上传对象无效。Invalid upload target."
MSG_BAD_SIZE = "文件大小无效。Invalid file size."
MSG_BAD_OFFSET = "Upload-Offset 无效。Invalid Upload-Offset."
MSG_OFFSET_MISMATCH = (
    "上传位置不一致，请从服务器记录的位置继续。Offset mismatch: resume from the offset given."  # noqa: E501
)
MSG_BUSY = "该上传正在接收另一个请求，请稍后重试。Another request is writing to this upload; retry shortly."  # noqa: E501
MSG_CHUNK_TOO_LARGE = "分块过大。Chunk too large."
MSG_BEYOND_SIZE = "数据超出声明的文件大小。Data beyond the declared size."
MSG_INTERRUPTED = (
    "传输中断，已保存收到的部分，请从断点继续。Transfer interrupted; resume from the offset given."  # noqa: E501
)
MSG_GONE = "该上传已结束（已取消、已拒收或已过期），请重新上传。This upload has ended (cancelled, refused or expired); start again."  # noqa: E501
MSG_ALREADY_COMPLETE = "该上传已完成，不能取消。This upload is complete and cannot be cancelled."
MSG_NOT_COMPLETE = "该上传尚未完成。This upload is not complete yet."
MSG_TOO_MANY = "未完成的上传过多，请先完成或取消其他上传。Too many unfinished uploads; finish or cancel one first."  # noqa: E501
MSG_NO_SPACE = (
    "服务器存储空间不足，请稍后再试或联系质协。The server is short of disk space; try again later."  # noqa: E501
)


class UploadError(ServiceError):
    """A refused upload request; ``offset`` is the session's offset when the client needs it
    to resume."""

    def __init__(self, message: str, *, code: str, offset: int | None = None) -> None:
        super().__init__(message, code=code)
        self.offset = offset


class UploadBadRequest(UploadError):
    status = 400


class UploadNotFound(UploadError):
    status = 404


class UploadConflict(UploadError):
    status = 409


class UploadGone(UploadError):
    status = 410


class UploadTooLarge(UploadError):
    status = 413


class UploadRefused(UploadError):
    status = 415


class UploadLimitReached(UploadError):
    status = 429


class UploadNoSpace(UploadError):
    status = 507


# --------------------------------------------------------------------------- helpers


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class _PartFile(File):  # type: ignore[type-arg]
    """The part file as a Django File. ``temporary_file_path`` makes FileSystemStorage move
    it into place instead of copying (what it does with TemporaryUploadedFile)."""

    def __init__(self, handle: IO[bytes], *, name: str, path: Path) -> None:
        super().__init__(handle, name=name)
        self._path = path

    def temporary_file_path(self) -> str:
        return str(self._path)


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


def _require_open(session: UploadSession) -> None:
    _expire_if_due(session)
    if session.status == UploadStatus.COMPLETE:
        # Only an idempotent retry of the last chunk can get here: tell it where we are.
        raise UploadConflict(MSG_OFFSET_MISMATCH, code="complete", offset=session.size)
    if not session.is_open:
        raise UploadGone(MSG_GONE, code=session.status, offset=session.received_bytes)


# --------------------------------------------------------------------------- services


def upload_session_start(
    *, actor: User, purpose: str, target: str, filename: str, size: int
) -> UploadSession:
    """Open a session for one file of ``size`` bytes. An older open session of the same
    owner for the same purpose and target is cancelled (one upload per slot)."""
    spec = upload_purpose(purpose)
    if spec is None:
        raise UploadBadRequest(MSG_UNKNOWN_PURPOSE, code="unknown_purpose")
    target = (target or "").strip()
    if len(target) > MAX_TARGET_LENGTH or any(ord(ch) < 32 for ch in target):
        raise UploadBadRequest(MSG_BAD_TARGET, code="bad_target")
    if spec.may_use is not None and not spec.may_use(actor, target):
        raise UploadNotFound(MSG_NOT_FOUND, code="not_found")
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise UploadBadRequest(MSG_BAD_SIZE, code="bad_size")
    if size == 0:
        raise UploadBadRequest(_("文件是空的，请重新选择文件。"), code="empty")
    try:
        refuse_long_file_name(filename)
    except ValidationError as exc:
        raise UploadBadRequest(exc.messages[0], code="name_too_long") from exc
    limit = spec.limit()
    if size > limit:
        raise UploadTooLarge(upload_too_large_error(limit).messages[0], code="file_too_large")
    directory = parts_dir()
    directory.mkdir(parents=True, exist_ok=True)
    if shutil.disk_usage(directory).free < size + FREE_SPACE_MARGIN_BYTES:
        logger.warning("upload refused: %s bytes asked, too little free space", size)
        raise UploadNoSpace(MSG_NO_SPACE, code="no_space")

    now = timezone.now()
    with transaction.atomic():
        open_sessions = list(
            UploadSession.objects.select_for_update().filter(owner=actor, status=UploadStatus.OPEN)
        )
        same_slot = [s for s in open_sessions if (s.purpose, s.target) == (purpose, target)]
        # Checked before anything changes: _close deletes part files at once, which a
        # rollback could not undo.
        if len(open_sessions) - len(same_slot) >= max_open_sessions():
            raise UploadLimitReached(MSG_TOO_MANY, code="too_many_open")
        for old in same_slot:
            _close(old, status=UploadStatus.CANCELLED, actor=actor, action="upload.superseded")
        session_id = uuid.uuid4()
        session = UploadSession.objects.create(
            id=session_id,
            owner=actor,
            purpose=purpose,
            target=target,
            filename=clean_display_name(filename),
            size=size,
            kinds=",".join(kind.name.lower() for kind in spec.kinds),
            part_name=f"{session_id.hex}.part",
            expires_at=now + session_ttl(),
        )
        audit_record(
            actor=actor,
            action="upload.started",
            obj=session,
            changes={
                "status": UploadStatus.OPEN.value,
                "purpose": purpose,
                "target": target,
                "filename": session.filename,
                "size": size,
            },
        )
    # After the commit: a part file without a row is an orphan expire_stale_uploads removes.
    with part_path(session).open("xb"):
        pass
    return session


def upload_session_status(*, actor: User, session_id: uuid.UUID | str) -> UploadSession:
    """The actor's session as it stands (an open one past its expiry is expired first)."""
    session = _owned(actor, session_id)
    _expire_if_due(session)
    return session


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


def upload_session_cancel(*, actor: User, session_id: uuid.UUID | str) -> UploadSession:
    """Cancel an open session and delete its bytes. Cancelling one that already ended is a
    no-op; a complete one cannot be cancelled (the calling app owns its file)."""
    session = _owned(actor, session_id)
    _expire_if_due(session)
    if session.status == UploadStatus.COMPLETE:
        raise UploadConflict(MSG_ALREADY_COMPLETE, code="complete", offset=session.size)
    if session.is_open:
        _close(session, status=UploadStatus.CANCELLED, actor=actor, action="upload.cancelled")
        session.refresh_from_db()
    return session


def upload_session_claim(
    *, actor: User, session_id: uuid.UUID | str, purpose: str, target: str
) -> UploadSession:
    """For the calling app when its form comes back with ``upload_id``: the actor's
    complete upload for exactly this purpose and target, marked as used. Anything else is
    404 (not the actor's, another slot) or 409 (not finished)."""
    session = _owned(actor, session_id)
    if session.purpose != purpose or session.target != target:
        raise UploadNotFound(MSG_NOT_FOUND, code="not_found")
    if session.status != UploadStatus.COMPLETE:
        raise UploadConflict(MSG_NOT_COMPLETE, code="not_complete", offset=session.received_bytes)
    if session.claimed_at is None:
        now = timezone.now()
        with transaction.atomic():
            if UploadSession.objects.filter(pk=session.pk, claimed_at__isnull=True).update(
                claimed_at=now, updated_at=now
            ):
                session.claimed_at = now
                audit_record(
                    actor=actor,
                    action="upload.claimed",
                    obj=session,
                    changes={"purpose": purpose, "target": target},
                )
            else:
                session.refresh_from_db()
    return session


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
