"""The engine's plain, immutable data (criteria, judges' totals, results) its default
thresholds, and the check of input numbers (Decimal or int, never float)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

#: Number of judges from which the highest and the lowest total are dropped.
DEFAULT_TRIM_THRESHOLD = 5
#: Disagreement: spread (max − min) of the totals, in points on the 0–100 scale.
DEFAULT_RANGE_THRESHOLD = Decimal(15)
#: Disagreement: sample standard deviation of the totals, in points on the 0–100 scale.
DEFAULT_STDEV_THRESHOLD = Decimal(8)
#: Decimal places shown to people (and, by default, compared when ranking).
DISPLAY_PLACES = 2


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
