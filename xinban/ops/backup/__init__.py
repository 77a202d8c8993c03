"""Backup and restore of a whole instance: the database and the stored files, in one archive.

``manage.py backup --output PATH.tar.gz`` and ``manage.py restore PATH.tar.gz`` are thin
wrappers around :func:`create_backup` and :func:`restore_backup`; docs/backup.md is the
operator's guide.

The archive is a gzip-compressed tar file holding, in this order:

``database.jsonl``
    Every row of every model, as Django's portable JSON Lines serialisation (what
    ``dumpdata --format jsonl --natural-foreign`` writes), models in dependency order.
    Rows that ``migrate`` re-creates (content types, permissions) and disposable rows
    (sessions, the admin's log) are left out; references to content types and permissions
    use natural keys, so the archive does not depend on their ids. Every other row keeps
    its primary key: the audit log and URLs refer to objects by id.
``media/<name>``
    Every file in the default storage, under its storage name.
``manifest.json``
    When the snapshot was taken, the migration state (latest applied migration per app),
    the row count of every model, and the SHA-256 and size of the database dump and of
    every file. Written last, because the checksums are computed while the archive is
    written.

The database is read inside one read-only snapshot (PostgreSQL: a REPEATABLE READ READ
ONLY transaction; SQLite: one read transaction, which in WAL mode is a snapshot that does
not block writers), so the rows, their counts and the files they refer to belong to one
moment. Files are copied after the rows: a file uploaded meanwhile is an (unreferenced)
extra, a referenced file that disappeared meanwhile is listed in the manifest under
``missing_files``.

Restore refuses to touch anything before it has checked the archive completely: every
member is a regular file with a safe relative name, nothing is missing or extra, every
checksum and size matches the manifest, the code's migrations are the archive's, the
database holds no project data and no stored file would be overwritten. It then migrates
(if needed), loads every row in one transaction, writes the files back, resets the
PostgreSQL sequences and checks the row counts and the restored files' checksums against
the manifest; any failure rolls the transaction back and deletes the files it wrote.

The code is split by use case: ``format`` (what is backed up), ``migration_state``, ``streams``
(shared helpers), ``create``, ``verify`` and ``restore``; this package re-exports their
names.
"""

from __future__ import annotations

from xinban.ops.backup.create import (
    _add_member,
    _counted,
    _DatabaseDump,
    _dump_database,
    _write_members,
    archive_sha256,
    create_backup,
)
from xinban.ops.backup.format import (
    CHUNK,
    DATABASE_NAME,
    EXCLUDED_MODELS,
    FORMAT,
    FORMAT_VERSION,
    ITERATOR_CHUNK,
    MANIFEST_NAME,
    MAX_MANIFEST_BYTES,
    MEDIA_PREFIX,
    BackupError,
    ExactJSONEncoder,
    Log,
    _dependency_order,
    _file_fields,
    _natural_fk_names,
    _seeded_by_migrations,
    dump_models,
    label,
    through_models,
)
from xinban.ops.backup.migration_state import (
    _latest_per_app,
    applied_migration_state,
    code_migration_state,
)
from xinban.ops.backup.restore import (
    RestoreSummary,
    _check_empty,
    _check_migrations,
    _check_storage_free,
    _lines,
    _load_database,
    _reset_sequences,
    _verify_counts,
    _write_file,
    project_rows,
    restore_backup,
)
from xinban.ops.backup.streams import (
    _connection,
    _HashingReader,
    _read_snapshot,
    _safe_name,
    _sha256_of,
    _storage_names,
)
from xinban.ops.backup.verify import (
    _check_manifest,
    _check_member,
    _open_archive,
    verify_archive,
)

__all__ = [
    "BackupError",
    "CHUNK",
    "DATABASE_NAME",
    "EXCLUDED_MODELS",
    "ExactJSONEncoder",
    "FORMAT",
    "FORMAT_VERSION",
    "ITERATOR_CHUNK",
    "Log",
    "MANIFEST_NAME",
    "MAX_MANIFEST_BYTES",
    "MEDIA_PREFIX",
    "RestoreSummary",
    "_DatabaseDump",
    "_HashingReader",
    "_add_member",
    "_check_empty",
    "_check_manifest",
    "_check_member",
    "_check_migrations",
    "_check_storage_free",
    "_connection",
    "_counted",
    "_dependency_order",
    "_dump_database",
    "_file_fields",
    "_latest_per_app",
    "_lines",
    "_load_database",
    "_natural_fk_names",
    "_open_archive",
    "_read_snapshot",
    "_reset_sequences",
    "_safe_name",
    "_seeded_by_migrations",
    "_sha256_of",
    "_storage_names",
    "_verify_counts",
    "_write_file",
    "_write_members",
    "applied_migration_state",
    "archive_sha256",
    "code_migration_state",
    "create_backup",
    "dump_models",
    "label",
    "project_rows",
    "restore_backup",
    "through_models",
    "verify_archive",
]
