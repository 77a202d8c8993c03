"""The benchmark's comparison: least-loaded eligible expert first."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

import numpy as np

from xinban.evaluation.assignment.data import (
    DEFAULT_K,
    Application,
    AssignmentResult,
    Expert,
    Pair,
    Preference,
    domain_match,
    industry_overlap,
)
from xinban.evaluation.assignment.problem import build_result, prepare


def greedy_baseline(
    applications: Iterable[Application],
    experts: Iterable[Expert],
    *,
    k: int = DEFAULT_K,
    conflicts: Mapping[Pair, str],
    fixed: Collection[Pair] = frozenset(),
    preference: Preference | None = None,
) -> AssignmentResult:
    """The benchmark's comparison only: applications in input order, each taking the
    least-loaded experts without a conflict and below capacity, ties broken by preference
    (domain match, then industry overlap, or ``preference``), then panel order. It keeps
    rules 1, 2 and 4 but may leave loads unbalanced or applications short."""
    p = prepare(applications, experts, k, conflicts, fixed)
    load = list(p.fixed_load)
    chosen: list[set[int]] = [set() for _ in p.apps]
    for ai, app in enumerate(p.apps):

        def rank(j: int, app: Application = app) -> tuple[int, int, int, int]:
            ex = p.experts[j]
            if preference is None:
                return (load[j], -domain_match(ex, app), -industry_overlap(ex, app), j)
            return (load[j], -preference(ex, app), 0, j)

        eligible = np.flatnonzero(p.free[ai]).tolist()
        candidates = sorted((j for j in eligible if load[j] < p.cap[j]), key=rank)
        for j in candidates[: p.need[ai]]:
            chosen[ai].add(j)
            load[j] += 1
    return build_result(p, chosen, "greedy")
