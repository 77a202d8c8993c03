"""Benchmarks of a recommending unit's ranking page and of its 附件5 export, run by
``manage.py bench`` (issue 3, issue 16).

``ranking_study``: the unit's ranking page (``recommendation:ranking``) as the unit's
admin, with ``--ranking-sizes`` (default 500 and 5,000) submitted applications in one
unit, each scored by the same 5 judges on the rubric's 6 criteria, against the minimal
view of the same persona at the largest size — as served, and computed from scratch
(every cache emptied) — and its query count at every size, which must not change::

    ranking_vs_minimal ratio=R target<=3
    ranking_uncached_vs_minimal ratio=R target<=5
    ranking_queries 500=N 5000=N

``form5_study`` (run first): the 附件5 export (``recommendation_form_xlsx``) of
``--form5-rows`` (default 500) recommended rows against writing the same cell values with
openpyxl directly (a plain workbook, no styles, no merges), both timed in this run::

    form5_xlsx_vs_openpyxl ratio=R target<=2
"""

from __future__ import annotations

import gc
import io
import random
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from xinban.accounts.models import User
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import TeamType
from xinban.ops.benchmarking.scoring import ScoredSheets, bench_judges
from xinban.ops.demo_data import (
    CONFORMITY_TEXTS,
    FEATURE_TEXTS,
    OPINIONS,
    SHORTCOMING_TEXTS,
)
from xinban.ops.management.commands.bench import (
    BASELINE,
    SEED,
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
    logged_in,
    measure_pages,
)
from xinban.organisations.models import (
    Organisation,
    RecommendingUnit,
    UnitKind,
    UnitMembership,
    UnitRole,
)
from xinban.recommendation import selectors
from xinban.recommendation.documents import (
    JudgeRow,
    RecommendationFormData,
    RecommendedRow,
    recommendation_form_xlsx,
)
from xinban.recommendation.models import PanelMember, Recommendation, UnitRecommendationReport
from xinban.scoring.models import SheetStatus, Stage

# The unit's ranking page (issue 3): every submitted application of one unit, scored by
# the same judges on every criterion, aggregated and ranked by xinban.scoring.aggregation.

RANKING_JUDGES = 5
RANKING_PER_ORGANISATION = 3  # the campaign's limit of applications per organisation
RANKING_PERSONA = "ranking_admin"
RANKING_PAGE = Page(
    "ranking",
    RANKING_PERSONA,
    lambda ctx: reverse("recommendation:ranking", args=[ctx.ranking_unit_pk]),
)


