"""``manage.py dashboard_tallies``: rebuild the dashboards' summary rows from scratch (after
writes that bypass the services' signals: bulk loads, raw SQL), or ``--check`` them
against a count from scratch (docs/benchmarks.md, "Dashboards: summary rows")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinban.dashboards import tallies


class Command(BaseCommand):
    help = "重建统计看板的汇总计数（--check：只核对，不一致时以状态 1 退出）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="只核对，不重建")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            counted, kept = tallies.with_rollups(tallies.count()), tallies.stored()
            wrong = {k for k in set(counted) | set(kept) if counted[k] != kept[k]}
            if wrong:
                raise CommandError(f"dashboard_tallies: {len(wrong)} rows differ; rebuild")
            self.stdout.write(f"dashboard_tallies: {len(kept)} rows agree")
            return
        self.stdout.write(f"dashboard_tallies: {tallies.rebuild()} rows written")
