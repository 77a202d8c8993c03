"""The resumable upload services: start, append, resume after a cut, finish with a content
check and a checksum, refusals, ownership, cancel, claim, expiry, bounded memory."""

from __future__ import annotations

import fcntl
import io
import os
import random
import time
import tracemalloc
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from tests.conftest import pdf_bytes
from tests.media import real_mp4
from tests.uploads_resumable.conftest import (
    CHUNK,
    KIB,
    chunks,
    media_is_empty,
    mp4_bytes,
    part_files,
    sha256_hex,
    stored_files,
)
from xinban.core.models import AuditEntry
from xinban.core.uploads import MIB
from xinban.uploads_resumable import services
from xinban.uploads_resumable.models import UploadSession, UploadStatus
from xinban.uploads_resumable.services import (
    UploadBadRequest,
    UploadConflict,
    UploadGone,
    UploadLimitReached,
    UploadNotFound,
    UploadPurpose,
    UploadRefused,
    UploadTooLarge,
    upload_session_append,
    upload_session_cancel,
    upload_session_claim,
    upload_session_start,
    upload_session_status,
)

pytestmark = pytest.mark.django_db

PURPOSE = "presentation_video"
TARGET = "evaluation.candidate:42"


def start(user: Any, data: bytes, *, filename: str = "汇报视频.mp4") -> UploadSession:
    return upload_session_start(
        actor=user, purpose=PURPOSE, target=TARGET, filename=filename, size=len(data)
    )


def append(user: Any, session: UploadSession, offset: int, chunk: bytes) -> UploadSession:
    return upload_session_append(
        actor=user,
        session_id=session.pk,
        offset=offset,
        stream=io.BytesIO(chunk),
        length=len(chunk),
    )


def send_all(user: Any, session: UploadSession, data: bytes, start_at: int = 0) -> UploadSession:
    result = session
    for offset, chunk in chunks(data, start_at):
        result = append(user, session, offset, chunk)
    return result


def audit_actions(session: UploadSession) -> list[str]:
    entries = AuditEntry.objects.filter(object_id=str(session.pk)).order_by("id")
    return list(entries.values_list("action", flat=True))


class DroppingReader:
    """Gives ``deliver`` bytes of ``data``, then the connection drops (OSError)."""

    def __init__(self, data: bytes, deliver: int) -> None:
        self._stream = io.BytesIO(data[:deliver])

    def read(self, size: int = -1, /) -> bytes:
        block = self._stream.read(size)
        if not block:
            raise OSError("connection reset by peer")
        return block


# --------------------------------------------------------------------------- happy path


def test_start_append_complete(uploader: Any) -> None:
    data = mp4_bytes(300 * KIB)
    session = start(uploader, data)
    assert session.status == UploadStatus.OPEN
    assert session.received_bytes == 0
    assert session.kinds == "video"
    assert session.expires_at > timezone.now()
    assert services.part_path(session).exists()

    for offset, chunk in chunks(data)[:-1]:
        result = append(uploader, session, offset, chunk)
        assert result.status == UploadStatus.OPEN
        assert result.received_bytes == offset + len(chunk)
    last_offset, last_chunk = chunks(data)[-1]
    done = append(uploader, session, last_offset, last_chunk)

    assert done.status == UploadStatus.COMPLETE
    assert done.sha256 == sha256_hex(data)
    assert done.content_type == "video/mp4"
    done.refresh_from_db()
    assert done.status == UploadStatus.COMPLETE and done.sha256 == sha256_hex(data)
    assert done.completed_at is not None
    stored_name = done.file.name or ""
    assert stored_name.startswith("resumable/") and stored_name.endswith(".mp4")
    assert "汇报视频" not in stored_name  # the stored name is random, the display name kept
    assert done.filename == "汇报视频.mp4"
    with done.file.open("rb") as stored:
        assert sha256_hex(stored.read()) == sha256_hex(data)
    assert not services.part_path(done).exists()
    assert part_files() == []
    assert audit_actions(done) == ["upload.started", "upload.completed"]
    completed = AuditEntry.objects.get(object_id=str(done.pk), action="upload.completed")
    assert completed.changes["sha256"] == sha256_hex(data)
    assert completed.actor == uploader


def test_declared_filename_is_cleaned(uploader: Any) -> None:
    data = mp4_bytes(10 * KIB)
    session = start(uploader, data, filename="..\\..\\C:\\tmp\\视频\u202e4pm.exe")
    assert "/" not in session.filename and "\\" not in session.filename
    assert "\u202e" not in session.filename and ".." not in session.filename


