"""Set-up and read-back for the scale-out test, run in a subprocess against the shared
database (like tests/faults/scenario.py):

    python -m tests.scaleout.scenario setup N   -> JSON: N applicants (session keys) ready
    python -m tests.scaleout.scenario inspect   -> JSON: applications, numbers, outbox
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from typing import Any


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def setup(count: int) -> dict[str, Any]:
    """This year's campaign (every phase open), unit 浦东新区, and ``count`` organisations,
    each with its 附件2 and one applicant logged in (a session made here: logging 1,000
    people in is not what is being tested)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction
    from django.utils import timezone

    from tests.conftest import make_registration
    from xinban.accounts.models import User
    from xinban.campaigns.models import Campaign, Phase, PhaseKind
    from xinban.organisations.models import (
        Organisation,
        OrganisationMembership,
        RecommendingUnit,
        UnitKind,
    )

    now = timezone.now()
    year = timezone.localdate().year
    with transaction.atomic():
        campaign = Campaign.objects.create(year=year, title=f"{year}年活动")
        for kind in PhaseKind:
            Phase.objects.create(
                campaign=campaign,
                kind=kind,
                starts_at=now - timedelta(days=10),
                ends_at=now + timedelta(days=30),
            )
        unit = RecommendingUnit.objects.create(name="浦东新区", kind=UnitKind.DISTRICT)
        organisations = Organisation.objects.bulk_create(
            [
                Organisation(name=f"上海扩展测试{n:04d}号有限公司", short_name=f"扩展{n:04d}")
                for n in range(count)
            ]
        )
        users = User.objects.bulk_create(
            [
                User(
                    email=f"s{n:04d}@example.com",
                    name=f"申报人{n}",
                    email_verified=True,
                    password="!",
                )
                for n in range(count)
            ]
        )
        OrganisationMembership.objects.bulk_create(
            [
                OrganisationMembership(organisation=o, user=u)
                for o, u in zip(organisations, users, strict=True)
            ]
        )
        for organisation in organisations:
            make_registration(organisation, campaign)
    sessions = []
    backend = next(b for b in settings.AUTHENTICATION_BACKENDS if "ModelBackend" in b)
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    from xinban.campaigns.models import TeamType

    team_type = TeamType.objects.get(name="生产操作型").pk
    return {"unit": unit.pk, "team_type": team_type, "sessions": sessions}


def inspect() -> dict[str, Any]:
    from collections import Counter

    from xinban.applications.models import Application
    from xinban.notifications.models import OutboxEmail

    apps = list(Application.objects.values_list("number", "state"))
    outbox = Counter(OutboxEmail.objects.values_list("state", flat=True))
    return {
        "applications": len(apps),
        "numbers": sorted(number for number, _state in apps),
        "states": dict(Counter(state for _number, state in apps)),
        "outbox": dict(outbox),
        "outbox_recipients": sorted(OutboxEmail.objects.values_list("recipient", flat=True)),
        "outbox_templates": dict(Counter(OutboxEmail.objects.values_list("template", flat=True))),
    }


def main(argv: list[str]) -> None:
    _django()
    if argv[0] == "setup":
        print(json.dumps(setup(int(argv[1]))))
    elif argv[0] == "inspect":
        print(json.dumps(inspect()))
    else:
        raise SystemExit(f"unknown command {argv[0]}")


if __name__ == "__main__":
    main(sys.argv[1:])
