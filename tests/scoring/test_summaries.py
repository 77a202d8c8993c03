"""ScoreSummary (xinban.scoring.summaries) stays equal to aggregating the sheets from
scratch whatever happens to them — submitted, reopened, withdrawn, written in bulk —
and the rankings read from it are the engine's, bit for bit."""

from __future__ import annotations

import itertools
import random
from decimal import Decimal
from typing import Any, cast

import pytest
from django.core.paginator import Paginator
from django.utils import timezone

from tests.recommendation.conftest import make_judge
from tests.recommendation.factories import make_application, score
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign, TeamType
from xinban.evaluation import selectors as evaluation_selectors
from xinban.organisations.models import Organisation, RecommendingUnit
from xinban.recommendation import selectors as recommendation_selectors
from xinban.recommendation import services as recommendation_services
from xinban.scoring import aggregation, summaries
from xinban.scoring.models import Judge, ScoreSheet, ScoreSummary, SheetStatus, Stage
from xinban.scoring.selectors import TOTAL_SCALE, total_summaries

pytestmark = pytest.mark.django_db

_serial = itertools.count(1)
# Few distinct totals: ties, trimmed means (five judges or more) and disagreements.
TOTALS = [Decimal(t) for t in ("60", "71.5", "72.25", "80", "80.125", "88.8", "95", "99.999")]


def applications(
    campaign: Campaign, unit: RecommendingUnit, state: str, count: int
) -> list[Application]:
    team_type = TeamType.objects.order_by("position").first()
    assert team_type is not None
    made = []
    for _ in range(count):
        n = next(_serial)
        organisation = Organisation.objects.create(
            name=f"上海汇总{n}号有限公司", short_name=f"汇总{n}"
        )
        made.append(
            Application.objects.create(
                campaign=campaign,
                organisation=organisation,
                recommending_unit=unit,
                number=f"{campaign.year}{n:05d}",
                state=state,
                team_name=f"质检{n}班",
                team_type=team_type,
                team_size=12,
                completion_rate=Decimal("98.50"),
                accidents_per_year=0,
                # Two domains, by number: the experts rank within each.
                organisation_snapshot={
                    "name": organisation.name,
                    "domain": ("制造", "服务")[n % 2],
                },
                submitted_at=timezone.now(),
            )
        )
    return made


def judges(count: int) -> list[Judge]:
    return [
        Judge.objects.create(
            name=f"汇总评委{i}", employer="上海质量研究院", email=f"s{i}@example.com", mobile="1"
        )
        for i in range(count)
    ]


def from_scratch() -> dict[tuple[int, str], tuple[Any, ...]]:
    """Every summary as the sheets give it now: the database's GROUP BY of the counted
    totals (each expert's latest round) and the engine over the sheets themselves."""
    expected: dict[tuple[int, str], tuple[Any, ...]] = {}
    for stage in Stage.values:
        submitted = ScoreSheet.objects.filter(stage=stage, status=SheetStatus.SUBMITTED)
        latest: dict[tuple[int, int], tuple[int, Decimal | None]] = {}
        for app_id, judge_id, round_no, total in submitted.values_list(
            "application_id", "judge_id", "round", "total"
        ):
            # Every unit sheet counts (one round); each expert's latest round counts.
            if (app_id, judge_id) not in latest or latest[(app_id, judge_id)][0] < round_no:
                latest[(app_id, judge_id)] = (round_no, total)
        sheets = [
            aggregation.JudgeScore(judge_id=j, application_id=a, total=cast(Decimal, t))
            for (a, j), (_r, t) in latest.items()
        ]
        results = aggregation.evaluate(sheets, groups={s.application_id: "g" for s in sheets})
        sums = total_summaries(submitted) if stage == Stage.UNIT else {}
        for r in results:
            figures: tuple[Any, ...] = (
                r.judges,
                aggregation.round_display(r.score),
                aggregation.round_display(r.raw_mean),
                r.flagged,
            )
            if r.application_id in sums:  # the database's sums (every unit sheet counts)
                s = sums[r.application_id]
                figures += (s.n, s.total, s.low, s.high, s.squares)
            expected[(r.application_id, stage)] = figures
    return expected


def kept() -> dict[tuple[int, str], tuple[Any, ...]]:
    out: dict[tuple[int, str], tuple[Any, ...]] = {}
    for s in ScoreSummary.objects.all():
        figures: tuple[Any, ...] = (s.n, summaries.shown(s.score), summaries.shown(s.raw_mean))
        figures += (s.flagged,)
        if s.stage == Stage.UNIT:
            figures += (s.n, s.total, s.low, s.high, s.squares)
        out[(s.application_id, s.stage)] = figures
    return out


