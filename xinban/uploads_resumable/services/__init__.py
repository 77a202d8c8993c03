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

One module per use case (`limits`, `errors`, `parts`, `sessions`, `appending`, `expiry`);
every public name is re-exported here.
"""

from xinban.core.uploads import UploadKind
from xinban.uploads_resumable.services.appending import upload_session_append
from xinban.uploads_resumable.services.errors import (
    MSG_ALREADY_COMPLETE,
    MSG_BAD_OFFSET,
    MSG_BAD_SIZE,
    MSG_BAD_TARGET,
    MSG_BEYOND_SIZE,
    MSG_BUSY,
    MSG_CHUNK_TOO_LARGE,
    MSG_GONE,
    MSG_INTERRUPTED,
    MSG_NO_SPACE,
    MSG_NOT_COMPLETE,
    MSG_NOT_FOUND,
    MSG_OFFSET_MISMATCH,
    MSG_TOO_MANY,
    MSG_UNKNOWN_PURPOSE,
    UploadBadRequest,
    UploadConflict,
    UploadError,
    UploadGone,
    UploadLimitReached,
    UploadNoSpace,
    UploadNotFound,
    UploadRefused,
    UploadTooLarge,
)
from xinban.uploads_resumable.services.expiry import ExpiryReport, expire_stale_uploads
from xinban.uploads_resumable.services.limits import (
    _PURPOSES,
    DEFAULT_CHUNK_BYTES,
    DEFAULT_MAX_OPEN_SESSIONS,
    DEFAULT_MAX_VIDEO_BYTES,
    DEFAULT_SESSION_TTL_SECONDS,
    FREE_SPACE_MARGIN_BYTES,
    GIB,
    MAX_TARGET_LENGTH,
    ORPHAN_GRACE,
    READ_BLOCK_BYTES,
    UploadPurpose,
    chunk_bytes,
    max_open_sessions,
    max_video_bytes,
    parts_dir,
    register_upload_purpose,
    session_ttl,
    upload_purpose,
)
from xinban.uploads_resumable.services.parts import Readable, logger, part_path
from xinban.uploads_resumable.services.sessions import (
    upload_session_cancel,
    upload_session_claim,
    upload_session_start,
    upload_session_status,
)

__all__ = [
    "UploadKind",
    "DEFAULT_CHUNK_BYTES",
    "DEFAULT_MAX_OPEN_SESSIONS",
    "DEFAULT_MAX_VIDEO_BYTES",
    "DEFAULT_SESSION_TTL_SECONDS",
    "ExpiryReport",
    "FREE_SPACE_MARGIN_BYTES",
    "GIB",
    "MAX_TARGET_LENGTH",
    "MSG_ALREADY_COMPLETE",
    "MSG_BAD_OFFSET",
    "MSG_BAD_SIZE",
    "MSG_BAD_TARGET",
    "MSG_BEYOND_SIZE",
    "MSG_BUSY",
    "MSG_CHUNK_TOO_LARGE",
    "MSG_GONE",
    "MSG_INTERRUPTED",
    "MSG_NOT_COMPLETE",
    "MSG_NOT_FOUND",
    "MSG_NO_SPACE",
    "MSG_OFFSET_MISMATCH",
    "MSG_TOO_MANY",
    "MSG_UNKNOWN_PURPOSE",
    "ORPHAN_GRACE",
    "READ_BLOCK_BYTES",
    "Readable",
    "UploadBadRequest",
    "UploadConflict",
    "UploadError",
    "UploadGone",
    "UploadLimitReached",
    "UploadNoSpace",
    "UploadNotFound",
    "UploadPurpose",
    "UploadRefused",
    "UploadTooLarge",
    "_PURPOSES",
    "chunk_bytes",
    "expire_stale_uploads",
    "logger",
    "max_open_sessions",
    "max_video_bytes",
    "part_path",
    "parts_dir",
    "register_upload_purpose",
    "session_ttl",
    "upload_purpose",
    "upload_session_append",
    "upload_session_cancel",
    "upload_session_claim",
    "upload_session_start",
    "upload_session_status",
]