def test_chunk_at_the_wrong_offset_is_refused_with_the_current_offset(uploader: Any) -> None:
    data = mp4_bytes(300 * KIB)
    session = start(uploader, data)
    append(uploader, session, 0, data[:CHUNK])

    for wrong in (0, CHUNK - 1, CHUNK + 1, 2 * CHUNK):
        with pytest.raises(UploadConflict) as caught:
            append(uploader, session, wrong, data[wrong : wrong + CHUNK])
        assert caught.value.code == "offset_mismatch"
        assert caught.value.offset == CHUNK
        assert caught.value.status == 409
    session.refresh_from_db()
    assert session.received_bytes == CHUNK
    assert os.path.getsize(services.part_path(session)) == CHUNK  # nothing was written

    assert send_all(uploader, session, data, CHUNK).sha256 == sha256_hex(data)


# --------------------------------------------------------------------------- resume


def test_upload_cut_in_the_middle_resumes_and_the_checksum_matches(uploader: Any) -> None:
    """The issue's test: the connection drops in the middle of a chunk; the client asks
    where to continue, continues from there, and the stored file is the original."""
    data = mp4_bytes(500 * KIB)
    session = start(uploader, data)
    append(uploader, session, 0, data[:CHUNK])
    append(uploader, session, CHUNK, data[CHUNK : 2 * CHUNK])

    # Third chunk: 10 KiB arrive, then the connection drops.
    cut = 2 * CHUNK
    with pytest.raises(UploadBadRequest) as caught:
        upload_session_append(
            actor=uploader,
            session_id=session.pk,
            offset=cut,
            stream=DroppingReader(data[cut : cut + CHUNK], deliver=10 * KIB),
            length=CHUNK,
        )
    assert caught.value.code == "interrupted"
    assert caught.value.offset == cut + 10 * KIB

    # Later (a new request, after the dropped connection): where do we stand?
    resumed_at = upload_session_status(actor=uploader, session_id=session.pk).received_bytes
    assert resumed_at == cut + 10 * KIB
    done = send_all(uploader, session, data, resumed_at)

    assert done.status == UploadStatus.COMPLETE
    assert done.sha256 == sha256_hex(data)
    with done.file.open("rb") as stored:
        assert sha256_hex(stored.read()) == sha256_hex(data)


def test_bytes_written_but_never_recorded_are_cut_off(uploader: Any) -> None:
    """A worker that died after writing a chunk but before recording it leaves stray bytes
    in the part file; the next append at the recorded offset overwrites them."""
    data = mp4_bytes(200 * KIB)
    session = start(uploader, data)
    append(uploader, session, 0, data[:CHUNK])
    with services.part_path(session).open("ab") as part:
        part.write(b"garbage that was never acknowledged" * 100)

    done = send_all(uploader, session, data, CHUNK)
    assert done.sha256 == sha256_hex(data)


def test_a_finish_that_failed_is_retried_by_an_empty_append(uploader: Any) -> None:
    data = mp4_bytes(100 * KIB)
    session = start(uploader, data)
    with (
        mock.patch.object(FieldFile, "save", side_effect=OSError("disk full")),
        pytest.raises(OSError),
    ):
        send_all(uploader, session, data)
    session.refresh_from_db()
    assert session.status == UploadStatus.OPEN and session.received_bytes == len(data)

    done = append(uploader, session, len(data), b"")
    assert done.status == UploadStatus.COMPLETE and done.sha256 == sha256_hex(data)


def test_concurrent_append_to_the_same_session_is_busy(uploader: Any) -> None:
    data = mp4_bytes(200 * KIB)
    session = start(uploader, data)
    with services.part_path(session).open("r+b") as other_request:
        fcntl.flock(other_request.fileno(), fcntl.LOCK_EX)
        with pytest.raises(UploadConflict) as caught:
            append(uploader, session, 0, data[:CHUNK])
    assert caught.value.code == "busy" and caught.value.offset == 0
    assert send_all(uploader, session, data).status == UploadStatus.COMPLETE


