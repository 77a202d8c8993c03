"""Aggregation and ranking of judges' score sheets (docs/architecture.md, "Scores and rankings").

One engine for both the recommending units' judges and the association's expert review.
Pure Python over plain, immutable data: no Django, no I/O, so selectors, services and
benchmarks can all call it.

Numbers
-------
* Inputs and outputs are :class:`~decimal.Decimal` (``int`` is accepted too; ``float`` is
  refused with ``TypeError`` so binary rounding never sneaks in).
* Internally every sum, mean and variance is computed **exactly** with
  :class:`fractions.Fraction` (a finite Decimal converts to a Fraction without loss). Each
  public result is rounded **once**, to 28 significant digits (``ROUND_HALF_EVEN``), using a
  private decimal context — never the caller's thread-local context. Exact sums make every
  result independent of the order of the input, bit for bit.
* Square roots (standard deviations) are irrational in general: they are taken with
  ``Decimal.sqrt`` (correctly rounded) in a 50-digit context, never via ``float`` and never via
  :mod:`statistics` (whose Decimal handling differs between Python versions).
* Scores are **not** rounded to two places here: :func:`round_display` does that, for display
  only (``ROUND_HALF_UP``, i.e. 四舍五入). :func:`rank` compares scores at the display
  precision by default, so two applications that are shown with the same score also share a
  rank (see :func:`rank`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from typing import Any

__all__ = [
    "DEFAULT_RANGE_THRESHOLD",
    "DEFAULT_STDEV_THRESHOLD",
    "DEFAULT_TRIM_THRESHOLD",
    "DISPLAY_PLACES",
    "ApplicationResult",
    "Criterion",
    "JudgeScore",
    "RankedResult",
    "TotalsSummary",
    "aggregate",
    "disagreement",
    "evaluate",
    "evaluate_summaries",
    "normalise",
    "rank",
    "round_display",
    "weighted_total",
]

#: Number of judges from which the highest and the lowest total are dropped.
DEFAULT_TRIM_THRESHOLD = 5
#: Disagreement: spread (max − min) of the totals, in points on the 0–100 scale.
DEFAULT_RANGE_THRESHOLD = Decimal(15)
#: Disagreement: sample standard deviation of the totals, in points on the 0–100 scale.
DEFAULT_STDEV_THRESHOLD = Decimal(8)
#: Decimal places shown to people (and, by default, compared when ranking).
DISPLAY_PLACES = 2

_HUNDRED = Fraction(100)
# Precision of every public result.
_OUT = Context(prec=28, rounding=ROUND_HALF_EVEN)
# Working precision for square roots (well beyond _OUT so one rounding dominates).
_WIDE = Context(prec=50, rounding=ROUND_HALF_EVEN)


# --------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class Criterion:
    """One line of the rubric: points are awarded from 0 to ``max_points``; ``weight`` is a
    relative importance (only ratios between weights matter)."""

    key: str
    weight: Decimal
    max_points: Decimal

    def __post_init__(self) -> None:
        weight = _frac(self.weight, f"weight of {self.key!r}")
        max_points = _frac(self.max_points, f"max_points of {self.key!r}")
        if weight < 0:
            raise ValueError(f"criterion {self.key!r}: weight must not be negative")
        if max_points <= 0:
            raise ValueError(f"criterion {self.key!r}: max_points must be positive")


@dataclass(frozen=True, slots=True)
class JudgeScore:
    """One judge's weighted total (0–100, see :func:`weighted_total`) for one application."""

    judge_id: int
    application_id: int
    total: Decimal

    def __post_init__(self) -> None:
        _check(self.total, "total")


@dataclass(frozen=True, slots=True)
class ApplicationResult:
    """Input to :func:`rank`.

    ``group`` is what ranks are computed within (a domain key, a recommending unit, ...).
    ``tiebreak`` orders applications with equal scores (ascending; e.g.
    ``(submitted_at,)``); its values must be mutually comparable within a group. The
    application id always breaks any remaining tie. ``judges``, ``raw_mean`` and ``flagged``
    are carried through to the :class:`RankedResult` unchanged.
    """

    application_id: int
    group: str
    score: Decimal | None
    tiebreak: tuple[Any, ...] = ()
    judges: int = 0
    raw_mean: Decimal | None = None
    flagged: bool = False


@dataclass(frozen=True, slots=True)
class RankedResult:
    """Per application: the aggregate ``score`` (full precision; ``None`` without sheets),
    number of ``judges``, the disagreement ``flag``, the competition ``rank`` within
    ``group`` (``None`` when unscored) and ``raw_mean`` — the plain mean of the judges'
    unnormalised totals, untrimmed."""

    application_id: int
    group: str
    score: Decimal | None
    judges: int
    flagged: bool
    rank: int | None
    raw_mean: Decimal | None


# --------------------------------------------------------------------------- number helpers


def _frac(value: object, what: str = "value") -> Fraction:
    """Exact Fraction of a finite Decimal or int; refuse floats and non-finite values."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{what} must be a Decimal, got {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{what} must be finite, got {value}")
    return Fraction(value)


def _check(value: object, what: str = "value") -> None:
    """What _frac checks, without building the Fraction."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{what} must be a Decimal, got {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{what} must be finite, got {value}")


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


# --------------------------------------------------------------------------- one sheet


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


# --------------------------------------------------------------------------- one application


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


# --------------------------------------------------------------------------- per-judge normalising


def _check_unique_sheets(sheets: Iterable[JudgeScore]) -> None:
    seen: set[tuple[int, int]] = set()
    for s in sheets:
        key = (s.judge_id, s.application_id)
        if key in seen:
            raise ValueError(
                f"judge {s.judge_id} has two sheets for application {s.application_id}"
            )
        seen.add(key)


