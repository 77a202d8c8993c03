"""Database expressions over applications that indexes are built on (docs/benchmarks.md,
"Rankings")."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql.compiler import SQLCompiler


class SnapshotDomain(models.Func):
    """The domain frozen in an application's ``organisation_snapshot``, as text (NULL
    when absent or JSON null).

    The SQL is the same text in every process and query, the key inline: an index on an
    expression serves only a query with the same expression, and Django's
    ``KeyTextTransform`` on SQLite lists JSON types from a frozenset, in an order that
    changes from one process to the next, and binds the key as a parameter."""

    output_field = models.TextField()
    template = "(%(expressions)s ->> 'domain')"  # PostgreSQL's text of a jsonb key

    def __init__(self, **extra: Any) -> None:
        super().__init__(models.F("organisation_snapshot"), **extra)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, Any]:
        return self.as_sql(
            compiler, connection, template="JSON_EXTRACT(%(expressions)s, '$.\"domain\"')"
        )
