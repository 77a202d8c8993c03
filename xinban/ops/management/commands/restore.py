"""``manage.py restore PATH.tar.gz``: restore a ``manage.py backup`` archive into an
empty instance.

The archive is verified completely (member names, checksums, migration state) before
anything is touched; rows and files are restored all or nothing and checked against the
manifest afterwards. See xinban.ops.backup and docs/backup.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinban.ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup archive into an empty instance (database and stored files)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="the .tar.gz written by manage.py backup")
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 1
        log = self.stdout.write if verbose else None
        try:
            summary = restore_backup(options["archive"], using=options["database"], log=log)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for name in summary.missing_files:
            self.stderr.write(f"warning: {name} was already missing when the backup was made")
        if verbose:
            self.stdout.write(
                self.style.SUCCESS(
                    f"restored the snapshot of {summary.created_at}: {summary.rows} rows in "
                    f"{summary.tables} tables, {summary.files} files ({summary.bytes} bytes); "
                    "counts and checksums verified"
                )
            )
