"""The case library's substring index: an FTS5 trigram table kept in step by triggers on
SQLite; a pg_trgm GIN index on UPPER(search_text) on PostgreSQL (what ``icontains``
compares). Without either (another database, or no right to create the extension) the
search still works, by scanning."""

from __future__ import annotations

from typing import Any

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE publication_case_fts USING fts5("
    "search_text, content='publication_caseentry', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER publication_case_ai AFTER INSERT ON publication_caseentry BEGIN "
    "INSERT INTO publication_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER publication_case_ad AFTER DELETE ON publication_caseentry BEGIN "
    "INSERT INTO publication_case_fts(publication_case_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER publication_case_au AFTER UPDATE ON publication_caseentry BEGIN "
    "INSERT INTO publication_case_fts(publication_case_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO publication_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS publication_case_au",
    "DROP TRIGGER IF EXISTS publication_case_ad",
    "DROP TRIGGER IF EXISTS publication_case_ai",
    "DROP TABLE IF EXISTS publication_case_fts",
]


def up(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
            if cursor.fetchone() is None:
                return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX publication_case_trgm ON publication_caseentry "
            "USING gin (UPPER(search_text) gin_trgm_ops)"
        )


def down(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS publication_case_trgm")


class Migration(migrations.Migration):
    dependencies = [("publication", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
