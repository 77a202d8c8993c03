"""Checking an archive completely before anything is touched."""

from __future__ import annotations

import json
import os
import tarfile
import zlib
from pathlib import Path
from typing import Any

from xinban.ops.backup.format import (
    DATABASE_NAME,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST_NAME,
    MAX_MANIFEST_BYTES,
    MEDIA_PREFIX,
    BackupError,
)
from xinban.ops.backup.streams import (
    _safe_name,
    _sha256_of,
)

# --- verification -----------------------------------------------------------------------


def _open_archive(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, mode="r:gz")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise BackupError(f"{path} is not a readable .tar.gz archive ({exc})") from exc


def _check_member(member: tarfile.TarInfo) -> None:
    if not member.isreg():
        kind = "link" if member.issym() or member.islnk() else "non-regular entry"
        raise BackupError(f"archive refused: {member.name!r} is a {kind}")
    name = member.name
    if not _safe_name(name):
        raise BackupError(f"archive refused: unsafe member name {name!r}")
    if name not in (MANIFEST_NAME, DATABASE_NAME) and not name.startswith(MEDIA_PREFIX):
        raise BackupError(f"archive refused: unexpected member {name!r}")


def _check_manifest(manifest: Any) -> dict[str, Any]:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("archive refused: manifest.json is not a xinban backup manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"archive refused: manifest format {manifest.get('format_version')!r},"
            f" this release reads {FORMAT_VERSION}"
        )
    for key in ("created_at", "migrations", "counts", "database", "media"):
        if key not in manifest:
            raise BackupError(f"archive refused: manifest.json has no {key!r}")
    for entry in manifest["media"]:
        if not _safe_name(str(entry.get("name", ""))):
            raise BackupError(f"archive refused: unsafe file name {entry.get('name')!r}")
    return manifest


def verify_archive(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Check the whole archive without touching the instance; return its manifest.

    Every member must be a regular file with a safe relative name (no absolute paths, no
    '..', no links or devices: nothing is ever extracted to the file system anyway), the
    members must be exactly those the manifest lists, and every SHA-256 and size must
    match. Raises :class:`BackupError` otherwise."""
    path = Path(path)
    seen: dict[str, tuple[str, int]] = {}
    manifest_bytes: bytes | None = None
    with _open_archive(path) as tar:
        try:
            for member in tar:
                _check_member(member)
                if member.name in seen:
                    raise BackupError(f"archive refused: {member.name!r} appears twice")
                stream = tar.extractfile(member)
                assert stream is not None  # a regular file
                if member.name == MANIFEST_NAME:
                    if member.size > MAX_MANIFEST_BYTES:
                        raise BackupError("archive refused: manifest.json is too large")
                    manifest_bytes = stream.read()
                    seen[member.name] = ("", len(manifest_bytes))
                else:
                    seen[member.name] = _sha256_of(stream)
        except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
            raise BackupError(f"archive refused: {path} is damaged ({exc})") from exc
    if manifest_bytes is None:
        raise BackupError("archive refused: no manifest.json")
    try:
        manifest = _check_manifest(json.loads(manifest_bytes.decode("utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"archive refused: manifest.json is not valid JSON ({exc})") from exc
    expected = {DATABASE_NAME: manifest["database"]}
    for entry in manifest["media"]:
        expected[MEDIA_PREFIX + entry["name"]] = entry
    actual = {name: value for name, value in seen.items() if name != MANIFEST_NAME}
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    if missing:
        raise BackupError(f"archive refused: members missing: {', '.join(missing[:5])}")
    if extra:
        raise BackupError(f"archive refused: members not in the manifest: {', '.join(extra[:5])}")
    bad = [
        name
        for name, entry in expected.items()
        if actual[name] != (entry.get("sha256"), entry.get("size"))
    ]
    if bad:
        raise BackupError(
            f"archive refused: checksum mismatch for {len(bad)} member(s): {', '.join(bad[:5])}"
        )
    return manifest