class RankingData:
    """A recommending unit of its own (no other application chooses it), its admin, a
    panel of :data:`RANKING_JUDGES` judges and the campaign's unit rubric; :meth:`grow_to`
    adds submitted applications, each with a submitted sheet (total as ``sheet_save``
    computes it) of every judge and a score for every criterion, with ``bulk_create``.
    The unit's draft report has a few recommendations, as while a unit ranks."""

    def __init__(self, data: BenchData) -> None:
        assert data.campaign is not None
        self.data = data
        self.campaign = data.campaign
        self.rng = random.Random(SEED + 1)
        with transaction.atomic():
            self.unit = RecommendingUnit.objects.create(
                name="基准测试推荐单位", kind=UnitKind.GROUP
            )
            self.admin = User.objects.create(email="ranking@bench.invalid", name="排序单位管理员")
            UnitMembership.objects.create(unit=self.unit, user=self.admin, role=UnitRole.ADMIN)
            self.judges = bench_judges(
                RANKING_JUDGES,
                name="评委",
                tgq="TGQ2023",
                address="上海市徐汇区漕溪北路1号",
                email="judge",
                mobile="1391234",
            )
            PanelMember.objects.bulk_create(
                [PanelMember(unit=self.unit, judge=judge) for judge in self.judges]
            )
            self.scored = ScoredSheets(self.campaign, Stage.UNIT, self.rng)
            self.criteria = self.scored.criteria
            self.report = UnitRecommendationReport.objects.create(
                unit=self.unit, campaign=self.campaign
            )
        self.types = list(TeamType.objects.filter(active=True).order_by("position", "id"))
        self.types = self.types[:RANKING_PER_ORGANISATION]
        self.organisations = 0

    def count(self) -> int:
        return Application.objects.filter(recommending_unit=self.unit).count()

    def grow_to(self, total: int) -> None:
        missing = total - self.count()
        if missing <= 0:
            return
        rng, year, now = self.rng, self.campaign.year, timezone.now()
        per = len(self.types)
        with transaction.atomic():
            organisations = Organisation.objects.bulk_create(
                [
                    Organisation(
                        name=f"上海基准排序{n:05d}号有限公司", short_name=f"基准排序{n:05d}"
                    )
                    for n in range(
                        self.organisations + 1, self.organisations + 1 + -(-missing // per)
                    )
                ],
                batch_size=1000,
            )
            self.organisations += len(organisations)
            applications = []
            for i in range(missing):
                organisation = organisations[i // per]
                applications.append(
                    Application(
                        campaign=self.campaign,
                        organisation=organisation,
                        recommending_unit=self.unit,
                        number=self.data.numbering(year),
                        state=ApplicationState.SUBMITTED,
                        version=2,
                        team_name=f"质检{i % 97 + 1}班",
                        team_type=self.types[i % per],
                        team_size=rng.randint(6, 30),
                        completion_rate=Decimal("98.50"),
                        accidents_per_year=0,
                        organisation_snapshot={
                            "name": organisation.name,
                            "short_name": organisation.short_name,
                        },
                        submitted_at=now - timedelta(minutes=rng.randint(60, 40_000)),
                    )
                )
            Application.objects.bulk_create(applications, batch_size=1000)
            self.data.numbering.flush()
            for application in applications:
                quality = rng.uniform(0.6, 0.95)
                for judge in self.judges:
                    self.scored.add(
                        quality,
                        application=application,
                        judge=judge,
                        stage=Stage.UNIT,
                        status=SheetStatus.SUBMITTED,
                        conformity="基本符合准则要求。",
                        features="标准化作业扎实。",
                        shortcomings="改进成果的数据对比不足。",
                        submitted_at=now,
                    )
            self.scored.save()
            if not self.report.recommendations.exists():
                Recommendation.objects.bulk_create(
                    [
                        Recommendation(
                            report=self.report,
                            application=application,
                            opinion="同意推荐。",
                            position=position,
                            created_by=self.admin,
                        )
                        for position, application in enumerate(applications[: 3 * per : per], 1)
                    ]
                )


def ranking_study(
    data: BenchData, ctx: BenchContext, options: StudyOptions, say: Say
) -> StudyResult:
    """The ranking page at each of ``ranking_sizes``: its median against the minimal
    view (same persona) at the largest size, and its query count at every size."""
    ranking = RankingData(data)
    ctx.ranking_unit_pk = ranking.unit.pk
    ctx.clients[RANKING_PERSONA] = logged_in(ranking.admin)
    results: dict[int, dict[str, Result]] = {}
    for size in options.ranking_sizes:
        seeding = time.monotonic()
        ranking.grow_to(size)
        say(
            f"seeded {ranking.count()} applications x {RANKING_JUDGES} judges x "
            f"{len(ranking.criteria)} criteria in one unit in {time.monotonic() - seeding:.1f}s"
        )
        results[size] = measure_pages(
            ctx, requests=options.ranking_requests, warmup=options.warmup, pages=[RANKING_PAGE]
        )
        for name, result in results[size].items():
            say(_timing_line(name, size, result))
    largest = results[max(results)]
    cold = cold_page(
        ctx,
        RANKING_PAGE,
        requests=options.ranking_requests,
        warmup=options.warmup,
        empty=selectors._RANKINGS.clear,
    )
    for name, result in cold.items():
        say(_timing_line(name, max(options.ranking_sizes), result))
    study = StudyResult(
        figures=[
            _ratio(
                f"{RANKING_PAGE.name}_vs_{BASELINE}",
                largest.get(RANKING_PAGE.name),
                largest.get(baseline_name(RANKING_PERSONA)),
                3,
            ),
            _ratio(
                f"{RANKING_PAGE.name}_uncached_vs_{BASELINE}",
                cold.get(RANKING_PAGE.name + "_uncached"),
                cold.get(baseline_name(RANKING_PERSONA)),
                UNCACHED_RANKING_TARGET,
            ),
        ]
    )
    counts = [results[size].get(RANKING_PAGE.name) for size in options.ranking_sizes]
    timings = [c for c in counts if isinstance(c, Timing)]
    if len(timings) == len(counts):
        study.lines.append(
            f"{RANKING_PAGE.name}_queries "
            + " ".join(
                f"{s}={t.queries}" for s, t in zip(options.ranking_sizes, timings, strict=True)
            )
        )
        if len({t.queries for t in timings}) > 1:
            study.missed.append(f"{RANKING_PAGE.name}_queries")
    else:
        reasons = {c.reason for c in counts if isinstance(c, Skipped)}
        study.lines.append(f"{RANKING_PAGE.name}_queries skipped ({'; '.join(sorted(reasons))})")
    return study


# 附件5 as Excel (issue 3): the platform's writer against openpyxl writing the same values.


def form5_data(rows: int) -> RecommendationFormData:
    """A unit's 附件5 with ``rows`` recommended teams, each evaluated by five of the
    panel's seven judges (the three texts joined per judge, as the selector does)."""
    rng = random.Random(SEED + 2)
    judges = [
        JudgeRow(
            name=f"评委{i}",
            employer=rng.choice(("上海质量管理科学研究院", "同济大学经济与管理学院")),
            tgq_number=f"TGQ2023{i:04d}",
            address=f"上海市浦东新区张江路{100 + i}号",
            email=f"judge{i}@example.com",
            mobile=f"1391234{i:04d}",
        )
        for i in range(1, 8)
    ]
    values = {
        "strength": "质量改进",
        "weak": "班组文化建设",
        "feature": "一岗一标、一日一查",
        "topic": "降低焊接返修率",
        "motto": "把每一道工序做成精品",
    }

    def joined(texts: Sequence[str], names: Sequence[str]) -> str:
        return "；".join(f"{name}：{rng.choice(texts).format(**values)}" for name in names)

    conformity = [t for band in CONFORMITY_TEXTS.values() for t in band]
    recommended = []
    for position in range(1, rows + 1):
        names = sorted(rng.sample([j.name for j in judges], 5))
        recommended.append(
            RecommendedRow(
                enterprise=f"上海浦江第{position}精密机械股份有限公司",
                team=f"总装{position}班",
                team_size=rng.randint(6, 30),
                conformity=joined(conformity, names),
                features=joined(FEATURE_TEXTS, names),
                shortcomings=joined(SHORTCOMING_TEXTS, names),
                score=f"{rng.uniform(70, 95):.2f}",
                rank=position,
                judges="、".join(names),
                opinion=rng.choice(OPINIONS).format(**values),
            )
        )
    return RecommendationFormData(
        year=timezone.localdate().year,
        unit="浦东新区",
        rows=recommended,
        judges=judges,
        filler_name="张立明",
        filler_phone="021-58881234",
        fill_date=timezone.localdate().isoformat(),
    )


def workbook_cells(content: bytes) -> list[tuple[int, int, Any]]:
    """(row, column, value) of every cell with a value in the workbook's first sheet."""
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [
        (cell.row, cell.column, cell.value)
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def plain_workbook(cells: Sequence[tuple[int, int, Any]]) -> bytes:
    """The same values written with openpyxl directly: a plain workbook, no styles."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row, column, value in cells:
        sheet.cell(row=row, column=column, value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def form5_study(
    data: BenchData,
    ctx: BenchContext,
    options: StudyOptions,
    say: Say,
    clock: Callable[[], float] = time.thread_time,
) -> StudyResult:
    """``recommendation_form_xlsx`` for ``form5_rows`` rows against :func:`plain_workbook`
    of the cells it wrote, medians of ``form5_repeats`` interleaved runs (CPU time)."""
    name = "form5_xlsx_vs_openpyxl"
    form = form5_data(options.form5_rows)
    try:
        cells = workbook_cells(recommendation_form_xlsx(form))
    except Exception as exc:  # the export being rewritten must not stop the benchmark
        return StudyResult(figures=[Figure(name, None, 2, f"{type(exc).__name__}: {exc}"[:80])])
    runs: dict[str, Callable[[], bytes]] = {
        "form5_xlsx": lambda: recommendation_form_xlsx(form),
        "form5_openpyxl": lambda: plain_workbook(cells),
    }
    for run in runs.values():  # warm up
        run()
    samples: dict[str, list[float]] = {key: [] for key in runs}
    gc.collect()
    for repeat in range(max(1, options.form5_repeats)):
        order = list(runs) if repeat % 2 == 0 else list(reversed(runs))
        for key in order:
            started = clock()
            runs[key]()
            samples[key].append(clock() - started)
    medians = {key: statistics.median(values) * 1000 for key, values in samples.items()}
    for key, median in medians.items():
        say(f"  {key}@{options.form5_rows} median={median:.2f}ms cells={len(cells)}")
    ratio = medians["form5_xlsx"] / max(medians["form5_openpyxl"], 1e-6)
    return StudyResult(figures=[Figure(name, ratio, 2)])


# 附件5 first: the order in which the bench prints its lines.
STUDIES = [form5_study, ranking_study]