def reference_unit_ranking(
    unit: RecommendingUnit, campaign: Campaign
) -> list[recommendation_selectors.RankEntry]:
    """The unit's ranking as the engine computes it from every submitted sheet."""
    apps = Application.objects.filter(
        recommending_unit=unit,
        campaign=campaign,
        state__in=recommendation_selectors.RANKABLE_STATES,
    )
    numbers = dict(apps.values_list("pk", "number"))
    sheets = ScoreSheet.objects.filter(
        application__in=apps, stage=Stage.UNIT, status=SheetStatus.SUBMITTED
    ).values_list("application_id", "judge_id", "total")
    results = aggregation.evaluate(
        [
            aggregation.JudgeScore(judge_id=j, application_id=a, total=cast(Decimal, t))
            for a, j, t in sheets
        ],
        groups=dict.fromkeys(numbers, "unit"),
        tiebreaks={pk: (number,) for pk, number in numbers.items()},
    )
    return [
        recommendation_selectors.RankEntry(
            application_id=r.application_id,
            score=aggregation.round_display(r.score),
            raw_mean=aggregation.round_display(r.raw_mean),
            judges=r.judges,
            flagged=r.flagged,
            rank=r.rank,
        )
        for r in results
    ]


def reference_expert_ranking(campaign: Campaign) -> list[evaluation_selectors.ExpertRankEntry]:
    """The experts' ranking as the engine computes it from each expert's latest sheet."""
    domains, numbers = evaluation_selectors._ranking_domains(campaign)
    latest: dict[tuple[int, int], tuple[int, Decimal | None]] = {}
    for app_id, judge_id, round_no, total in ScoreSheet.objects.filter(
        stage=Stage.EXPERT, status=SheetStatus.SUBMITTED, application_id__in=domains
    ).values_list("application_id", "judge_id", "round", "total"):
        if (app_id, judge_id) not in latest or latest[(app_id, judge_id)][0] < round_no:
            latest[(app_id, judge_id)] = (round_no, total)
    results = aggregation.evaluate(
        [
            aggregation.JudgeScore(judge_id=j, application_id=a, total=cast(Decimal, t))
            for (a, j), (_r, t) in latest.items()
        ],
        groups=domains,
        tiebreaks={pk: (number,) for pk, number in numbers.items()},
    )
    return evaluation_selectors._expert_entries(results)


@pytest.mark.parametrize("seed", range(6))
def test_summaries_equal_a_from_scratch_aggregation_after_random_changes(
    seed: int, campaign: Campaign, unit_x: RecommendingUnit
) -> None:
    rng = random.Random(seed)
    unit_apps = applications(campaign, unit_x, ApplicationState.SUBMITTED, 5)
    expert_apps = applications(campaign, unit_x, ApplicationState.EXPERT_REVIEW, 5)
    panel = judges(7)

    def some_sheet(**filters: Any) -> ScoreSheet | None:
        found = list(ScoreSheet.objects.filter(**filters))
        return rng.choice(found) if found else None

    for _step in range(45):
        stage = rng.choice(Stage.values)
        app = rng.choice(unit_apps if stage == Stage.UNIT else expert_apps)
        judge = rng.choice(panel)
        round_no = rng.choice((1, 2)) if stage == Stage.EXPERT else 1
        op = rng.choice(("submit", "submit", "reopen", "withdraw", "bulk", "update", "assign"))
        existing = ScoreSheet.objects.filter(
            application=app, judge=judge, stage=stage, round=round_no
        ).first()
        if op in ("submit", "assign"):  # one sheet saved through the model
            sheet = existing or ScoreSheet(
                application=app, judge=judge, stage=stage, round=round_no
            )
            if op == "submit":
                sheet.status, sheet.total = SheetStatus.SUBMITTED, rng.choice(TOTALS)
            elif sheet.status != SheetStatus.SUBMITTED:
                sheet.status = SheetStatus.ASSIGNED
            sheet.save()
        elif op == "reopen" and (picked := some_sheet(status=SheetStatus.SUBMITTED)):
            picked.status, picked.total = SheetStatus.DRAFT, None
            picked.save()
        elif op == "withdraw" and (picked := some_sheet()):
            if rng.random() < 0.5:
                picked.delete()
            else:
                ScoreSheet.objects.filter(pk=picked.pk).delete()
        elif op == "bulk" and existing is None:
            ScoreSheet.objects.bulk_create(
                [
                    ScoreSheet(
                        application=app,
                        judge=judge,
                        stage=stage,
                        round=round_no,
                        status=SheetStatus.SUBMITTED,
                        total=rng.choice(TOTALS),
                    )
                ]
            )
        elif op == "update" and (picked := some_sheet()):
            if picked.status == SheetStatus.SUBMITTED:
                ScoreSheet.objects.filter(pk=picked.pk).update(status=SheetStatus.DRAFT, total=None)
            else:
                ScoreSheet.objects.filter(pk=picked.pk).update(
                    status=SheetStatus.SUBMITTED, total=rng.choice(TOTALS)
                )
        assert kept() == from_scratch(), f"seed {seed}, after {op}"

    # The rankings read from the summaries are the engine's, page by page.
    reference = reference_unit_ranking(unit_x, campaign)
    ranking = recommendation_selectors.unit_rank_entries(
        unit=unit_x, campaign=campaign, normalise=False
    )
    assert list(ranking) == reference
    paginator = Paginator(
        recommendation_selectors.unit_rank_entries(unit=unit_x, campaign=campaign, normalise=False),
        2,
    )
    assert [e for n in paginator.page_range for e in paginator.page(n).object_list] == reference
    assert evaluation_selectors.expert_rank_entries(
        campaign=campaign, normalise=False
    ) == reference_expert_ranking(campaign)


