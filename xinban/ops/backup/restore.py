"""Restoring an archive into an empty instance (``manage.py restore``)."""

from __future__ import annotations

import hashlib
import os
import posixpath
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.core import serializers
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor

from xinban.core.loading import loading_rows
from xinban.ops.backup.format import (
    DATABASE_NAME,
    EXCLUDED_MODELS,
    MEDIA_PREFIX,
    BackupError,
    Log,
    _seeded_by_migrations,
    dump_models,
    label,
    through_models,
)
from xinban.ops.backup.migration_state import (
    code_migration_state,
)
from xinban.ops.backup.streams import (
    _connection,
    _sha256_of,
)
from xinban.ops.backup.verify import (
    _check_member,
    _open_archive,
    verify_archive,
)

# --- restore ----------------------------------------------------------------------------


@dataclass
class RestoreSummary:
    created_at: str
    rows: int
    tables: int
    files: int
    bytes: int
    migrated: bool
    missing_files: list[str]


def project_rows(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """Rows of project data in the database: every table the archive restores, apart
    from the reference rows a fresh ``migrate`` seeds. Tables not created yet count as
    empty."""
    tables = set(connection.introspection.table_names())
    dumped = dump_models()
    found = {}
    for model in [*dumped, *through_models(dumped)]:
        if model._meta.db_table not in tables:
            continue
        rows = model._base_manager.using(connection.alias).all()
        seeded = _seeded_by_migrations(model, connection.alias)
        if seeded is not None:
            rows = rows.exclude(pk__in=seeded.values("pk"))
        count = rows.count()
        if count:
            found[label(model)] = count
    return found


def _check_migrations(manifest: dict[str, Any], connection: BaseDatabaseWrapper) -> None:
    theirs = manifest["migrations"]
    ours = code_migration_state(connection)
    if theirs != ours:
        diff = sorted(
            f"{app}: archive {theirs.get(app, '-')}, code {ours.get(app, '-')}"
            for app in set(theirs) | set(ours)
            if theirs.get(app) != ours.get(app)
        )
        raise BackupError(
            "restore refused: the archive was made at another migration state than this"
            " release's ("
            + "; ".join(diff[:5])
            + "). Restore with the release that made the archive, then upgrade with"
            " `manage.py migrate`."
        )


def _check_empty(connection: BaseDatabaseWrapper) -> None:
    found = project_rows(connection)
    if found:
        listed = ", ".join(f"{name} ({count})" for name, count in sorted(found.items())[:5])
        raise BackupError(
            "restore refused: the database is not empty; restore only into a new instance"
            f" (found rows in {len(found)} table(s): {listed})"
        )


def _check_storage_free(manifest: dict[str, Any], storage: Storage) -> None:
    taken = [entry["name"] for entry in manifest["media"] if storage.exists(entry["name"])]
    if taken:
        raise BackupError(
            f"restore refused: {len(taken)} file(s) already exist in the storage,"
            f" e.g. {taken[0]}; restore only into a new instance"
        )


def _lines(stream: IO[bytes], digest: Any) -> Iterator[str]:
    for raw in stream:
        digest.update(raw)
        yield raw.decode("utf-8")


def _load_database(stream: IO[bytes], manifest: dict[str, Any], using: str) -> Counter[str]:
    """Insert every row of the dump; return the rows loaded per model."""
    connection = connections[using]
    digest = hashlib.sha256()
    loaded: Counter[str] = Counter()
    with_deferred = []
    # Summary rows come back with the rows they summarise: nothing recounts while loading.
    with connection.constraint_checks_disabled(), loading_rows():
        objects = serializers.deserialize(
            "jsonl", _lines(stream, digest), using=using, handle_forward_references=True
        )
        for obj in objects:
            key = label(type(obj.object))
            if key in EXCLUDED_MODELS or key not in manifest["counts"]:
                raise BackupError(f"restore failed: unexpected {key} row in the dump")
            # DeserializedObject.save() calls Model.save_base(raw=True) directly, as
            # loaddata does: the overridden save() is bypassed, which is what lets the
            # append-only audit log (AuditEntry.save refuses a row that has a pk) come
            # back with its original ids. The database is empty, so force_insert makes
            # each row a plain INSERT (no UPDATE attempt, never an update of the log).
            obj.save(using=using, force_insert=True)
            if obj.deferred_fields:
                with_deferred.append(obj)
            loaded[key] += 1
        for obj in with_deferred:
            obj.save_deferred_fields(using=using)
    # Foreign keys are deferred to commit on PostgreSQL and SQLite; check them now, with
    # the table names, so a broken reference fails here and not at COMMIT.
    tables = [model._meta.db_table for model in dump_models()]
    connection.check_constraints(table_names=tables)
    if digest.hexdigest() != manifest["database"]["sha256"]:
        raise BackupError("restore failed: the database dump changed while it was read")
    return loaded


def _reset_sequences(connection: BaseDatabaseWrapper) -> None:
    """PostgreSQL sequences still start at 1 after rows were inserted with their ids
    (what ``manage.py sqlsequencereset`` prints); SQLite needs nothing."""
    dumped = dump_models()
    statements = connection.ops.sequence_reset_sql(no_style(), [*dumped, *through_models(dumped)])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _verify_counts(manifest: dict[str, Any], using: str, loaded: Counter[str]) -> None:
    dumped = dump_models()
    by_label = {label(model): model for model in [*dumped, *through_models(dumped)]}
    wrong = []
    for key, expected in sorted(manifest["counts"].items()):
        model = by_label.get(key)
        if model is None:
            if expected:
                wrong.append(f"{key}: {expected} rows but no such model in this release")
            continue
        actual = model._base_manager.using(using).count()
        if actual != expected or (key in loaded and loaded[key] != expected):
            wrong.append(f"{key}: {actual}, manifest {expected}")
    if wrong:
        raise BackupError("restore failed: row counts differ: " + "; ".join(wrong[:5]))


def _write_file(
    storage: Storage, entry: dict[str, Any], stream: IO[bytes], written: list[str]
) -> None:
    name = entry["name"]
    content = File(stream, name=posixpath.basename(name))
    content.size = entry["size"]  # File would otherwise guess it from the member's name
    stored = storage.save(name, content)
    written.append(stored)
    if stored != name:
        raise BackupError(f"restore failed: the storage saved {name} as {stored}")


def restore_backup(
    archive: str | os.PathLike[str],
    *,
    using: str = DEFAULT_DB_ALIAS,
    storage: Storage | None = None,
    log: Log | None = None,
) -> RestoreSummary:
    """Restore the archive into an empty instance (see the module docstring)."""
    say = log or (lambda message: None)
    storage = storage if storage is not None else default_storage
    archive = Path(archive)
    connection = _connection(using)

    # 1. Check everything before touching anything.
    manifest = verify_archive(archive)
    say(f"archive verified: {len(manifest['media'])} files, created {manifest['created_at']}")
    _check_migrations(manifest, connection)
    _check_empty(connection)
    _check_storage_free(manifest, storage)

    # 2. The schema.
    executor = MigrationExecutor(connection)
    migrated = bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    if migrated:
        say("migrating the database")
        call_command("migrate", database=using, interactive=False, verbosity=0)
    else:
        # Content types and permissions must exist: the dump refers to them by natural
        # key. migrate creates them; so does this signal (flush sends it too).
        emit_post_migrate_signal(verbosity=0, interactive=False, db=using)

    # 3. Rows and files, all or nothing.
    written: list[str] = []
    media = {MEDIA_PREFIX + entry["name"]: entry for entry in manifest["media"]}
    try:
        with transaction.atomic(using=using):
            _check_empty(connection)  # again, now that every table exists
            for model in dump_models():
                seeded = _seeded_by_migrations(model, using)
                if seeded is not None:
                    seeded.delete()
            loaded: Counter[str] | None = None
            with _open_archive(archive) as tar:
                for member in tar:  # one sequential pass: the dump comes first
                    _check_member(member)
                    stream = tar.extractfile(member)
                    assert stream is not None
                    if member.name == DATABASE_NAME:
                        loaded = _load_database(stream, manifest, using)
                        say(f"database: {sum(loaded.values())} rows loaded")
                    elif member.name in media:
                        _write_file(storage, media[member.name], stream, written)
            if loaded is None:  # pragma: no cover - verify_archive saw it
                raise BackupError("restore failed: no database dump in the archive")
            _reset_sequences(connection)
            _verify_counts(manifest, using, loaded)
            for entry in manifest["media"]:
                with storage.open(entry["name"], "rb") as stream:
                    if _sha256_of(stream) != (entry["sha256"], entry["size"]):
                        raise BackupError(f"restore failed: {entry['name']} differs once written")
    except BaseException:
        for name in written:
            storage.delete(name)
        raise
    return RestoreSummary(
        created_at=manifest["created_at"],
        rows=sum(manifest["counts"].values()),
        tables=len(manifest["counts"]),
        files=len(manifest["media"]),
        bytes=sum(entry["size"] for entry in manifest["media"]),
        migrated=migrated,
        missing_files=list(manifest.get("missing_files", [])),
    )
