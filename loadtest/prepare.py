"""Prepare a freshly seeded demo (``manage.py seed_demo``) for the load test.

    python loadtest/prepare.py OUTPUT.json [--applicants N]

* The demo judge (judge@demo.saq) joins the panel of 浦东新区, added by that unit's
  admin (unit-x@demo.saq), and gets one score sheet for every submitted application of the
  unit (the unit's "one click" assignment), so 我的评审 has work in it.
* The unit rubric of the current year is created (as staff would configure it).
* Besides applicant-a and applicant-b, N more applicant logins are created
  (``loadtest-applicant-NNN@demo.saq``, password ``demo2026``), each a member of another
  demo organisation that has an editable application this year and a free slot, so the
  simulated applicants mostly edit their own applications instead of all fighting over
  the same two organisations' drafts.

Writes the logins and what was prepared to OUTPUT.json, which the locustfile reads
(XINBAN_LOADTEST_ACCOUNTS). Uses the application's own services where it writes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402

from xinban.accounts.models import User  # noqa: E402
from xinban.applications.models import (  # noqa: E402
    ACTIVE_STATES,
    EDITABLE_STATES,
    Application,
)
from xinban.campaigns.selectors import campaign_current  # noqa: E402
from xinban.ops.demo_data import DEMO_PASSWORD  # noqa: E402
from xinban.organisations.models import (  # noqa: E402
    Organisation,
    OrganisationMembership,
    RecommendingUnit,
)
from xinban.recommendation.services import (  # noqa: E402
    assignment_spread_evenly,
    judge_add_to_panel,
)
from xinban.scoring.models import ScoreSheet, Stage  # noqa: E402
from xinban.scoring.services import rubric_for  # noqa: E402

DEMO_APPLICANTS = ["applicant-a@demo.saq", "applicant-b@demo.saq"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("output")
    parser.add_argument("--applicants", type=int, default=80)
    args = parser.parse_args()

    campaign = campaign_current()
    if campaign is None:
        raise SystemExit("no current campaign: run manage.py seed_demo first")

    # Judges: the demo judge on 浦东新区's panel, one sheet per submitted application.
    unit = RecommendingUnit.objects.get(name="浦东新区")
    admin = User.objects.get(email="unit-x@demo.saq")
    judge = judge_add_to_panel(
        actor=admin,
        unit=unit,
        data={
            "name": "赵建国",
            "employer": "浦东新区质量协会",
            "tgq_number": "TGQ-2026-0001",
            "address": "上海市浦东新区世纪大道100号",
            "email": "judge@demo.saq",
            "mobile": "13900001111",
        },
    )
    assigned = assignment_spread_evenly(
        actor=admin, unit=unit, campaign=campaign, per_application=1
    )
    rubric_for(campaign=campaign, stage=Stage.UNIT)

    # Applicants: demo organisations with an editable application and a free slot.
    demo_orgs = set(
        User.objects.filter(email__in=DEMO_APPLICANTS).values_list(
            "organisationmembership__organisation", flat=True
        )
    )
    candidates = (
        Organisation.objects.filter(
            applications__campaign=campaign, applications__state__in=EDITABLE_STATES
        )
        .exclude(pk__in=demo_orgs)
        .annotate(
            active=Count(
                "applications",
                filter=Q(applications__campaign=campaign, applications__state__in=ACTIVE_STATES),
                distinct=True,
            )
        )
        .filter(active__lt=campaign.max_applications_per_org)
        .order_by("pk")
        .distinct()[: args.applicants]
    )
    password = make_password(DEMO_PASSWORD)  # one hash for all: they are test accounts
    applicants = list(DEMO_APPLICANTS)
    for i, organisation in enumerate(candidates, start=1):
        email = f"loadtest-applicant-{i:03d}@demo.saq"
        user, _created = User.objects.get_or_create(
            email=email,
            defaults={"name": f"压测申报人{i:03d}", "password": password, "email_verified": True},
        )
        OrganisationMembership.objects.get_or_create(organisation=organisation, user=user)
        applicants.append(email)

    result = {
        "campaign": campaign.year,
        "password": DEMO_PASSWORD,
        "applicants": applicants,
        "judges": ["judge@demo.saq"],
        "staff": ["staff@demo.saq"],
        "judge_sheets": ScoreSheet.objects.filter(judge=judge).count(),
        "assigned_now": assigned,
        "editable_applications": Application.objects.filter(
            campaign=campaign, state__in=EDITABLE_STATES
        ).count(),
    }
    # A signed-in session per login (Django's own log-in, as after the form): the simulated
    # users start from it, except the few that log in through the form (locustfile.py), so
    # the run measures the pages and not a stampede of argon2 hashes.
    result["session_cookie"] = settings.SESSION_COOKIE_NAME
    result["sessions"] = {
        email: _session_for(User.objects.get(email=email))
        for email in [*applicants, "judge@demo.saq", "staff@demo.saq"]
    }
    Path(args.output).write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(
        f"prepared: {len(applicants)} applicant logins, "
        f"{result['judge_sheets']} score sheets for judge@demo.saq"
    )


def _session_for(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


if __name__ == "__main__":
    main()
