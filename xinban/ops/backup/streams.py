"""Small helpers shared by backup and restore: hashing streams, safe member names, the
storage's files, the read-only snapshot."""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from django.core.files.storage import Storage
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from xinban.ops.backup.format import (
    CHUNK,
    BackupError,
)

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
