"""Open a campaign year from the notice's template (docs/deploy.md, "第一天 / First day"):

    manage.py open_year 2027 --staff first.staff@example.org

creates the year with the notice's nine phases at the notice's months; staff edit the windows
afterwards in the admin (活动年度). Refuses a year that already exists."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from xinban.accounts.models import User
from xinban.campaigns.services import campaign_open
from xinban.core.errors import ServiceError


class Command(BaseCommand):
    help = "Open a campaign year with the notice's nine phases (edit them later in the admin)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int, nargs="?", help="the year (default: this year)")
        parser.add_argument(
            "--staff", required=True, help="e-mail of the association staff member opening it"
        )
        parser.add_argument("--title", default="", help="the year's title (default: notice's)")

    def handle(self, *args: Any, year: int | None, staff: str, title: str, **options: Any) -> None:
        actor = User.objects.filter(email__iexact=staff.strip()).first()
        if actor is None:
            raise CommandError(f"no user with the e-mail {staff}")
        try:
            campaign = campaign_open(
                actor=actor, year=year or timezone.localdate().year, title=title
            )
        except ServiceError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"opened {campaign.year}: {campaign.title}")
        for phase in campaign.phases.order_by("starts_at", "id"):
            start = timezone.localtime(phase.starts_at)
            end = timezone.localtime(phase.ends_at)
            self.stdout.write(f"  {phase.kind:<15} {start:%Y-%m-%d} – {end:%Y-%m-%d}")
