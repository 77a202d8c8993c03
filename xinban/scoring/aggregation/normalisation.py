"""Normalising each judge's totals (z-scores over all of that judge's sheets) so a strict
and a lenient judge weigh the same."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from fractions import Fraction

from xinban.scoring.aggregation.exact import _dec, _mean, _sqrt, _sum_sq_dev
from xinban.scoring.aggregation.records import JudgeScore, _frac


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
