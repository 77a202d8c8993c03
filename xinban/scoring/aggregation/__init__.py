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

The modules: ``records`` (the data), ``exact`` (arithmetic, aggregate, disagreement),
``normalisation``, ``ranking``, ``from_sheets`` (:func:`evaluate`) and ``from_summaries``
(:func:`evaluate_summaries`). This package re-exports every public name, so
``from xinban.scoring.aggregation import x`` keeps working.
"""

from xinban.scoring.aggregation.exact import aggregate, disagreement, round_display, weighted_total
from xinban.scoring.aggregation.from_sheets import evaluate
from xinban.scoring.aggregation.from_summaries import TotalsSummary, evaluate_summaries
from xinban.scoring.aggregation.normalisation import normalise
from xinban.scoring.aggregation.ranking import rank
from xinban.scoring.aggregation.records import (
    DEFAULT_RANGE_THRESHOLD,
    DEFAULT_STDEV_THRESHOLD,
    DEFAULT_TRIM_THRESHOLD,
    DISPLAY_PLACES,
    ApplicationResult,
    Criterion,
    JudgeScore,
    RankedResult,
)

__all__ = [
    "ApplicationResult",
    "Criterion",
    "DEFAULT_RANGE_THRESHOLD",
    "DEFAULT_STDEV_THRESHOLD",
    "DEFAULT_TRIM_THRESHOLD",
    "DISPLAY_PLACES",
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
