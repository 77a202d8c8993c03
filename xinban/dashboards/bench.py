"""Benchmark of the dashboards (统计看板), run by ``manage.py bench`` (issue 6).

The staff dashboard over 5 campaign years × 5,000 applications — the bench's current year
(grown to 5,000 if it has fewer) plus four past years seeded here with the demo generator
(registrations in every domain, nature and industry; applications of every unit, in the
past years' states) — against the minimal view of the same persona:

* as served (the figures are cached until the data changes: the audit log moves);
* with the cache switched off (every aggregate computed on each request);

and its query count, uncached, with one year of data and with five (must be equal).
A recommending unit's dashboard (the bench's unit admin of 浦东新区) likewise::

    dashboard_staff_vs_minimal ratio=R target<=3
    dashboard_staff_uncached_vs_minimal ratio=R target<=3
    dashboard_staff_queries_uncached 1y=N 5y=N
"""

from __future__ import annotations

import math
import time

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from xinban.applications.models import Application
from xinban.campaigns.models import Campaign
from xinban.dashboards import tallies
from xinban.ops.demo_data import CURRENT_STATE_WEIGHTS, PAST_STATE_WEIGHTS
from xinban.ops.management.commands.bench import (
    BASELINE,
    BenchContext,
    BenchData,
    Figure,
    Page,
    Say,
    StudyOptions,
    StudyResult,
    _ratio,
    _timing_line,
    baseline_name,
    measure_pages,
)
from xinban.organisations.models import Organisation, UnitMembership

YEARS = 5
PER_YEAR = 5000
TARGET = 3.0
PAGES = [
    Page("dashboard_staff", "staff", lambda ctx: reverse("dashboards:staff")),
    Page(
        "dashboard_unit",
        "unit",
        lambda ctx: reverse("dashboards:unit", args=[_unit_pk(ctx)]),
    ),
]


def _unit_pk(ctx: BenchContext) -> int:
    membership = UnitMembership.objects.filter(user__email="unit@bench.invalid").first()
    return membership.unit_id if membership else 0


def _grow_year(data: BenchData, campaign: Campaign, total: int, weights: dict[str, int]) -> None:
    builder = data.builder
    while (missing := total - Application.objects.filter(campaign=campaign).count()) > 0:
        with transaction.atomic():
            organisations = builder.create_organisations(
                [builder.plan_organisation() for _ in range(max(1, math.ceil(missing / 2.6)))]
            )
            registrations = builder.register(campaign, organisations)
            plans = builder.plan_applications(
                campaign, registrations, target=missing, weights=weights
            )
            builder.create_applications(plans)
            data.numbering.flush()


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, f"{url}: HTTP {response.status_code}"
    return len(captured)


def dashboard_study(
    data: BenchData, ctx: BenchContext, options: StudyOptions, say: Say
) -> StudyResult:
    assert data.campaign is not None
    current = data.campaign
    staff = ctx.clients["staff"]
    url = reverse("dashboards:staff")
    started = time.monotonic()
    _grow_year(data, current, PER_YEAR, CURRENT_STATE_WEIGHTS)  # 10,000 by default
    tallies.rebuild()  # the generator's bulk inserts bypass the signals that keep them
    with override_settings(XINBAN_DASHBOARD_CACHE_SECONDS=0):
        one_year = _queries(staff, url)
    # Past years: the same organisations took part before (as in the demo data).
    known = list(Organisation.objects.filter(pk__in=list(data.builder.plans)).order_by("pk"))
    for year in range(current.year - YEARS + 1, current.year):
        with transaction.atomic():
            campaign = data.builder.campaign(year, open_now=False)
            registrations = data.builder.register(campaign, known)
            plans = data.builder.plan_applications(
                campaign, registrations, target=PER_YEAR, weights=PAST_STATE_WEIGHTS
            )
            data.builder.create_applications(plans)
            data.numbering.flush()
    tallies.rebuild()
    years = Campaign.objects.filter(applications__isnull=False).distinct().count()
    say(
        f"seeded {YEARS - 1} past years: {Application.objects.count()} applications over "
        f"{years} years in {time.monotonic() - started:.1f}s"
    )
    requests, warmup = options.ranking_requests, options.warmup
    cached = measure_pages(ctx, requests=requests, warmup=warmup, pages=PAGES)
    with override_settings(XINBAN_DASHBOARD_CACHE_SECONDS=0):
        five_years = _queries(staff, url)
        uncached = measure_pages(ctx, requests=requests, warmup=warmup, pages=PAGES)
    for name, result in cached.items():
        say(_timing_line(name, PER_YEAR * YEARS, result))
    for name, result in uncached.items():
        if not name.startswith(BASELINE):
            say(_timing_line(name + "_uncached", PER_YEAR * YEARS, result))
    figures = [
        _ratio(
            f"{page.name}{kind}_vs_{BASELINE}",
            results.get(page.name),
            results.get(baseline_name(page.persona)),
            TARGET,
        )
        for kind, results in (("", cached), ("_uncached", uncached))
        for page in PAGES
    ]
    lines = []
    lines.append(f"dashboard_staff_queries_uncached 1y={one_year} {years}y={five_years}")
    missed = [] if one_year == five_years else ["dashboard_staff_queries_uncached"]
    return StudyResult(figures=figures, lines=lines, missed=missed)


STUDIES = [dashboard_study]

__all__ = ["STUDIES", "Figure"]
