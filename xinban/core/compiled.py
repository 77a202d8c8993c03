"""Reads whose SQL is written once per process.

A fixed-shape read is built with the ORM (so it stays portable between SQLite and
PostgreSQL and follows the models), its SQL and parameters are memoised by the arguments
that built it, and every call runs that SQL on a cursor. The rows are read fresh every
time: only the ORM's work of building the query and writing its SQL is saved — on the
dashboards, a large share of an uncached request (docs/benchmarks.md, "Dashboards:
queries compiled once").
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

# A build whose every row is filtered out before the database is asked (``pk__in=[]``).
_EMPTY = ("", ())


def rows(
    build: Callable[..., QuerySet[Any]], *args: Hashable, using: str = DEFAULT_DB_ALIAS
) -> list[tuple[Any, ...]]:
    """The rows of ``build(*args)``, a ``values_list`` query, as the database returns
    them (no field converters: a boolean is 0 or 1 on SQLite). ``build``'s SQL must
    depend on its arguments alone — no clock, no setting, no request."""
    sql, params = _compiled(build, args, using, id(connections[using].settings_dict))
    if not sql:
        return []
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


@functools.lru_cache(maxsize=1024)
def _compiled(
    build: Callable[..., QuerySet[Any]], args: tuple[Hashable, ...], using: str, _db: int
) -> tuple[str, tuple[Any, ...]]:
    """``build(*args)``'s SQL and parameters (per database alias and its settings: a test
    run's database is another)."""
    queryset = build(*args)
    try:
        sql, params = queryset.query.get_compiler(using=using).as_sql()
    except EmptyResultSet:
        return _EMPTY
    return sql, tuple(params)
