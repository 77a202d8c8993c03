"""Starting a session, its status, cancelling it and claiming the finished file."""

from __future__ import annotations

import shutil
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.core.audit import audit_record
from xinban.core.uploads import clean_display_name, refuse_long_file_name, upload_too_large_error
from xinban.uploads_resumable.models import UploadSession, UploadStatus
from xinban.uploads_resumable.services.errors import (
    MSG_ALREADY_COMPLETE,
    MSG_BAD_SIZE,
    MSG_BAD_TARGET,
    MSG_NO_SPACE,
    MSG_NOT_COMPLETE,
    MSG_NOT_FOUND,
    MSG_TOO_MANY,
    MSG_UNKNOWN_PURPOSE,
    UploadBadRequest,
    UploadConflict,
    UploadLimitReached,
    UploadNoSpace,
    UploadNotFound,
    UploadTooLarge,
)
from xinban.uploads_resumable.services.limits import (
    FREE_SPACE_MARGIN_BYTES,
    MAX_TARGET_LENGTH,
    max_open_sessions,
    parts_dir,
    session_ttl,
    upload_purpose,
)
from xinban.uploads_resumable.services.parts import (
    _close,
    _expire_if_due,
    _owned,
    logger,
    part_path,
)


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
