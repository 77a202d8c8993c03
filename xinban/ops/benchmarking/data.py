"""The data the benchmark (``manage.py bench``) measures on: the personas and the objects
the pages are about (:class:`BenchContext`), and the throwaway database's campaign, units
and applications, bulk-inserted through the demo generator (:class:`BenchData`)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from xinban.accounts.models import User
from xinban.applications.models import Application, ApplicationState, YearSequence
from xinban.campaigns.models import Campaign
from xinban.ops.demo_data import CURRENT_STATE_WEIGHTS, DemoBuilder
from xinban.organisations.models import OrganisationMembership, UnitMembership, UnitRole

SEED = 20240009


@dataclass
class BenchContext:
    """The personas (logged-in clients) and the objects the pages are about."""

    clients: dict[str, Client] = field(default_factory=dict)
    application_pk: int = 0
    campaign_year: int = 0
    ranking_unit_pk: int = 0  # the unit of the ranking study (its admin: "ranking_admin")


class BlockNumbering:
    """Hands out 编号 from memory and writes the year's sequence once at the end (the
    service's per-number row lock would dominate a 10,000-row bulk insert)."""

    def __init__(self) -> None:
        self.last: dict[int, int] = {}

    def __call__(self, year: int) -> str:
        if year not in self.last:
            self.last[year] = YearSequence.objects.get_or_create(year=year)[0].last
        self.last[year] += 1
        return f"{year}{self.last[year]:04d}"

    def flush(self) -> None:
        for year, last in self.last.items():
            YearSequence.objects.filter(year=year).update(last=last)


def logged_in(user: User, *, second_factor: bool = False) -> Client:
    """A client with the user's session; ``second_factor`` also marks the session as
    verified with a (benchmark-only) TOTP device, as staff sessions are in production."""
    client = Client()
    client.force_login(user)
    if second_factor:
        try:
            from django_otp import DEVICE_ID_SESSION_KEY
            from django_otp.plugins.otp_totp.models import TOTPDevice
        except ImportError:  # no second factor installed
            return client
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


class BenchData:
    def __init__(self) -> None:
        self.numbering = BlockNumbering()
        self.builder = DemoBuilder(
            rng=random.Random(SEED), numbering=self.numbering, with_files=False, backdate=False
        )
        self.campaign: Campaign | None = None

    def base(self) -> BenchContext:
        """The campaign, the units, the personas and the applicant's own applications."""
        builder = self.builder
        year = timezone.localdate().year
        with transaction.atomic():
            builder.ensure_units()
            self.campaign = builder.campaign(year, open_now=True)
            staff = User.objects.create(
                email="staff@bench.invalid", name="质协", is_association_staff=True
            )
            applicant = User.objects.create(email="applicant@bench.invalid", name="申报人")
            unit_admin = User.objects.create(email="unit@bench.invalid", name="推荐单位")
            plan = builder.plan_organisation()
            plan.unit = "浦东新区"
            (organisation,) = builder.create_organisations([plan])
            OrganisationMembership.objects.create(organisation=organisation, user=applicant)
            UnitMembership.objects.create(
                unit=builder.units["浦东新区"], user=unit_admin, role=UnitRole.ADMIN
            )
            registrations = builder.register(self.campaign, [organisation])
            plans = builder.plan_applications(
                self.campaign,
                registrations,
                target=3,
                weights={ApplicationState.SUBMITTED: 1},
            )
            applications = builder.create_applications(plans)
            self.numbering.flush()
        ctx = BenchContext(application_pk=applications[0].pk, campaign_year=year)
        ctx.clients = {
            "staff": logged_in(staff, second_factor=True),
            "applicant": logged_in(applicant),
            "unit": logged_in(unit_admin),
        }
        return ctx

    def grow_to(self, total: int) -> None:
        """Add organisations, their registrations and applications until there are
        ``total`` applications (about 2.6 per organisation, at most 3)."""
        assert self.campaign is not None
        builder = self.builder
        while (missing := total - Application.objects.count()) > 0:
            with transaction.atomic():
                count = max(1, math.ceil(missing / 2.6))
                organisations = builder.create_organisations(
                    [builder.plan_organisation() for _ in range(count)]
                )
                registrations = builder.register(self.campaign, organisations)
                plans = builder.plan_applications(
                    self.campaign, registrations, target=missing, weights=CURRENT_STATE_WEIGHTS
                )
                builder.create_applications(plans)
                self.numbering.flush()


def settle() -> None:
    """On PostgreSQL, VACUUM ANALYZE after a bulk load, as autovacuum does within a minute
    of it in production: the planner's statistics and the visibility map (which lets a
    COUNT read an index alone, not the wide application rows) are then those of a settled
    database rather than of one measured in the seconds after its load
    (docs/benchmarks.md, "The staff list on PostgreSQL")."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
