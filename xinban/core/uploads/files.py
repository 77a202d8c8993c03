"""Checksums and downloads of stored files."""

from __future__ import annotations

import hashlib
from typing import IO

from django.core.files.base import File
from django.http import FileResponse

from xinban.core.uploads.content import FORMATS, _declared_ext
from xinban.core.uploads.names import clean_display_name
from xinban.core.uploads.size import MIB


def sha256_of(file: File[bytes] | IO[bytes], *, chunk_size: int = MIB) -> str:
    """Hex SHA-256 of the whole file, read in chunks; leaves the file at its start."""
    digest = hashlib.sha256()
    if isinstance(file, File):
        if file.closed:
            file.open("rb")
        for chunk in file.chunks(chunk_size):  # chunks() starts from the beginning
            digest.update(chunk)
    else:
        file.seek(0)
        for chunk in iter(lambda: file.read(chunk_size), b""):
            digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def attachment_response(
    fieldfile_or_file: File[bytes] | IO[bytes],
    *,
    download_name: str,
    content_type: str | None = None,
) -> FileResponse:
    """Stream a stored file as a download, never inline.

    FileResponse reads in blocks and closes the file when done. For non-ASCII names
    Django writes ``attachment; filename*=utf-8''<percent-encoded UTF-8>`` (RFC 6266 /
    RFC 5987; the charset token is case-insensitive), which every current browser reads.
    """
    name = clean_display_name(download_name)
    file = fieldfile_or_file
    if isinstance(file, File) and file.closed:
        file.open("rb")
    file.seek(0)  # Content-Length is counted from the current position
    if content_type is None:
        # Our own table, not the platform's mimetypes database, so it is predictable.
        known = FORMATS.get(_declared_ext(name))
        content_type = known.mime if known else "application/octet-stream"
    response = FileResponse(file, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser ever render it anyway, it runs no script and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # Files sit behind permission checks: shared caches must not keep them.
    response["Cache-Control"] = "private, no-cache"
    return response
