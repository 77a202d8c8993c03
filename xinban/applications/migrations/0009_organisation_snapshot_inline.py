"""On PostgreSQL, keep each application's organisation_snapshot inside its row (storage
MAIN) rather than out of line in the TOAST table, where the wide rows (the six material
texts) pushed it: the experts' per-domain ranking reads the snapshot's domain of every
application under review, and an out-of-line value costs two more page reads each
(docs/benchmarks.md, "Rankings"). Rows written before keep their storage until rewritten.
Nothing to do on SQLite."""

from typing import Any

from django.db import migrations

TABLE = "applications_application"


def _storage(mode: str) -> Any:
    def apply(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f'ALTER TABLE "{TABLE}" ALTER COLUMN "organisation_snapshot" SET STORAGE {mode}'
            )

    return apply


class Migration(migrations.Migration):
    dependencies = [("applications", "0008_ranking_domain_index")]

    operations = [migrations.RunPython(_storage("MAIN"), _storage("EXTENDED"))]
