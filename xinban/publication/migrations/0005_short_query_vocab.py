"""One- and two-character queries through the trigram index (SQLite): an fts5vocab table
lists the index's trigrams, so a query "ab" becomes the OR of the trigrams that start with
"ab". Every search text ends with a newline, so that an "ab" at the very end of the text
also begins a trigram ("ab\\n")."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Concat

VOCAB = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS publication_case_fts_vocab "
    "USING fts5vocab(publication_case_fts, 'row')"
)


def up(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(VOCAB)
    CaseEntry = apps.get_model("publication", "CaseEntry")
    CaseEntry.objects.using(schema_editor.connection.alias).exclude(
        search_text__endswith="\n"
    ).update(search_text=Concat(F("search_text"), Value("\n")))


def down(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS publication_case_fts_vocab")


class Migration(migrations.Migration):
    dependencies = [("publication", "0004_search_order")]
    operations = [migrations.RunPython(up, down)]