def test_the_last_chunk_sent_again_after_completion_reports_completion(uploader: Any) -> None:
    data = mp4_bytes(100 * KIB)
    session = start(uploader, data)
    send_all(uploader, session, data)
    offset, chunk = chunks(data)[-1]
    with pytest.raises(UploadConflict) as caught:
        append(uploader, session, offset, chunk)
    assert caught.value.code == "complete" and caught.value.offset == len(data)


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("filename", "content_kind", "code"),
    [
        ("汇报视频.mp4", "random", "content_mismatch"),
        ("汇报材料.pdf", "pdf", "unsupported_type"),
        ("汇报视频.mp4", "pdf", "content_mismatch"),  # a PDF renamed
    ],
)
def test_wrong_type_is_refused_and_nothing_is_stored(
    uploader: Any, filename: str, content_kind: str, code: str
) -> None:
    # Built here, not in the parameters: their ids must be the same in every xdist worker.
    if content_kind == "random":
        content = random.Random(7).randbytes(150 * KIB)
    else:
        content = pdf_bytes("not a video")
    session = start(uploader, content, filename=filename)
    *first, (last_offset, last_chunk) = chunks(content)
    for offset, chunk in first:
        append(uploader, session, offset, chunk)
    with pytest.raises(UploadRefused) as caught:
        append(uploader, session, last_offset, last_chunk)

    assert caught.value.status == 415
    assert caught.value.code == code
    assert "MP4" in caught.value.message  # names what is accepted / expected, in Chinese
    session.refresh_from_db()
    assert session.status == UploadStatus.REFUSED
    assert session.refusal_code == code
    assert not session.file and not session.sha256
    assert media_is_empty()
    assert part_files() == []
    assert audit_actions(session) == ["upload.started", "upload.refused"]
    with pytest.raises(UploadGone):
        append(uploader, session, 0, b"")


def test_size_over_the_limit_is_refused_at_start(uploader: Any, settings: Any) -> None:
    with pytest.raises(UploadTooLarge) as caught:
        upload_session_start(
            actor=uploader,
            purpose=PURPOSE,
            target=TARGET,
            filename="big.mp4",
            size=2 * 1024 * MIB + 1,  # the default limit is 2 GiB
        )
    assert caught.value.status == 413 and caught.value.code == "file_too_large"

    settings.XINBAN_MAX_VIDEO_BYTES = 100 * KIB
    with pytest.raises(UploadTooLarge):
        start(uploader, b"x" * (100 * KIB + 1))
    assert start(uploader, mp4_bytes(100 * KIB - 32)).size == 100 * KIB
    assert UploadSession.objects.count() == 1


@pytest.mark.parametrize("size", [0, -1, "12", 1.5, True])
def test_bad_sizes_are_refused_at_start(uploader: Any, size: Any) -> None:
    with pytest.raises(UploadBadRequest):
        upload_session_start(
            actor=uploader, purpose=PURPOSE, target=TARGET, filename="v.mp4", size=size
        )


def test_unknown_purpose_and_bad_target_are_refused(uploader: Any) -> None:
    with pytest.raises(UploadBadRequest) as caught:
        upload_session_start(
            actor=uploader, purpose="anything", target=TARGET, filename="v.mp4", size=10
        )
    assert caught.value.code == "unknown_purpose"
    with pytest.raises(UploadBadRequest) as caught:
        upload_session_start(
            actor=uploader, purpose=PURPOSE, target="x" * 201, filename="v.mp4", size=10
        )
    assert caught.value.code == "bad_target"


def test_chunk_larger_than_allowed_or_past_the_declared_size_is_refused(uploader: Any) -> None:
    data = mp4_bytes(300 * KIB)
    session = start(uploader, data)
    with pytest.raises(UploadTooLarge) as caught:
        append(uploader, session, 0, data[: CHUNK + 1])
    assert caught.value.code == "chunk_too_large"
    send_all(uploader, session, data[: 4 * CHUNK])
    with pytest.raises(UploadTooLarge) as caught:
        append(uploader, session, 4 * CHUNK, data[4 * CHUNK :] + b"extra")
    assert caught.value.code == "beyond_size"
    session.refresh_from_db()
    assert session.received_bytes == 4 * CHUNK


def test_a_purpose_can_restrict_who_may_upload_for_a_target(uploader: Any) -> None:
    purpose = UploadPurpose(
        "test_only_video",
        kinds=services.upload_purpose(PURPOSE).kinds,  # type: ignore[union-attr]
        max_bytes=1 * MIB,
        may_use=lambda user, target: target == f"mine:{user.pk}",
    )
    services.register_upload_purpose(purpose)
    try:
        with pytest.raises(UploadNotFound):
            upload_session_start(
                actor=uploader, purpose=purpose.name, target="mine:0", filename="v.mp4", size=9
            )
        session = upload_session_start(
            actor=uploader,
            purpose=purpose.name,
            target=f"mine:{uploader.pk}",
            filename="v.mp4",
            size=9,
        )
        assert session.is_open
        with pytest.raises(UploadTooLarge):
            upload_session_start(
                actor=uploader,
                purpose=purpose.name,
                target=f"mine:{uploader.pk}",
                filename="v.mp4",
                size=MIB + 1,
            )
    finally:
        services._PURPOSES.pop(purpose.name)


