"""``manage.py backup --output PATH.tar.gz``: one consistent archive of the instance.

The database (portable JSON Lines, read in one snapshot), every stored file and a
manifest of counts and SHA-256 checksums; see xinban.ops.backup and docs/backup.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinban.ops.backup import BackupError, archive_sha256, create_backup


class Command(BaseCommand):
    help = "Write the database and the stored files, with a manifest, to one .tar.gz archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", required=True, help="the archive to write (must not exist yet)"
        )
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 1
        log = self.stdout.write if verbose else None
        try:
            manifest = create_backup(options["output"], using=options["database"], log=log)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if verbose:
            rows = sum(manifest["counts"].values())
            self.stdout.write(
                self.style.SUCCESS(
                    f"backup written: {options['output']} ({rows} rows, "
                    f"{len(manifest['media'])} files, snapshot {manifest['created_at']})"
                )
            )
            self.stdout.write(f"archive sha256: {archive_sha256(options['output'])}")
