"""What an area's ``demo.seed(ctx)`` receives (docs/architecture.md, "Extension points")."""

from __future__ import annotations

from dataclasses import dataclass

from xinban.accounts.models import User
from xinban.campaigns.models import (
    Campaign,
)
from xinban.ops.demo_data.review import (
    DemoBuilder,
)


@dataclass
class DemoContext:
    """What an area's ``demo.seed(ctx)`` gets (see xinban.core.areas): the builder (its
    ``rng``, ``units`` by name, ``created`` ids), the current year and the three campaign
    years (``year - 2``, ``year - 1`` published; ``year`` open now). Area data must hang
    off these campaigns, their applications or the demo users, so that ``--reset`` (which
    deletes those with their dependents) removes it too."""

    builder: DemoBuilder
    year: int
    campaigns: dict[int, Campaign]

    def user(self, email: str) -> User:
        """A demo login by e-mail (see LOGINS), e.g. ``ctx.user("staff@demo.saq")``."""
        return User.objects.get(email=email)
