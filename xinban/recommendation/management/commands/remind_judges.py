"""Run daily (cron or a systemd timer): remind judges whose unit's recommendation window
closes within the given number of days. Each sheet is reminded once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinban.recommendation.services import judges_remind


class Command(BaseCommand):
    help = "Remind judges with unsubmitted score sheets before the recommendation window closes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=3)

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        sent = judges_remind(within_days=days)
        self.stdout.write(f"reminded {sent} judge(s)")
