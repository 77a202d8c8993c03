"""``manage.py expire_stale_uploads``: end resumable uploads past their expiry and delete
their part files, and part files no open upload owns. Run it from cron, e.g. hourly."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from xinban.uploads_resumable.services import expire_stale_uploads


class Command(BaseCommand):
    help = "Expire unfinished resumable uploads and delete their part files."

    def handle(self, *args: Any, **options: Any) -> None:
        report = expire_stale_uploads()
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"expired {report.expired} upload(s); "
                f"removed {report.orphans_removed} orphan part file(s)"
            )
