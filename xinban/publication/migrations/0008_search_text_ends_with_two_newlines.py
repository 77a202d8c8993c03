"""The case library's search text ends with two newlines, so that on SQLite the text's last
character begins a trigram of the FTS5 index too (a one-character query found it nowhere
else; docs/benchmarks.md, "Case library on PostgreSQL"). Rewriting the rows keeps the
FTS5 triggers and PostgreSQL's generated grams in step."""

from typing import Any

from django.db import migrations


def add_newline(apps: Any, schema_editor: Any) -> None:
    CaseEntry = apps.get_model("publication", "CaseEntry")
    batch = []
    for entry in CaseEntry.objects.only("pk", "search_text").iterator(chunk_size=500):
        if not entry.search_text.endswith("\n\n"):
            entry.search_text += "\n" if entry.search_text.endswith("\n") else "\n\n"
            batch.append(entry)
        if len(batch) >= 500:
            CaseEntry.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        CaseEntry.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("publication", "0007_case_search_grams")]

    operations = [migrations.RunPython(add_newline, migrations.RunPython.noop)]
