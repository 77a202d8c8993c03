"""Ranking results: compared at the display precision by default, equal scores share a
rank."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from xinban.scoring.aggregation.exact import round_display
from xinban.scoring.aggregation.records import (
    DISPLAY_PLACES,
    ApplicationResult,
    RankedResult,
    _check,
)


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