# --------------------------------------------------------------------------- ownership


def test_another_user_gets_not_found_everywhere(uploader: Any, outsider: Any) -> None:
    data = mp4_bytes(100 * KIB)
    session = start(uploader, data)
    append(uploader, session, 0, data[:CHUNK])

    for call in (
        lambda: upload_session_status(actor=outsider, session_id=session.pk),
        lambda: append(outsider, session, CHUNK, data[CHUNK:]),
        lambda: upload_session_cancel(actor=outsider, session_id=session.pk),
        lambda: upload_session_claim(
            actor=outsider, session_id=session.pk, purpose=PURPOSE, target=TARGET
        ),
    ):
        with pytest.raises(UploadNotFound) as caught:
            call()
        assert caught.value.status == 404
    session.refresh_from_db()
    assert session.status == UploadStatus.OPEN and session.received_bytes == CHUNK
    with pytest.raises(UploadNotFound):
        upload_session_status(actor=uploader, session_id="not-a-uuid")


# --------------------------------------------------------------------------- cancel, slots


def test_cancel_deletes_the_bytes_and_ends_the_session(uploader: Any) -> None:
    data = mp4_bytes(200 * KIB)
    session = start(uploader, data)
    append(uploader, session, 0, data[:CHUNK])

    cancelled = upload_session_cancel(actor=uploader, session_id=session.pk)
    assert cancelled.status == UploadStatus.CANCELLED
    assert not services.part_path(session).exists()
    with pytest.raises(UploadGone):
        append(uploader, session, CHUNK, data[CHUNK : 2 * CHUNK])
    assert upload_session_cancel(actor=uploader, session_id=session.pk).status == "cancelled"
    assert audit_actions(session) == ["upload.started", "upload.cancelled"]


def test_a_complete_upload_cannot_be_cancelled(uploader: Any) -> None:
    data = mp4_bytes(50 * KIB)
    session = send_all(uploader, start(uploader, data), data)
    with pytest.raises(UploadConflict):
        upload_session_cancel(actor=uploader, session_id=session.pk)
    assert len(stored_files()) == 1


def test_a_new_upload_for_the_same_slot_replaces_the_unfinished_one(uploader: Any) -> None:
    data = mp4_bytes(200 * KIB)
    first = start(uploader, data)
    append(uploader, first, 0, data[:CHUNK])
    second = start(uploader, data)
    first.refresh_from_db()
    assert first.status == UploadStatus.CANCELLED
    assert not services.part_path(first).exists()
    assert second.is_open
    assert "upload.superseded" in audit_actions(first)


def test_open_uploads_per_user_are_limited(uploader: Any, settings: Any) -> None:
    settings.XINBAN_UPLOAD_MAX_OPEN_SESSIONS = 2
    for n in range(2):
        upload_session_start(
            actor=uploader, purpose=PURPOSE, target=f"t:{n}", filename="v.mp4", size=10
        )
    with pytest.raises(UploadLimitReached):
        upload_session_start(
            actor=uploader, purpose=PURPOSE, target="t:9", filename="v.mp4", size=10
        )
    # The same slot again replaces its own upload, so it is not blocked by the limit.
    upload_session_start(actor=uploader, purpose=PURPOSE, target="t:0", filename="v.mp4", size=10)
    assert UploadSession.objects.filter(status=UploadStatus.OPEN).count() == 2


# --------------------------------------------------------------------------- claim


def test_claim_gives_the_complete_upload_of_exactly_that_slot(uploader: Any) -> None:
    data = mp4_bytes(50 * KIB)
    session = start(uploader, data)
    with pytest.raises(UploadConflict):
        upload_session_claim(actor=uploader, session_id=session.pk, purpose=PURPOSE, target=TARGET)
    send_all(uploader, session, data)
    with pytest.raises(UploadNotFound):
        upload_session_claim(
            actor=uploader, session_id=session.pk, purpose=PURPOSE, target="another:1"
        )
    claimed = upload_session_claim(
        actor=uploader, session_id=session.pk, purpose=PURPOSE, target=TARGET
    )
    assert claimed.claimed_at is not None and claimed.sha256 == sha256_hex(data)
    again = upload_session_claim(
        actor=uploader, session_id=session.pk, purpose=PURPOSE, target=TARGET
    )
    assert again.claimed_at == claimed.claimed_at
    assert audit_actions(session).count("upload.claimed") == 1


