"""Exact arithmetic (Fraction inside, Decimal out, rounded once): the weighted total of one
sheet, the trimmed mean of several, the disagreement flag, rounding for display."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

from xinban.scoring.aggregation.records import (
    DEFAULT_RANGE_THRESHOLD,
    DEFAULT_STDEV_THRESHOLD,
    DEFAULT_TRIM_THRESHOLD,
    DISPLAY_PLACES,
    Criterion,
    _frac,
)

_HUNDRED = Fraction(100)
# Precision of every public result.
_OUT = Context(prec=28, rounding=ROUND_HALF_EVEN)
# Working precision for square roots (well beyond _OUT so one rounding dominates).
_WIDE = Context(prec=50, rounding=ROUND_HALF_EVEN)


def _dec(value: Fraction) -> Decimal:
    """Round an exact value once, to the output precision."""
    return _OUT.divide(Decimal(value.numerator), Decimal(value.denominator))


def _sqrt(value: Fraction) -> Fraction:
    """Square root of a non-negative exact value, correctly rounded to 50 digits."""
    wide = _WIDE.divide(Decimal(value.numerator), Decimal(value.denominator))
    return Fraction(_WIDE.sqrt(wide))


def _mean(values: Sequence[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values)


def _sum_sq_dev(values: Sequence[Fraction]) -> Fraction:
    m = _mean(values)
    return sum(((v - m) ** 2 for v in values), Fraction(0))


def round_display(value: Decimal | None, places: int = DISPLAY_PLACES) -> Decimal | None:
    """Round a score for display: ``places`` decimals, half up (四舍五入); ``None`` stays."""
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=_OUT)


def weighted_total(points: Mapping[str, Decimal], criteria: Sequence[Criterion]) -> Decimal:
    """A judge's sheet as a 0–100 score::

        total = 100 × Σᵢ weightᵢ × pointsᵢ / Σᵢ weightᵢ × max_pointsᵢ

    Every criterion must be scored, within ``[0, max_points]``; points for a key that is not
    in the rubric are refused too (a sheet/rubric mismatch). Note that a criterion's share of
    the total is ``weight × max_points / Σ weight × max_points``: with equal weights a
    criterion with more points counts more. Full precision is returned (see module notes).

    Raises ``ValueError`` for a missing, unknown or out-of-range score, duplicate criterion
    keys, or a rubric whose weights are all zero.
    """
    if not criteria:
        raise ValueError("the rubric has no criteria")
    keys = [c.key for c in criteria]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate criterion keys in the rubric")
    missing = [k for k in keys if k not in points]
    if missing:
        raise ValueError(f"no points for criteria: {', '.join(missing)}")
    unknown = sorted(set(points) - set(keys))
    if unknown:
        raise ValueError(f"points for criteria not in the rubric: {', '.join(unknown)}")

    earned = Fraction(0)
    possible = Fraction(0)
    for c in criteria:
        p = _frac(points[c.key], f"points for {c.key!r}")
        w = _frac(c.weight)
        m = _frac(c.max_points)
        if not 0 <= p <= m:
            raise ValueError(f"points for {c.key!r} must be between 0 and {c.max_points}, got {p}")
        earned += w * p
        possible += w * m
    if possible == 0:
        raise ValueError("the rubric's weights are all zero")
    return _dec(_HUNDRED * earned / possible)


def _check_trim_threshold(trim_threshold: int) -> None:
    if trim_threshold < 3:
        # Dropping two of fewer than three totals would leave nothing to average.
        raise ValueError("trim_threshold must be at least 3")


def _aggregate(values: Sequence[Fraction], trim_threshold: int) -> Fraction | None:
    if not values:
        return None
    if len(values) >= trim_threshold:
        values = sorted(values)[1:-1]
    return _mean(values)


def aggregate(
    totals: Sequence[Decimal], *, trim_threshold: int = DEFAULT_TRIM_THRESHOLD
) -> Decimal | None:
    """The application's score from its judges' totals.

    With at least ``trim_threshold`` totals, the trimmed mean: ONE highest and ONE lowest
    total are dropped (one instance each, if several are equal) and the rest averaged.
    Otherwise the plain mean. ``None`` when there are no totals.
    """
    _check_trim_threshold(trim_threshold)
    result = _aggregate([_frac(t, "total") for t in totals], trim_threshold)
    return None if result is None else _dec(result)


def disagreement(
    totals: Sequence[Decimal],
    *,
    range_threshold: Decimal = DEFAULT_RANGE_THRESHOLD,
    stdev_threshold: Decimal = DEFAULT_STDEV_THRESHOLD,
) -> bool:
    """Do the judges disagree widely? True when ``max − min ≥ range_threshold`` or the
    *sample* standard deviation ``≥ stdev_threshold`` (points on the 0–100 scale). Fewer
    than two totals never disagree.

    The stdev test is done exactly, as ``sample variance ≥ stdev_threshold²``, so values at
    the boundary are decided without rounding. With two totals the sample stdev is
    ``range / √2``: the default stdev threshold 8 then fires from a range of about 11.3.
    """
    thresholds = _thresholds(range_threshold, stdev_threshold)
    return _disagrees([_frac(t, "total") for t in totals], thresholds)


def _thresholds(range_threshold: Decimal, stdev_threshold: Decimal) -> tuple[Fraction, Fraction]:
    rt = _frac(range_threshold, "range_threshold")
    st = _frac(stdev_threshold, "stdev_threshold")
    if rt < 0 or st < 0:
        raise ValueError("thresholds must not be negative")
    return rt, st


def _disagrees(values: Sequence[Fraction], thresholds: tuple[Fraction, Fraction]) -> bool:
    rt, st = thresholds
    if len(values) < 2:
        return False
    if max(values) - min(values) >= rt:
        return True
    return _sum_sq_dev(values) / (len(values) - 1) >= st * st
