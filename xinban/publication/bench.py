"""Benchmarks of publication, run by ``manage.py bench`` (issue 5).

* ``public_pages_study``: the public results page and the case-library search over
  5 years × 5,000 published experiences, each against the minimal view (anonymous).
* ``certificates_study``: the certificate batch task for 1,000 certificates — median
  milliseconds per certificate and the peak memory (tracemalloc) of the batch.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from decimal import Decimal
from urllib.parse import urlencode

from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign, TeamType
from xinban.core.fonts import register_cjk_font
from xinban.ops.management.commands.bench import (
    BASELINE,
    BenchContext,
    BenchData,
    Page,
    Say,
    StudyOptions,
    StudyResult,
    _ratio,
    _timing_line,
    baseline_name,
    measure_pages,
)
from xinban.organisations.models import Organisation, RecommendingUnit, UnitKind
from xinban.publication import tasks as certificate_tasks
from xinban.publication.models import CaseEntry, Certificate, Level
from xinban.publication.selectors import search_text_of
from xinban.tasks.api import task_id
from xinban.tasks.models import Task
from xinban.tasks.testing import drain

YEARS = 5
PER_YEAR = 5000
CERTIFICATES = 1000
PERSONA = "anonymous"
WORDS = ("数字化", "质量改进", "精益", "标准化作业", "安全生产", "客户满意", "降本增效")
SEARCH = "质量改进"
RARE = "航天"  # two characters in one experience of 997: the index, not a scan, finds them
PAGES = [
    Page("public_results", PERSONA, lambda ctx: reverse("publication:results")),
    Page(
        "case_search",
        PERSONA,
        lambda ctx: reverse("publication:cases") + "?" + urlencode({"q": SEARCH}),
    ),
    Page(
        "case_search_2chars",
        PERSONA,
        lambda ctx: reverse("publication:cases") + "?" + urlencode({"q": "精益"}),
    ),
    Page(
        "case_search_rare_2chars",
        PERSONA,
        lambda ctx: reverse("publication:cases") + "?" + urlencode({"q": RARE}),
    ),
]


def _seed(year_from: int) -> list[int]:
    """5 published years of 5,000 experiences each; returns the campaign ids."""
    unit = RecommendingUnit.objects.create(name="基准测试发布单位", kind=UnitKind.GROUP)
    team_type = TeamType.objects.filter(active=True).order_by("position").first()
    campaign_ids = []
    serial = 0
    for year in range(year_from, year_from + YEARS):
        with transaction.atomic():
            campaign = Campaign.objects.create(
                year=year, title=f"{year}年基准", results_published=True
            )
            campaign_ids.append(campaign.pk)
            organisations = Organisation.objects.bulk_create(
                [
                    Organisation(
                        name=f"上海基准发布{serial + n:06d}号有限公司",
                        short_name=f"发布{serial + n:06d}",
                    )
                    for n in range(PER_YEAR)
                ],
                batch_size=1000,
            )
            applications = Application.objects.bulk_create(
                [
                    Application(
                        campaign=campaign,
                        organisation=org,
                        recommending_unit=unit,
                        number=f"{year}{n + 1:05d}",
                        state=ApplicationState.SELECTED,
                        team_name=f"质控{n % 97 + 1}组",
                        team_type=team_type,
                        team_size=12,
                        completion_rate=Decimal("98.00"),
                        accidents_per_year=0,
                        submitted_at=timezone.now(),
                    )
                    for n, org in enumerate(organisations)
                ],
                batch_size=1000,
            )
            entries = []
            for n, (org, app) in enumerate(zip(organisations, applications, strict=True)):
                words = f"{WORDS[n % len(WORDS)]}、{WORDS[(n * 3) % len(WORDS)]}"
                rare = f"为{RARE}配套产品" if n % 997 == 0 else ""
                summary = f"班组围绕{words}开展{rare}活动，一次合格率提升到百分之九十九。"
                entries.append(
                    CaseEntry(
                        application=app,
                        year=year,
                        level=Level.SELECTED if n % 10 else Level.TYPICAL,
                        organisation_name=org.name,
                        team_name=app.team_name,
                        unit_name=unit.name,
                        domain=("制造", "服务", "建筑", "卫生", "其他")[n % 5],
                        industries="汽车",
                        summary=summary,
                        search_text=search_text_of(org.name, app.team_name, unit.name, summary),
                    )
                )
            CaseEntry.objects.bulk_create(entries, batch_size=1000)
        serial += PER_YEAR
    if connection.vendor == "postgresql":
        # A library published years ago has been vacuumed and has its statistics
        # (autovacuum does both a minute after a publication); without them the planner
        # guesses every search matches 0.5% of the entries.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE publication_caseentry")
    return campaign_ids


def public_pages_study(
    data: BenchData, ctx: BenchContext, options: StudyOptions, say: Say
) -> StudyResult:
    started = time.monotonic()
    campaign_ids = _seed(1990)
    say(
        f"seeded {CaseEntry.objects.count()} published experiences over {YEARS} years "
        f"in {time.monotonic() - started:.1f}s"
    )
    ctx.clients.setdefault(PERSONA, Client())
    results = measure_pages(
        ctx, requests=options.ranking_requests, warmup=options.warmup, pages=PAGES
    )
    for name, result in results.items():
        say(_timing_line(name, YEARS * PER_YEAR, result))
    baseline = results.get(baseline_name(PERSONA))
    study = StudyResult(
        figures=[
            _ratio(f"{page.name}_vs_{BASELINE}", results.get(page.name), baseline, 3)
            for page in PAGES
        ]
    )
    data.publication_campaign_id = campaign_ids[-1]  # type: ignore[attr-defined]
    return study


def _batch(campaign_id: int, *, traced: bool) -> tuple[list[float], float, float, str]:
    """One certificate batch of the year from scratch: (seconds per certificate, peak
    bytes traced or 0, wall seconds, the task's final state)."""

    for certificate in Certificate.objects.filter(application__campaign_id=campaign_id):
        certificate.pdf.delete(save=False)
    Certificate.objects.filter(application__campaign_id=campaign_id).delete()
    task = Task.objects.get(
        pk=task_id(certificate_tasks.certificates.enqueue(campaign_id=campaign_id))
    )
    timings: list[float] = []
    original = certificate_tasks.certificate_file

    def timed(certificate):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        result = original(certificate)
        timings.append(time.perf_counter() - started)
        return result

    certificate_tasks.certificate_file = timed  # type: ignore[assignment]
    peak = 0
    if traced:
        tracemalloc.start()
    started = time.monotonic()
    try:
        drain()
    finally:
        certificate_tasks.certificate_file = original  # type: ignore[assignment]
        if traced:
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    task.refresh_from_db()
    return timings, peak, time.monotonic() - started, task.state


def certificates_study(
    data: BenchData, ctx: BenchContext, options: StudyOptions, say: Say
) -> StudyResult:
    """The time per certificate is measured without tracemalloc (which slows Python
    several times over); the peak memory in a second, traced batch of the same size. The
    CJK font is loaded before either: a worker loads it once for its lifetime."""
    del ctx, options
    campaign_id = getattr(data, "publication_campaign_id", None)
    if campaign_id is None:
        return StudyResult(lines=["certificates skipped (no published year)"])
    # A batch of exactly CERTIFICATES: trim the year's entries to that many.
    keep = list(
        CaseEntry.objects.filter(application__campaign_id=campaign_id)
        .order_by("pk")
        .values_list("pk", flat=True)[:CERTIFICATES]
    )
    CaseEntry.objects.filter(application__campaign_id=campaign_id).exclude(pk__in=keep).delete()
    register_cjk_font()
    timings, _peak, wall, state = _batch(campaign_id, traced=False)
    median_ms = statistics.median(timings) * 1000 if timings else float("nan")
    say(
        f"certificates batch of {len(timings)} in {wall:.1f}s (state {state}): "
        f"median {median_ms:.1f} ms per certificate"
    )
    traced_timings, peak, traced_wall, traced_state = _batch(campaign_id, traced=True)
    peak_mb = peak / 1024 / 1024
    say(
        f"traced batch of {len(traced_timings)} in {traced_wall:.1f}s (state {traced_state}): "
        f"peak memory {peak_mb:.1f} MB"
    )
    study = StudyResult(
        lines=[
            f"certificate_ms median={median_ms:.1f} n={len(timings)}",
            f"certificate_batch_peak_mb {peak_mb:.1f} (tracemalloc, batch of {CERTIFICATES})",
        ]
    )
    ok = {len(timings), len(traced_timings)} == {CERTIFICATES} and {state, traced_state} == {"done"}
    if not ok:
        study.missed.append("certificates_batch")
    return study


STUDIES = [public_pages_study, certificates_study]