def _normalised_values(sheets: Sequence[JudgeScore]) -> list[Fraction]:
    values = [_frac(s.total, "total") for s in sheets]
    panel_mean = _mean(values)
    panel_var = _sum_sq_dev(values) / len(values)

    by_judge: dict[int, list[Fraction]] = defaultdict(list)
    for s, v in zip(sheets, values, strict=True):
        by_judge[s.judge_id].append(v)
    # Per judge: (mean, rescale factor panel stdev / judge stdev, or None when degenerate).
    judge_stats: dict[int, tuple[Fraction, Fraction | None]] = {}
    for judge_id, own in by_judge.items():
        own_var = _sum_sq_dev(own) / len(own)
        factor = None if own_var == 0 else _sqrt(panel_var / own_var)
        judge_stats[judge_id] = (_mean(own), factor)

    out = []
    for s, v in zip(sheets, values, strict=True):
        own_mean, factor = judge_stats[s.judge_id]
        if factor is None:
            out.append(v - own_mean + panel_mean)
        else:
            out.append(panel_mean + (v - own_mean) * factor)
    return out


def normalise(sheets: Sequence[JudgeScore]) -> list[JudgeScore]:
    """Per-judge normalisation against harsh or lenient judges.

    For judge *j* with mean ``mⱼ`` and standard deviation ``sⱼ`` over the applications *j*
    scored, and the panel mean ``M`` and standard deviation ``S`` over *all* totals::

        normalised = M + S × (total − mⱼ) / sⱼ

    i.e. the judge's z-score, put back on the familiar 0–100 scale. Standard deviations here
    are *population* ones (divide by n): they describe the spread of the scores actually
    given, and a single judge's sheets are then returned unchanged.

    A judge who scored one application, or gave every application the same total (sⱼ = 0),
    has no spread to standardise: their totals are shifted by ``M − mⱼ``. For such a judge
    every total equals ``mⱼ``, so this yields exactly ``M`` — the same as a z-score of 0: the
    judge's sheets then carry no comparative information, and are neutral in the aggregate.
    Consequently every normalised value is ``M + S × z`` with a z that depends on the judge's
    own sheets only, so adding a constant to all of one judge's totals changes no ranking.

    Results are not clamped: they may fall slightly outside 0–100 (a judge's outstanding
    sheet); clamping would create artificial ties at the top. The result has one sheet per
    input sheet, in the input order. Raises ``ValueError`` if a judge has two sheets for the
    same application.
    """
    if not sheets:
        return []
    _check_unique_sheets(sheets)
    return [
        JudgeScore(s.judge_id, s.application_id, _dec(v))
        for s, v in zip(sheets, _normalised_values(sheets), strict=True)
    ]


# --------------------------------------------------------------------------- ranking


def rank(
    results: Sequence[ApplicationResult], *, places: int | None = DISPLAY_PLACES
) -> list[RankedResult]:
    """Competition ranks ("1224") within each group, highest score first.

    Scores are compared rounded to ``places`` decimals (half up, as displayed), so
    applications shown with the same score share a rank; ``places=None`` compares full
    precision. Equal scores share a rank and the next rank skips accordingly; within a tie
    the order is ``tiebreak`` ascending, then ``application_id`` ascending — deterministic
    whatever the input order. Applications without a score come last in their group, in
    the same tie order, with rank ``None``.

    Output: groups in ascending order of their key, each in rank order. Raises
    ``ValueError`` if the same application appears twice in a group.
    """
    by_group: dict[str, list[ApplicationResult]] = defaultdict(list)
    seen: set[tuple[str, int]] = set()
    for r in results:
        if (r.group, r.application_id) in seen:
            raise ValueError(f"application {r.application_id} appears twice in group {r.group!r}")
        seen.add((r.group, r.application_id))
        if r.score is not None:
            _check(r.score, "score")
        by_group[r.group].append(r)

    # Each score rounded once (as compared), not at every comparison.
    rounded: dict[Decimal, Decimal] = {}

    def compared(score: Decimal) -> Decimal:
        if places is None:
            return score
        value = rounded.get(score)
        if value is None:
            value = round_display(score, places)
            assert value is not None
            rounded[score] = value
        return value

    def order(r: ApplicationResult) -> tuple[Any, ...]:
        if r.score is None:
            return (1, Decimal(0), r.tiebreak, r.application_id)
        return (0, -compared(r.score), r.tiebreak, r.application_id)

    out: list[RankedResult] = []
    for group in sorted(by_group):
        members = sorted(by_group[group], key=order)
        previous: Decimal | None = None
        current_rank = 0
        for position, r in enumerate(members, start=1):
            if r.score is None:
                this_rank = None
            else:
                score = compared(r.score)
                if previous is None or score != previous:
                    current_rank = position
                    previous = score
                this_rank = current_rank
            out.append(
                RankedResult(
                    application_id=r.application_id,
                    group=r.group,
                    score=r.score,
                    judges=r.judges,
                    flagged=r.flagged,
                    rank=this_rank,
                    raw_mean=r.raw_mean,
                )
            )
    return out


# --------------------------------------------------------------------------- all together


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


# --------------------------------------------------------------------------- integer path
#
# Without normalisation every figure evaluate() needs is a sum, a count, a minimum or a
# maximum of the totals, and the disagreement test a comparison of sums of squares: all
# exact in integers once the totals are scaled by a common power of ten (sheets store
# totals in thousandths). Same results as the Fraction path, bit for bit (the final
# division is the same single rounding by _dec), several times faster (docs/benchmarks.md).

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
