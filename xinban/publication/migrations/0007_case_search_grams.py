"""The case library's one- and two-character index on PostgreSQL (docs/benchmarks.md,
"Case library on PostgreSQL"): every distinct character and pair of adjacent characters of
UPPER(search_text), in a column PostgreSQL computes itself on every insert and update (a
stored generated column: kept in step in the same statement, whatever writes the row), with
a GIN index. pg_trgm (0002) finds nothing to look up in a query of fewer than three
characters; this index answers those exactly and narrows the longer ones, so it replaces
the trigram index. The grams come
from the database's own UPPER(), the one ``icontains`` compares with, so the index agrees
with the plain search character for character. Nothing on SQLite (FTS5 there, 0002/0005)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

# Each character and each pair of adjacent characters of t, once each (O(n log n); the
# window keeps the characters' order).
GRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION publication_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
    SELECT c, c || lead(c) OVER (ORDER BY n)
    FROM unnest(string_to_array(t, NULL)) WITH ORDINALITY AS u(c, n)
  ) AS p(c, b), LATERAL (VALUES (c), (b)) AS v(g) WHERE g IS NOT NULL
$$
"""
# The pairs of adjacent characters of a query of two or more characters (the characters
# alone would only lengthen the lookup: every pair contains them).
BIGRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION publication_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT b), '{}') FROM (
    SELECT c || lead(c) OVER (ORDER BY n)
    FROM unnest(string_to_array(t, NULL)) WITH ORDINALITY AS u(c, n)
  ) AS p(b) WHERE b IS NOT NULL
$$
"""
POSTGRESQL_UP = [
    GRAMS_FUNCTION,
    BIGRAMS_FUNCTION,
    "ALTER TABLE publication_caseentry ADD COLUMN search_grams text[] "
    "GENERATED ALWAYS AS (publication_grams(UPPER(search_text))) STORED",
    # Without the pending list (fastupdate): a search never reads a list of recent
    # entries beside the index; a publication writes a few hundred rows a year.
    "CREATE INDEX publication_case_grams ON publication_caseentry USING gin (search_grams) "
    "WITH (fastupdate = off)",
    # The grams index finds what the trigram index found, and a plan combining the two
    # reads each candidate's grams again: one index.
    "DROP INDEX IF EXISTS publication_case_trgm",
]
POSTGRESQL_DOWN = [
    "DROP INDEX IF EXISTS publication_case_grams",
    "ALTER TABLE publication_caseentry DROP COLUMN IF EXISTS search_grams",
    "DROP FUNCTION IF EXISTS publication_bigrams(text)",
    "DROP FUNCTION IF EXISTS publication_grams(text)",
]


def up(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_UP:
            schema_editor.execute(statement)


def down(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_DOWN:
            schema_editor.execute(statement)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            trigrams = cursor.fetchone() is not None
        if trigrams:  # as 0002 left it
            schema_editor.execute(
                "CREATE INDEX IF NOT EXISTS publication_case_trgm ON publication_caseentry "
                "USING gin (UPPER(search_text) gin_trgm_ops)"
            )


class Migration(migrations.Migration):
    dependencies = [("publication", "0006_notice_campaign_attachments")]
    operations = [migrations.RunPython(up, down)]
