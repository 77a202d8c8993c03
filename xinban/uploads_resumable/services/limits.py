"""What may be uploaded: the limits (from settings) and the purposes, registered by the
apps that use them (the evaluation registers "presentation_video" with its permission
check in EvaluationConfig.ready)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings

from xinban.accounts.models import User
from xinban.core.uploads import KIB, MIB, UploadKind

GIB = 1024 * MIB
DEFAULT_MAX_VIDEO_BYTES = 2 * GIB
DEFAULT_CHUNK_BYTES = 8 * MIB
DEFAULT_SESSION_TTL_SECONDS = 2 * 24 * 3600  # renewed by every chunk
DEFAULT_MAX_OPEN_SESSIONS = 5  # per user, all purposes together
READ_BLOCK_BYTES = 64 * KIB  # what one read from the request stream may hold
ORPHAN_GRACE = timedelta(hours=1)  # a part file this young may belong to a starting session
FREE_SPACE_MARGIN_BYTES = 256 * MIB
MAX_TARGET_LENGTH = 200


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
