"""Making a backup: the database dump inside one snapshot, then the files and the manifest
(``manage.py backup``)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import tarfile
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import django
from django.core import serializers
from django.core.files.storage import Storage, default_storage
from django.db import DEFAULT_DB_ALIAS, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from xinban.ops.backup.format import (
    DATABASE_NAME,
    FORMAT,
    FORMAT_VERSION,
    ITERATOR_CHUNK,
    MANIFEST_NAME,
    MEDIA_PREFIX,
    BackupError,
    ExactJSONEncoder,
    Log,
    _file_fields,
    _natural_fk_names,
    dump_models,
    label,
    through_models,
)
from xinban.ops.backup.migration_state import (
    applied_migration_state,
    code_migration_state,
)
from xinban.ops.backup.streams import (
    _connection,
    _HashingReader,
    _read_snapshot,
    _safe_name,
    _sha256_of,
    _storage_names,
)

# --- backup -----------------------------------------------------------------------------


@dataclass
class _DatabaseDump:
    created_at: dt.datetime
    migrations: dict[str, str]
    counts: dict[str, int]
    referenced_files: set[str] = field(default_factory=set)


def _counted(rows: Iterable[models.Model], counts: Counter[str], key: str) -> Iterator[Any]:
    for row in rows:
        counts[key] += 1
        yield row


def _dump_database(path: Path, connection: BaseDatabaseWrapper) -> _DatabaseDump:
    using = connection.alias
    dumped = dump_models()
    counts: Counter[str] = Counter()
    referenced: set[str] = set()
    with _read_snapshot(connection):
        created_at = timezone.now()
        migrations = applied_migration_state(connection)
        # Stream row by row to the file: the database is never held in memory.
        with open(path, "w", encoding="utf-8", newline="\n") as stream:
            for model in dumped:
                key = label(model)
                counts[key] = 0
                queryset = model._base_manager.using(using).order_by(model._meta.pk.name)
                natural = _natural_fk_names(model)
                if natural:  # natural_key() of the related row without a query per row
                    queryset = queryset.select_related(*natural)
                serializers.serialize(
                    "jsonl",
                    _counted(queryset.iterator(chunk_size=ITERATOR_CHUNK), counts, key),
                    stream=stream,
                    use_natural_foreign_keys=True,
                    use_natural_primary_keys=False,
                    cls=ExactJSONEncoder,
                )
        for through in through_models(dumped):
            counts[label(through)] = through._base_manager.using(using).count()
        for model in dumped:
            for f in _file_fields(model):
                names = (
                    model._base_manager.using(using)
                    .exclude(**{f.name: ""})
                    .exclude(**{f"{f.name}__isnull": True})
                    .values_list(f.name, flat=True)
                )
                referenced.update(names.iterator(chunk_size=ITERATOR_CHUNK))
    return _DatabaseDump(created_at, migrations, dict(counts), referenced)


def _add_member(tar: tarfile.TarFile, name: str, size: int, stream: IO[bytes], mtime: float) -> str:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime)
    info.mode = 0o600
    reader = _HashingReader(stream)
    tar.addfile(info, reader)  # type: ignore[arg-type]
    if reader.size != size:  # pragma: no cover - tarfile reads exactly `size` bytes or fails
        raise BackupError(f"{name}: read {reader.size} bytes, expected {size}")
    return reader.sha256.hexdigest()


def _write_members(
    tar: tarfile.TarFile,
    dump_path: Path,
    dump: _DatabaseDump,
    storage: Storage,
    connection: BaseDatabaseWrapper,
    say: Log,
) -> dict[str, Any]:
    """The dump, every stored file, then the manifest; return the manifest."""
    mtime = dump.created_at.timestamp()
    db_size = dump_path.stat().st_size
    with open(dump_path, "rb") as stream:
        db_sha = _add_member(tar, DATABASE_NAME, db_size, stream, mtime)
    media: list[dict[str, Any]] = []
    for name in _storage_names(storage):
        if not _safe_name(name):
            raise BackupError(f"stored file with an unsafe name: {name!r}")
        try:
            size = storage.size(name)
            source = storage.open(name, "rb")
        except FileNotFoundError:
            say(f"warning: {name} disappeared while the backup ran")
            continue
        with source:
            sha = _add_member(tar, MEDIA_PREFIX + name, size, source, mtime)
        media.append({"name": name, "sha256": sha, "size": size})
    missing = sorted(dump.referenced_files - {entry["name"] for entry in media})
    for name in missing:
        say(f"warning: {name} is referenced by a row but not in the storage")
    if dump.migrations != code_migration_state(connection):
        say(
            "warning: the database has unapplied migrations; only a release at this exact"
            " migration state can restore the archive"
        )
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": dump.created_at.isoformat(),
        "django_version": django.get_version(),
        "database_vendor": connection.vendor,
        "storage": f"{type(storage).__module__}.{type(storage).__qualname__}",
        "migrations": dump.migrations,
        "counts": dump.counts,
        "database": {"name": DATABASE_NAME, "sha256": db_sha, "size": db_size},
        "media": media,
        "missing_files": missing,
    }
    encoded = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
    _add_member(tar, MANIFEST_NAME, len(encoded), io.BytesIO(encoded), mtime)
    return manifest


def create_backup(
    output: str | os.PathLike[str],
    *,
    using: str = DEFAULT_DB_ALIAS,
    storage: Storage | None = None,
    log: Log | None = None,
) -> dict[str, Any]:
    """Write the archive to ``output`` (which must not exist yet); return its manifest.

    The archive is written to ``<output>.partial`` (mode 0600) and renamed when complete,
    so an interrupted backup never leaves a plausible-looking archive behind."""
    say: Log = log or (lambda message: None)
    storage = storage if storage is not None else default_storage
    output = Path(output)
    if output.exists():
        raise BackupError(f"{output} already exists; choose a new name (e.g. with the date)")
    if not output.parent.is_dir():
        raise BackupError(f"{output.parent} is not a directory")
    connection = _connection(using)
    partial = output.with_name(output.name + ".partial")
    # The dump sits next to the output: /tmp may be smaller than the database.
    with tempfile.TemporaryDirectory(prefix=".xinban-backup-", dir=output.parent) as work:
        dump_path = Path(work) / DATABASE_NAME
        dump = _dump_database(dump_path, connection)
        say(f"database: {sum(dump.counts.values())} rows in {len(dump.counts)} tables")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw:
                with tarfile.open(fileobj=raw, mode="w:gz") as tar:
                    manifest = _write_members(tar, dump_path, dump, storage, connection, say)
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, output)
            directory = os.open(output.parent, os.O_RDONLY)
            try:
                os.fsync(directory)  # the rename itself survives a crash
            finally:
                os.close(directory)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    say(f"files: {len(manifest['media'])} ({sum(e['size'] for e in manifest['media'])} bytes)")
    return manifest


def archive_sha256(path: str | os.PathLike[str]) -> str:
    with open(path, "rb") as stream:
        return _sha256_of(stream)[0]
