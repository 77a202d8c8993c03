"""``manage.py dashboard_tallies``: rebuild the dashboards' summary rows — the
applications' (``Tally``) and the judges' (``JudgeTally``) — from scratch (after writes
that bypass the signals: bulk loads, raw SQL, a sheet given to another judge by hand),
or ``--check`` them against a count from scratch (docs/benchmarks.md, "Dashboards:
summary rows")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinban.dashboards import judge_tallies, tallies


class Command(BaseCommand):
    help = "重建统计看板的汇总计数（--check：只核对，不一致时以状态 1 退出）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="只核对，不重建")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            counted, kept = tallies.expected(), tallies.stored()
            wrong = {k for k in set(counted) | set(kept) if counted[k] != kept[k]}
            judges_counted, judges_kept = judge_tallies.count(), judge_tallies.stored()
            judges_wrong = {
                k
                for k in set(judges_counted) | set(judges_kept)
                if judges_counted.get(k) != judges_kept.get(k)
            }
            if wrong or judges_wrong:
                raise CommandError(
                    f"dashboard_tallies: {len(wrong)} rows and {len(judges_wrong)} judges' "
                    "rows differ; rebuild"
                )
            self.stdout.write(
                f"dashboard_tallies: {len(kept)} rows and {len(judges_kept)} judges' rows agree"
            )
            return
        written, judges_written = tallies.rebuild(), judge_tallies.rebuild()
        self.stdout.write(
            f"dashboard_tallies: {written} rows and {judges_written} judges' rows written"
        )
