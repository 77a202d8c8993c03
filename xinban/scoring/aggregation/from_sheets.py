"""Ranking from the judges' sheets: normalised or not, aggregated, flagged, ranked."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from xinban.scoring.aggregation.exact import (
    _aggregate,
    _check_trim_threshold,
    _dec,
    _disagrees,
    _mean,
    _thresholds,
)
from xinban.scoring.aggregation.from_summaries import (
    _results_from_summaries,
    _scaled_totals,
    _summaries,
)
from xinban.scoring.aggregation.normalisation import _check_unique_sheets, _normalised_values
from xinban.scoring.aggregation.ranking import rank
from xinban.scoring.aggregation.records import (
    DEFAULT_RANGE_THRESHOLD,
    DEFAULT_STDEV_THRESHOLD,
    DEFAULT_TRIM_THRESHOLD,
    DISPLAY_PLACES,
    ApplicationResult,
    JudgeScore,
    RankedResult,
    _frac,
)


def evaluate(
    sheets: Sequence[JudgeScore],
    *,
    groups: Mapping[int, str],
    normalise_judges: bool = False,
    trim_threshold: int = DEFAULT_TRIM_THRESHOLD,
    range_threshold: Decimal = DEFAULT_RANGE_THRESHOLD,
    stdev_threshold: Decimal = DEFAULT_STDEV_THRESHOLD,
    tiebreaks: Mapping[int, tuple[Any, ...]] | None = None,
    places: int | None = DISPLAY_PLACES,
) -> list[RankedResult]:
    """Score and rank every application in ``groups`` (application id → group key).

    Per application: the judges' totals (normalised per judge over *all* ``sheets`` when
    ``normalise_judges``, see :func:`normalise`) are aggregated with :func:`aggregate`; the
    disagreement flag is computed on those same totals with :func:`disagreement`;
    ``raw_mean`` is the plain mean of the raw totals (no normalisation, no trimming). An
    application in ``groups`` without sheets is listed with score ``None`` and rank
    ``None``. Ranks are within each group, see :func:`rank` (``tiebreaks``: application id
    → tie-break key; ``places``: comparison precision). Output is in :func:`rank` order.

    Raises ``ValueError`` for a sheet whose application is not in ``groups``, or two sheets
    of one judge for one application.
    """
    _check_trim_threshold(trim_threshold)
    thresholds = _thresholds(range_threshold, stdev_threshold)
    _check_unique_sheets(sheets)
    strays = sorted({s.application_id for s in sheets} - set(groups))
    if strays:
        raise ValueError(f"sheets for applications without a group: {strays}")

    if not normalise_judges:
        scaled = _scaled_totals(sheets)
        if scaled is not None:
            return rank(
                _results_from_summaries(
                    _summaries(sheets, scaled[0]),
                    scaled[1],
                    groups,
                    trim_threshold,
                    thresholds,
                    tiebreaks or {},
                ),
                places=places,
            )
    raw = [_frac(s.total, "total") for s in sheets]
    used = _normalised_values(sheets) if normalise_judges and sheets else raw
    raw_by_app: dict[int, list[Fraction]] = defaultdict(list)
    used_by_app: dict[int, list[Fraction]] = defaultdict(list)
    for s, r, u in zip(sheets, raw, used, strict=True):
        raw_by_app[s.application_id].append(r)
        used_by_app[s.application_id].append(u)

    tiebreaks = tiebreaks or {}
    results = []
    for app_id in sorted(groups):
        values = used_by_app.get(app_id, [])
        score = _aggregate(values, trim_threshold)
        results.append(
            ApplicationResult(
                application_id=app_id,
                group=groups[app_id],
                score=None if score is None else _dec(score),
                tiebreak=tiebreaks.get(app_id, ()),
                judges=len(values),
                raw_mean=_dec(_mean(raw_by_app[app_id])) if values else None,
                flagged=_disagrees(values, thresholds),
            )
        )
    return rank(results, places=places)
