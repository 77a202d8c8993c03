"""Ranking from per-application sums (count, total, low, high, squares), as a database's
GROUP BY gives them, with the exact results of the sheet-by-sheet computation.

Without normalisation every figure evaluate() needs is a sum, a count, a minimum or a
maximum of the totals, and the disagreement test a comparison of sums of squares: all
exact in integers once the totals are scaled by a common power of ten (sheets store
totals in thousandths). Same results as the Fraction path, bit for bit (the final
division is the same single rounding by _dec), several times faster (docs/benchmarks.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal
from fractions import Fraction
from typing import Any

from xinban.scoring.aggregation.exact import _OUT, _check_trim_threshold, _thresholds
from xinban.scoring.aggregation.ranking import rank
from xinban.scoring.aggregation.records import (
    DEFAULT_RANGE_THRESHOLD,
    DEFAULT_STDEV_THRESHOLD,
    DEFAULT_TRIM_THRESHOLD,
    DISPLAY_PLACES,
    ApplicationResult,
    JudgeScore,
    RankedResult,
)

# Shifting the exponent never rounds in this context.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
# Totals with more digits than this take the Fraction path (no gain in scaling them).
_MAX_SCALE = 12


def _scaled_totals(sheets: Sequence[JudgeScore]) -> tuple[list[int], int] | None:
    """The totals as integers × 10**scale (one scale for all), or None when a total has
    more than _MAX_SCALE decimal places."""
    scale = 0
    for s in sheets:
        total = s.total
        if isinstance(total, Decimal):
            exponent = total.as_tuple().exponent
            assert isinstance(exponent, int)  # finite: checked by JudgeScore
            if -exponent > scale:
                scale = -exponent
    if scale > _MAX_SCALE:
        return None
    if scale == 0:
        return [int(s.total) for s in sheets], 0
    return [int(Decimal(s.total).scaleb(scale, _EXACT)) for s in sheets], scale


@dataclass(frozen=True, slots=True)
class TotalsSummary:
    """One application's judges' totals summed up, every value an integer number of
    ``10**-scale`` points: how many (``n``), their sum, lowest, highest and sum of
    squares — all :func:`evaluate_summaries` needs, and what a database's GROUP BY gives."""

    n: int
    total: int
    low: int
    high: int
    squares: int


def evaluate_summaries(
    summaries: Mapping[int, TotalsSummary],
    *,
    scale: int,
    groups: Mapping[int, str],
    trim_threshold: int = DEFAULT_TRIM_THRESHOLD,
    range_threshold: Decimal = DEFAULT_RANGE_THRESHOLD,
    stdev_threshold: Decimal = DEFAULT_STDEV_THRESHOLD,
    tiebreaks: Mapping[int, tuple[Any, ...]] | None = None,
    places: int | None = DISPLAY_PLACES,
) -> list[RankedResult]:
    """:func:`evaluate` without normalisation, from each application's
    :class:`TotalsSummary` (totals in units of ``10**-scale``) instead of its sheets: the
    same results, bit for bit. Raises ``ValueError`` for a summary whose application is not
    in ``groups``."""
    _check_trim_threshold(trim_threshold)
    thresholds = _thresholds(range_threshold, stdev_threshold)
    strays = sorted(set(summaries) - set(groups))
    if strays:
        raise ValueError(f"sheets for applications without a group: {strays}")
    return rank(
        _results_from_summaries(
            summaries, scale, groups, trim_threshold, thresholds, tiebreaks or {}
        ),
        places=places,
    )


def _summaries(sheets: Sequence[JudgeScore], values: list[int]) -> dict[int, TotalsSummary]:
    by_app: dict[int, list[int]] = defaultdict(list)
    for s, v in zip(sheets, values, strict=True):
        by_app[s.application_id].append(v)
    return {
        app_id: TotalsSummary(
            n=len(own),
            total=sum(own),
            low=min(own),
            high=max(own),
            squares=sum(v * v for v in own),
        )
        for app_id, own in by_app.items()
    }


def _results_from_summaries(
    summaries: Mapping[int, TotalsSummary],
    scale: int,
    groups: Mapping[int, str],
    trim_threshold: int,
    thresholds: tuple[Fraction, Fraction],
    tiebreaks: Mapping[int, tuple[Any, ...]],
) -> list[ApplicationResult]:
    unit = 10**scale
    rt, st = thresholds
    # max − min ≥ rt  ⇔  (max − min)·rt.den ≥ rt.num·unit
    range_num, range_den = rt.numerator * unit, rt.denominator
    # sample variance ≥ st²  ⇔  (nΣv² − (Σv)²)·st.den² ≥ st.num²·unit²·n(n−1)
    var_num, var_den = st.numerator**2 * unit * unit, st.denominator**2
    results = []
    for app_id in sorted(groups):
        summary = summaries.get(app_id)
        n = summary.n if summary is not None else 0
        if summary is not None and n:
            total, low, high = summary.total, summary.low, summary.high
            if n >= trim_threshold:
                score: Decimal | None = _OUT.divide(
                    Decimal(total - low - high), Decimal((n - 2) * unit)
                )
            else:
                score = _OUT.divide(Decimal(total), Decimal(n * unit))
            raw_mean: Decimal | None = _OUT.divide(Decimal(total), Decimal(n * unit))
            flagged = n >= 2 and (
                (high - low) * range_den >= range_num
                or (n * summary.squares - total * total) * var_den >= var_num * n * (n - 1)
            )
        else:
            score = raw_mean = None
            flagged = False
        results.append(
            ApplicationResult(
                application_id=app_id,
                group=groups[app_id],
                score=score,
                tiebreak=tiebreaks.get(app_id, ()),
                judges=n,
                raw_mean=raw_mean,
                flagged=flagged,
            )
        )
    return results
