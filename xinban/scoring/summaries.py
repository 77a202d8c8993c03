"""Per application and stage, its submitted sheets summed up (``ScoreSummary``), kept in
step with the sheets in the same transaction, so that a ranking reads one row per
application — ranked by the database — instead of aggregating every sheet on every
request (docs/benchmarks.md, "Rankings").

Every write of a sheet refreshes the summary of its application when a submitted sheet
is written or a sheet stops being submitted: ``save()`` and ``delete()`` (services,
imports, fixtures) through the receivers below, ``bulk_create()`` and ``update()`` (the
demo and benchmark generators) through ScoreSheet's queryset
(xinban.scoring.models.ScoreSheetQuerySet), which sends ``sheets_changed_in_bulk``.
:func:`rebuild` recomputes every summary
from the sheets (``manage.py shell``, after a repair by hand).

A summary holds the engine's own results (xinban.scoring.aggregation.evaluate_summaries:
trimmed mean, plain mean, disagreement flag) rounded for display: identical, bit for bit,
to aggregating the sheets from scratch (tests/scoring/test_summaries.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models.signals import post_delete, post_save

from xinban.scoring import aggregation
from xinban.scoring.models import (
    ScoreSheet,
    ScoreSummary,
    SheetStatus,
    Stage,
    sheets_changed_in_bulk,
)

#: Sheet totals are stored in thousandths (ScoreSheet.total, 3 decimal places).
TOTAL_SCALE = 3
#: Summaries' scores are displayed values in hundredths (aggregation.DISPLAY_PLACES).
SCORE_SCALE = aggregation.DISPLAY_PLACES


def hundredths(value: Decimal | None) -> int | None:
    """A result as displayed (round_display), in integer hundredths."""
    shown = aggregation.round_display(value)
    return None if shown is None else int(shown.scaleb(SCORE_SCALE))


_SHOWN: dict[int, Decimal] = {}


def shown(value: int | None) -> Decimal | None:
    """Integer hundredths back to the displayed Decimal (``8550`` → ``Decimal("85.50")``,
    the same value and exponent as round_display gives)."""
    if value is None:
        return None
    cached = _SHOWN.get(value)
    if cached is None:
        cached = Decimal(value).scaleb(-SCORE_SCALE)
        if len(_SHOWN) < 100_000:
            _SHOWN[value] = cached
    return cached


def counted_totals(
    rows: Iterable[tuple[int, int, int, Decimal | None]], stage: str
) -> dict[int, list[int]]:
    """(application, judge, round, total) of submitted sheets → per application the totals
    that count, in thousandths: every sheet in a unit's review, each expert's latest
    round in the association's (as xinban.evaluation.selectors ranks them)."""
    if stage == Stage.EXPERT:
        latest: dict[tuple[int, int], tuple[int, Decimal]] = {}
        for app_id, judge_id, round_no, total in rows:
            pair = (app_id, judge_id)
            if total is not None and (pair not in latest or latest[pair][0] < round_no):
                latest[pair] = (round_no, total)
        chosen = [(a, t) for (a, _j), (_r, t) in latest.items()]
    else:
        chosen = [(a, t) for a, _j, _r, t in rows if t is not None]
    by_app: dict[int, list[int]] = defaultdict(list)
    for app_id, total in chosen:
        by_app[app_id].append(int(Decimal(total).scaleb(TOTAL_SCALE)))
    return by_app


def summaries_of(stage: str, by_app: dict[int, list[int]]) -> list[ScoreSummary]:
    """The summaries of applications' counted totals (thousandths), through the engine."""
    figures = {
        app_id: aggregation.TotalsSummary(
            n=len(totals),
            total=sum(totals),
            low=min(totals),
            high=max(totals),
            squares=sum(v * v for v in totals),
        )
        for app_id, totals in by_app.items()
        if totals
    }
    results = aggregation.evaluate_summaries(
        figures, scale=TOTAL_SCALE, groups={app_id: str(app_id) for app_id in figures}
    )
    made = []
    for result in results:
        summary = figures[result.application_id]
        score, raw_mean = hundredths(result.score), hundredths(result.raw_mean)
        assert score is not None and raw_mean is not None  # at least one total
        made.append(
            ScoreSummary(
                application_id=result.application_id,
                stage=stage,
                n=summary.n,
                total=summary.total,
                low=summary.low,
                high=summary.high,
                squares=summary.squares,
                score=score,
                raw_mean=raw_mean,
                flagged=result.flagged,
            )
        )
    return made


def refresh(application_ids: Iterable[int], stage: str) -> None:
    """Recompute the summaries of these applications in ``stage`` from their sheets (call
    inside the transaction that changed the sheets)."""
    ids = sorted(set(application_ids))
    if not ids:
        return
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = ScoreSheet.objects.filter(
            application_id__in=chunk, stage=stage, status=SheetStatus.SUBMITTED
        ).values_list("application_id", "judge_id", "round", "total")
        by_app = counted_totals(rows, stage)
        ScoreSummary.objects.filter(application_id__in=chunk, stage=stage).delete()
        ScoreSummary.objects.bulk_create(summaries_of(stage, by_app))


def refresh_pairs(pairs: Iterable[tuple[int, str]]) -> None:
    """:func:`refresh` for (application, stage) pairs."""
    by_stage: dict[str, set[int]] = defaultdict(set)
    for application_id, stage in pairs:
        by_stage[stage].add(application_id)
    for stage, ids in sorted(by_stage.items()):
        refresh(ids, stage)


def rebuild() -> None:
    """Every summary recomputed from the sheets."""
    ScoreSummary.objects.all().delete()
    for stage in Stage.values:
        ids = (
            ScoreSheet.objects.filter(stage=stage, status=SheetStatus.SUBMITTED)
            .order_by()
            .values_list("application_id", flat=True)
        )
        refresh(ids.distinct(), stage)


# --- kept in step with the sheets --------------------------------------------------------


def _sheet_saved(sender: Any, instance: ScoreSheet, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loaddata: the summaries are restored with the sheets
        return
    if instance.status == SheetStatus.SUBMITTED or instance.loaded_status == SheetStatus.SUBMITTED:
        refresh([instance.application_id], instance.stage)
    instance.loaded_status = instance.status


def _sheet_deleted(sender: Any, instance: ScoreSheet, **kwargs: Any) -> None:
    if instance.status == SheetStatus.SUBMITTED or instance.loaded_status == SheetStatus.SUBMITTED:
        refresh([instance.application_id], instance.stage)


def _sheets_changed_in_bulk(sender: Any, pairs: set[tuple[int, str]], **kwargs: Any) -> None:
    refresh_pairs(pairs)


def connect() -> None:
    """Called from ScoringConfig.ready()."""
    sheets_changed_in_bulk.connect(
        _sheets_changed_in_bulk, sender=ScoreSheet, dispatch_uid="scoring.summaries.bulk"
    )
    post_save.connect(_sheet_saved, sender=ScoreSheet, dispatch_uid="scoring.summaries.save")
    post_delete.connect(_sheet_deleted, sender=ScoreSheet, dispatch_uid="scoring.summaries.delete")
