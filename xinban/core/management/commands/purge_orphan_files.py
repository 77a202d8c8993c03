"""Delete stored files no row refers to (left by a process killed mid-upload). Run it
daily, e.g. from the backup timer; the grace period protects uploads still in progress."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinban.core.storage_sweep import purge_unreferenced_files


class Command(BaseCommand):
    help = "Delete stored files that no database row refers to."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than-hours", type=float, default=24.0)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, older_than_hours: float, dry_run: bool, **options: Any) -> None:
        names = purge_unreferenced_files(
            older_than=timedelta(hours=older_than_hours), dry_run=dry_run
        )
        verb = "would delete" if dry_run else "deleted"
        for name in names:
            self.stdout.write(f"{verb} {name}")
        self.stdout.write(f"{verb} {len(names)} unreferenced file(s)")