# --------------------------------------------------------------------------- expiry


def test_expire_stale_uploads_command(uploader: Any) -> None:
    data = mp4_bytes(200 * KIB)
    stale = start(uploader, data)
    append(uploader, stale, 0, data[:CHUNK])
    UploadSession.objects.filter(pk=stale.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    fresh = upload_session_start(
        actor=uploader, purpose=PURPOSE, target="other:1", filename="v.mp4", size=len(data)
    )
    complete = upload_session_start(
        actor=uploader, purpose=PURPOSE, target="other:2", filename="v.mp4", size=len(data)
    )
    send_all(uploader, complete, data)
    directory = services.parts_dir()
    old_orphan = directory / "0123456789abcdef0123456789abcdef.part"
    old_orphan.write_bytes(b"left behind")
    an_hour_ago = time.time() - 2 * 3600
    os.utime(old_orphan, (an_hour_ago, an_hour_ago))
    young_orphan = directory / "fedcba9876543210fedcba9876543210.part"
    young_orphan.write_bytes(b"a session may be starting")

    call_command("expire_stale_uploads", verbosity=0)

    stale.refresh_from_db()
    fresh.refresh_from_db()
    complete.refresh_from_db()
    assert stale.status == UploadStatus.EXPIRED
    assert not services.part_path(stale).exists()
    assert fresh.is_open and services.part_path(fresh).exists()
    assert complete.status == UploadStatus.COMPLETE and complete.file
    assert not old_orphan.exists() and young_orphan.exists()
    expired_entry = AuditEntry.objects.get(object_id=str(stale.pk), action="upload.expired")
    assert expired_entry.actor is None
    with pytest.raises(UploadGone):
        append(uploader, stale, CHUNK, data[CHUNK : 2 * CHUNK])


def test_an_expired_session_is_not_resumable_before_the_sweep(uploader: Any) -> None:
    data = mp4_bytes(100 * KIB)
    session = start(uploader, data)
    UploadSession.objects.filter(pk=session.pk).update(expires_at=timezone.now())
    assert upload_session_status(actor=uploader, session_id=session.pk).status == "expired"
    assert not services.part_path(session).exists()


def test_every_chunk_extends_the_expiry(uploader: Any) -> None:
    data = mp4_bytes(200 * KIB)
    session = start(uploader, data)
    soon = timezone.now() + timedelta(minutes=5)
    UploadSession.objects.filter(pk=session.pk).update(expires_at=soon)
    append(uploader, session, 0, data[:CHUNK])
    session.refresh_from_db()
    assert session.expires_at > soon + timedelta(hours=1)


# --------------------------------------------------------------------------- memory


class ZeroStream:
    """``length`` bytes made up on demand: the test itself holds none of them."""

    def __init__(self, length: int, head: bytes = b"") -> None:
        self.remaining = length
        self.head = head

    def read(self, size: int = -1, /) -> bytes:
        size = self.remaining if size < 0 else min(size, self.remaining)
        if self.head:
            block, self.head = self.head[:size], self.head[size:]
        else:
            block = bytes(size)
        self.remaining -= len(block)
        return block


def test_append_and_finish_use_bounded_memory(uploader: Any, settings: Any) -> None:
    """An 8 MiB chunk of a 16 MiB file goes through in 64 KiB blocks: the peak of Python
    allocations stays far below one chunk, both while appending and while finishing
    (type check, SHA-256, move into the storage)."""
    settings.XINBAN_UPLOAD_CHUNK_BYTES = 8 * MIB
    size = 16 * MIB
    video = real_mp4()  # a real video, then one 'free' box of zeros to 16 MiB
    header = video + (size - len(video)).to_bytes(4, "big") + b"free"
    session = upload_session_start(
        actor=uploader, purpose=PURPOSE, target=TARGET, filename="big.mp4", size=size
    )
    peaks = []
    for offset in (0, 8 * MIB):
        stream = ZeroStream(8 * MIB, head=header if offset == 0 else b"")
        tracemalloc.start()
        try:
            result = upload_session_append(
                actor=uploader, session_id=session.pk, offset=offset, stream=stream, length=8 * MIB
            )
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    assert result.status == UploadStatus.COMPLETE
    assert result.size == size
    assert peaks[0] < 1 * MIB, peaks  # appending: blocks of 64 KiB
    assert peaks[1] < 3 * MIB, peaks  # finishing: SHA-256 reads 1 MiB at a time
