"""Scoring: judges' sheets → weighted totals → aggregate scores → ranks (docs/architecture.md,
"Scores and rankings").

Pure functions over plain data; see :mod:`xinban.scoring.aggregation`.
"""

from xinban.scoring.aggregation import (
    DEFAULT_RANGE_THRESHOLD,
    DEFAULT_STDEV_THRESHOLD,
    DEFAULT_TRIM_THRESHOLD,
    DISPLAY_PLACES,
    ApplicationResult,
    Criterion,
    JudgeScore,
    RankedResult,
    aggregate,
    disagreement,
    evaluate,
    normalise,
    rank,
    round_display,
    weighted_total,
)

__all__ = [
    "DEFAULT_RANGE_THRESHOLD",
    "DEFAULT_STDEV_THRESHOLD",
    "DEFAULT_TRIM_THRESHOLD",
    "DISPLAY_PLACES",
    "ApplicationResult",
    "Criterion",
    "JudgeScore",
    "RankedResult",
    "aggregate",
    "disagreement",
    "evaluate",
    "normalise",
    "rank",
    "round_display",
    "weighted_total",
]
