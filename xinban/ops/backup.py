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
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import posixpath
import tarfile
import tempfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import django
from django.apps import apps
from django.core import serializers
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.management.sql import emit_post_migrate_signal
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.graph import MigrationGraph
from django.db.migrations.loader import MigrationLoader
from django.db.models import QuerySet
from django.utils import timezone

FORMAT = "xinban-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DATABASE_NAME = "database.jsonl"
MEDIA_PREFIX = "media/"

#: Rows that ``migrate`` creates by itself (content types and permissions, through the
#: post_migrate signal) or that are not worth keeping (sessions, the admin's action log).
EXCLUDED_MODELS = frozenset(
    {"contenttypes.contenttype", "auth.permission", "sessions.session", "admin.logentry"}
)

CHUNK = 1024 * 1024
ITERATOR_CHUNK = 2000
MAX_MANIFEST_BYTES = 256 * 1024 * 1024

Log = Callable[[str], None]


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why, for an operator."""


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but times keep their microseconds (it cuts them to
    milliseconds, as ECMAScript does): a restore must give back the very same values."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            if isinstance(o, dt.time) and timezone.is_aware(o):
                raise ValueError("JSON can't represent timezone-aware times.")
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


# --- what is backed up ----------------------------------------------------------------


def label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def dump_models() -> list[type[models.Model]]:
    """Every concrete model whose rows go into the archive, in dependency order: a model
    comes after the models its foreign keys (and natural keys) point to, as far as cycles
    allow. Auto-created many-to-many tables are not listed: their rows travel with the
    model that declares the field."""
    selected = [
        model
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and not model._meta.swapped
        and label(model) not in EXCLUDED_MODELS
    ]
    return _dependency_order(selected)


def _dependency_order(selected: list[type[models.Model]]) -> list[type[models.Model]]:
    chosen = set(selected)
    deps: dict[type[models.Model], set[type[models.Model]]] = {}
    for model in selected:
        needs: set[type[models.Model]] = set()
        for f in model._meta.get_fields():
            forward_key = f.concrete and f.is_relation and (f.many_to_one or f.one_to_one)
            if forward_key or isinstance(f, models.ManyToManyField):
                needs.add(f.related_model)  # type: ignore[arg-type]
        for dep in getattr(getattr(model, "natural_key", None), "dependencies", []):
            needs.add(apps.get_model(dep))
        deps[model] = {m for m in needs if m in chosen and m is not model}
    ordered: list[type[models.Model]] = []
    remaining = sorted(selected, key=label)
    while remaining:
        ready = [m for m in remaining if deps[m] <= set(ordered)]
        # A cycle (none today): take the first remaining model; the foreign keys are
        # checked at commit time, and the loader resolves forward natural keys.
        batch = ready or remaining[:1]
        ordered.extend(batch)
        remaining = [m for m in remaining if m not in batch]
    return ordered


def through_models(dumped: Iterable[type[models.Model]]) -> list[type[models.Model]]:
    """The auto-created many-to-many tables of the dumped models (counted, not dumped)."""
    result: list[type[models.Model]] = []
    for model in dumped:
        for f in model._meta.local_many_to_many:
            through: type[models.Model] = f.remote_field.through  # type: ignore[attr-defined,assignment]
            if through._meta.auto_created:
                result.append(through)
    return result


def _natural_fk_names(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation and hasattr(f.related_model, "natural_key")
    ]


def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _seeded_by_migrations(model: type[models.Model], using: str) -> QuerySet[Any] | None:
    """The rows a fresh ``migrate`` writes (docs/deploy.md, "第一天 / First day"): the
    taxonomy lists (campaigns 0003), the four guiding units and the special recommending
    unit with its rule (organisations 0003). Restore does not count them as project data
    and replaces them with the archive's rows. None for a model without such rows."""
    from xinban.campaigns import seed
    from xinban.campaigns.models import TaxonomyTerm
    from xinban.organisations.models import GuidingUnit, RecommendingUnit

    rows = model._base_manager.using(using)
    if issubclass(model, TaxonomyTerm):
        return rows.all()
    if model is GuidingUnit:
        return rows.filter(name__in=seed.GUIDING_UNITS)
    if model is RecommendingUnit:
        return rows.filter(name=seed.SPECIAL_UNIT)
    if model is RecommendingUnit.eligible_natures.through:
        return rows.filter(recommendingunit__name=seed.SPECIAL_UNIT)
    return None


# --- migration state --------------------------------------------------------------------


def _latest_per_app(nodes: Iterable[tuple[str, str]], graph: MigrationGraph) -> dict[str, str]:
    """The latest of the given migrations in each app: the one with most ancestors."""
    best: dict[str, tuple[int, str]] = {}
    for app_label, name in nodes:
        if (app_label, name) not in graph.nodes:
            continue  # recorded as applied, but no longer on disk
        depth = len(graph.forwards_plan((app_label, name)))
        if app_label not in best or (depth, name) > best[app_label]:
            best[app_label] = (depth, name)
    return {app_label: best[app_label][1] for app_label in sorted(best)}


def applied_migration_state(connection: BaseDatabaseWrapper) -> dict[str, str]:
    loader = MigrationLoader(connection)
    return _latest_per_app(loader.applied_migrations or {}, loader.graph)


def code_migration_state(connection: BaseDatabaseWrapper) -> dict[str, str]:
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    return _latest_per_app(loader.graph.nodes, loader.graph)


# --- small helpers ----------------------------------------------------------------------


class _HashingReader:
    """A read-only file wrapper that hashes and counts what is read through it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _sha256_of(stream: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _safe_name(name: str) -> bool:
    """A relative POSIX path without '.', '..', empty parts, backslashes or NULs."""
    if not name or name.startswith("/") or "\\" in name or "\x00" in name:
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def _storage_names(storage: Storage, path: str = "") -> Iterator[str]:
    """Every file in the storage, recursively, in a stable order."""
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:  # FileSystemStorage before the first upload
        return
    for name in sorted(files):
        yield posixpath.join(path, name) if path else name
    for directory in sorted(directories):
        yield from _storage_names(storage, posixpath.join(path, directory) if path else directory)


def _connection(using: str) -> BaseDatabaseWrapper:
    connection = connections[using]
    if connection.in_atomic_block:
        raise BackupError("backup and restore manage their own transaction; call them outside one")
    connection.ensure_connection()
    return connection


@contextmanager
def _read_snapshot(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """One read-only snapshot of the whole database for the duration of the block."""
    using = connection.alias
    if connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            # psycopg opens the transaction with the first statement, so this one still
            # sets its isolation: every query below sees the same committed state.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                cursor.execute("SELECT 1")  # takes the snapshot now, not at the first row
            yield
    elif connection.vendor == "sqlite":
        # settings.py opens SQLite transactions with BEGIN IMMEDIATE (a write lock, right
        # for requests that write). A backup only reads: BEGIN DEFERRED plus a first read
        # gives a read snapshot that, in WAL mode, lets the site keep writing meanwhile.
        previous = getattr(connection, "transaction_mode", None)
        connection.transaction_mode = "DEFERRED"  # type: ignore[attr-defined]
        try:
            with transaction.atomic(using=using):
                connection.transaction_mode = previous  # type: ignore[attr-defined]
                with connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM sqlite_master")  # starts the snapshot
                yield
        finally:
            connection.transaction_mode = previous  # type: ignore[attr-defined]
    else:  # pragma: no cover - the platform runs on PostgreSQL or SQLite
        with transaction.atomic(using=using):
            yield


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
    with connection.constraint_checks_disabled():
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
