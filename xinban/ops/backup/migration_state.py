"""The migration state recorded in the manifest and compared on restore."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.graph import MigrationGraph
from django.db.migrations.loader import MigrationLoader

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