def test_ties_across_pages_keep_their_shared_rank(
    campaign: Campaign, unit_x: RecommendingUnit
) -> None:
    """Five applications with the same score: a page starting inside the tie still gives
    them the tie's rank (1), and the next score its competition rank (6)."""
    apps = applications(campaign, unit_x, ApplicationState.SUBMITTED, 7)
    panel = judges(2)
    for app in apps[:5]:
        for judge in panel:
            ScoreSheet.objects.create(
                application=app,
                judge=judge,
                stage=Stage.UNIT,
                status=SheetStatus.SUBMITTED,
                total=Decimal("80"),
            )
    ScoreSheet.objects.create(
        application=apps[5],
        judge=panel[0],
        stage=Stage.UNIT,
        status=SheetStatus.SUBMITTED,
        total=Decimal("70"),
    )
    ranking = recommendation_selectors.unit_rank_entries(
        unit=unit_x, campaign=campaign, normalise=False
    )
    assert len(ranking) == 7
    assert [e.rank for e in ranking[3:7]] == [1, 1, 6, None]
    assert ranking[-1].application_id == apps[6].pk and ranking[-1].judges == 0
    assert [e.rank for e in ranking] == [e.rank for e in reference_unit_ranking(unit_x, campaign)]


def test_a_submission_through_the_service_updates_the_summary_in_its_transaction(
    campaign: Campaign, unit_x: RecommendingUnit, org_a: Any, unit_x_admin: Any
) -> None:
    application = make_application(organisation=org_a, unit=unit_x, campaign=campaign)
    judge = make_judge("summary@example.com", "汇总评委", unit_x)
    sheet = recommendation_services.assignment_add(
        actor=unit_x_admin, application=application, judge=judge
    )
    assert not ScoreSummary.objects.exists()  # assigned: nothing submitted yet
    submitted = score(sheet, share=Decimal("0.8"))
    summary = ScoreSummary.objects.get(application=application, stage=Stage.UNIT)
    assert (summary.n, summary.score, summary.raw_mean, summary.flagged) == (1, 8000, 8000, False)
    assert summary.total == int(submitted.total * 10**TOTAL_SCALE)


def test_rebuild_recomputes_every_summary(campaign: Campaign, unit_x: RecommendingUnit) -> None:
    (app,) = applications(campaign, unit_x, ApplicationState.SUBMITTED, 1)
    for judge, total in zip(judges(3), ("70", "80", "95.5"), strict=True):
        ScoreSheet.objects.create(
            application=app,
            judge=judge,
            stage=Stage.UNIT,
            status=SheetStatus.SUBMITTED,
            total=Decimal(total),
        )
    before = kept()
    ScoreSummary.objects.all().delete()
    summaries.rebuild()
    assert kept() == before == from_scratch()
    assert before[(app.pk, Stage.UNIT)][:4] == (3, Decimal("81.83"), Decimal("81.83"), True)


def test_a_ranking_page_read_again_is_served_until_an_audited_change(
    campaign: Campaign,
    unit_x: RecommendingUnit,
    org_a: Any,
    unit_x_admin: Any,
    django_assert_num_queries: Any,
) -> None:
    """A page of the unit's ranking is kept under the ranking's fingerprint (the newest
    audit entry and the count): read again, it costs the fingerprint's one query; an
    audited change (a sheet submitted through the service) shows at once."""
    apps = applications(campaign, unit_x, ApplicationState.SUBMITTED, 3)
    judge = make_judge("page@example.com", "翻页评委", unit_x)
    sheets = [
        recommendation_services.assignment_add(actor=unit_x_admin, application=a, judge=judge)
        for a in apps
    ]
    score(sheets[0], share=Decimal("0.9"))

    def page() -> list[Any]:
        entries = recommendation_selectors.unit_rank_entries(
            unit=unit_x, campaign=campaign, normalise=False
        )
        return [(e.application_id, e.rank) for e in entries[0:2]]

    first = page()
    assert first[0] == (apps[0].pk, 1)
    with django_assert_num_queries(1):  # the fingerprint only
        assert page() == first
    score(sheets[1], share=Decimal("0.95"))  # audited: the newest audit entry moves
    assert page() == [(apps[1].pk, 1), (apps[0].pk, 2)]
