"""Benchmarks of the association's evaluation, run by ``manage.py bench`` (issue 4).

* ``assignment_study``: automatic assignment of 1,500 applications to 120 experts, three
  each, with random conflicts (xinban.evaluation.bench_assignment) — seconds, and the
  load spread and total preference against the greedy baseline solved in the same run.
* ``domain_ranking_study``: the staff's per-domain ranking page with 1,500 applications
  under review, three submitted expert sheets each, against the minimal view for the same
  persona; its query count at two sizes must be the same.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Domain, TeamType
from xinban.evaluation import bench_assignment, selectors
from xinban.evaluation.models import ExpertPanelMember
from xinban.ops.benchmarking.scoring import ScoredSheets, bench_judges
from xinban.ops.management.commands.bench import (
    BASELINE,
    UNCACHED_RANKING_TARGET,
    BenchContext,
    BenchData,
    Figure,
    Page,
    Result,
    Say,
    Skipped,
    StudyOptions,
    StudyResult,
    Timing,
    _ratio,
    _timing_line,
    baseline_name,
    cold_page,
    measure_pages,
)
from xinban.organisations.models import Organisation, RecommendingUnit, UnitKind
from xinban.scoring.models import SheetStatus, Stage

RANKING_SIZES = (500, 1500)
EXPERTS = 120
PER_APPLICATION = 3
PAGE = Page("domain_ranking", "staff", lambda ctx: reverse("evaluation:ranking"))


def assignment_study(
    data: BenchData, ctx: BenchContext, options: StudyOptions, say: Say
) -> StudyResult:
    del data, ctx, options
    started = time.monotonic()
    figures = bench_assignment.run()
    say(
        f"assignment {figures['applications']} applications x {figures['experts']} experts, "
        f"k={figures['k']}, {figures['conflict_pairs']} conflicting pairs: "
        f"optimiser {figures['optimiser_seconds']}s (cpu {figures['optimiser_cpu_seconds']}s), "
        f"greedy {figures['greedy_seconds']}s; total {time.monotonic() - started:.1f}s"
    )
    spread = float(figures["optimiser_spread"]) / max(float(figures["greedy_spread"]), 1.0)
    # Preference: the greedy's against the optimiser's (at most 1: the optimiser is at
    # least as good).
    preference = float(figures["greedy_preference"]) / max(
        float(figures["optimiser_preference"]), 1.0
    )
    study = StudyResult(
        figures=[
            Figure("assignment_spread_vs_greedy", spread, 1),
            Figure("assignment_greedy_preference_vs_optimiser", preference, 1),
        ],
        lines=[
            f"assignment_seconds optimiser={figures['optimiser_seconds']} "
            f"greedy={figures['greedy_seconds']}",
            f"assignment_spread optimiser={figures['optimiser_spread']} "
            f"greedy={figures['greedy_spread']} (max - min load; "
            f"{figures['experts_with_capacity']} experts have a smaller declared capacity)",
            f"assignment_free_spread optimiser={figures['optimiser_free_spread']} "
            f"greedy={figures['greedy_free_spread']} (among experts below their capacity)",
            f"assignment_industry optimiser={figures['optimiser_industry']} "
            f"greedy={figures['greedy_industry']} (pairs sharing an industry)",
            f"assignment_preference optimiser={figures['optimiser_preference']} "
            f"greedy={figures['greedy_preference']}",
            f"assignment_violations optimiser={figures['optimiser_violations']} "
            f"uncovered={figures['optimiser_uncovered']}",
        ],
    )
    if not figures["at_least_as_good"]:
        study.missed.append("assignment_at_least_as_good")
    return study


class ReviewData:
    """Applications under expert review in the five domains, each with three submitted
    expert sheets (totals as ``sheet_save`` computes them), written with bulk_create."""

    def __init__(self, data: BenchData) -> None:
        assert data.campaign is not None
        self.data = data
        self.campaign = data.campaign
        self.rng = random.Random(20261124)
        self.domains = list(Domain.objects.filter(active=True).order_by("position"))
        self.team_type = TeamType.objects.filter(active=True).order_by("position").first()
        with transaction.atomic():
            self.unit = RecommendingUnit.objects.create(
                name="基准测试专家评审单位", kind=UnitKind.GROUP
            )
            self.experts = bench_judges(
                EXPERTS,
                name="专家",
                tgq="TGQ2024",
                address="上海市长宁区泰安路74号",
                email="expert",
                mobile="1381234",
            )
            ExpertPanelMember.objects.bulk_create(
                [ExpertPanelMember(campaign=self.campaign, judge=j) for j in self.experts]
            )
            self.scored = ScoredSheets(self.campaign, Stage.EXPERT, self.rng)
            self.criteria = self.scored.criteria
        self.made = 0

    def count(self) -> int:
        return self.made

    def grow_to(self, total: int) -> None:
        missing = total - self.made
        if missing <= 0:
            return
        rng, now, year = self.rng, timezone.now(), self.campaign.year
        with transaction.atomic():
            organisations = Organisation.objects.bulk_create(
                [
                    Organisation(
                        name=f"上海专家评审基准{n:05d}号有限公司", short_name=f"评审{n:05d}"
                    )
                    for n in range(self.made + 1, total + 1)
                ],
                batch_size=1000,
            )
            applications = []
            for i, organisation in enumerate(organisations):
                domain = self.domains[(self.made + i) % len(self.domains)]
                applications.append(
                    Application(
                        campaign=self.campaign,
                        organisation=organisation,
                        recommending_unit=self.unit,
                        number=self.data.numbering(year),
                        state=ApplicationState.EXPERT_REVIEW,
                        version=3,
                        team_name=f"质控{i % 89 + 1}组",
                        team_type=self.team_type,
                        team_size=rng.randint(6, 30),
                        completion_rate=Decimal("97.00"),
                        accidents_per_year=0,
                        organisation_snapshot={
                            "name": organisation.name,
                            "short_name": organisation.short_name,
                            "domain": domain.name,
                            "industries": [],
                        },
                        submitted_at=now - timedelta(days=20),
                    )
                )
            Application.objects.bulk_create(applications, batch_size=1000)
            self.data.numbering.flush()
            for n, application in enumerate(applications):
                quality = rng.uniform(0.6, 0.95)
                for j in range(PER_APPLICATION):
                    self.scored.add(
                        quality,
                        application=application,
                        judge=self.experts[(n * PER_APPLICATION + j) % EXPERTS],
                        stage=Stage.EXPERT,
                        round=1,
                        status=SheetStatus.SUBMITTED,
                        submitted_at=now,
                    )
            self.scored.save()
        self.made = total


def domain_ranking_study(
    data: BenchData, ctx: BenchContext, options: StudyOptions, say: Say
) -> StudyResult:
    review = ReviewData(data)
    results: dict[int, dict[str, Result]] = {}
    for size in RANKING_SIZES:
        seeding = time.monotonic()
        review.grow_to(size)
        say(
            f"seeded {review.count()} applications x {PER_APPLICATION} experts x "
            f"{len(review.criteria)} criteria in expert review in "
            f"{time.monotonic() - seeding:.1f}s"
        )
        results[size] = measure_pages(
            ctx, requests=options.ranking_requests, warmup=options.warmup, pages=[PAGE]
        )
        for name, result in results[size].items():
            say(_timing_line(name, size, result))
    largest = results[max(results)]
    study = StudyResult(
        figures=[
            _ratio(
                f"{PAGE.name}_vs_{BASELINE}",
                largest.get(PAGE.name),
                largest.get(baseline_name(PAGE.persona)),
                3,
            )
        ]
    )
    # The first request after a score changes: the ranking computed from scratch.
    cold = cold_page(
        ctx,
        PAGE,
        requests=options.ranking_requests,
        warmup=options.warmup,
        empty=selectors._EXPERT_RANKINGS.clear,
    )
    for name, result in cold.items():
        say(_timing_line(name, max(RANKING_SIZES), result))
    study.figures.append(
        _ratio(
            f"{PAGE.name}_uncached_vs_{BASELINE}",
            cold.get(PAGE.name + "_uncached"),
            cold.get(baseline_name(PAGE.persona)),
            UNCACHED_RANKING_TARGET,
        )
    )
    counts = [results[size].get(PAGE.name) for size in RANKING_SIZES]
    timings = [c for c in counts if isinstance(c, Timing)]
    if len(timings) == len(counts):
        study.lines.append(
            f"{PAGE.name}_queries "
            + " ".join(f"{s}={t.queries}" for s, t in zip(RANKING_SIZES, timings, strict=True))
        )
        if len({t.queries for t in timings}) > 1:
            study.missed.append(f"{PAGE.name}_queries")
    else:
        reasons = {c.reason for c in counts if isinstance(c, Skipped)}
        study.lines.append(f"{PAGE.name}_queries skipped ({'; '.join(sorted(reasons))})")
    return study


STUDIES = [assignment_study, domain_ranking_study]
