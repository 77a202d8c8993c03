"""Benchmark of the automatic expert assignment (issue 4, ``make bench``).

:func:`run` builds a random but realistic round — by default 1,500 applications in the five
domains (skewed towards 制造, as in real years), 120 experts with one or two domains and one
to three industries, about 5 % of the pairs in conflict, some experts with a declared
capacity — and times :func:`~xinban.evaluation.assignment.assign` (``k = 3``) against
:func:`~xinban.evaluation.assignment.greedy_baseline` on the same instance. Both results are
checked with :func:`~xinban.evaluation.assignment.check_rules`. Pure Python, no database.

The optimiser must be at least as good as the greedy baseline on both the load spread and
the preference (pairs whose expert has the application's domain); ``at_least_as_good`` in
the returned figures says whether it was.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from xinban.campaigns.seed import DOMAINS, INDUSTRIES
from xinban.evaluation.assignment import (
    Application,
    AssignmentResult,
    Expert,
    Pair,
    assign,
    check_rules,
    greedy_baseline,
)

__all__ = ["Instance", "build_instance", "run"]

# Real rounds are dominated by manufacturing teams.
_DOMAIN_WEIGHTS = (0.40, 0.25, 0.10, 0.15, 0.10)
_CONFLICT_KINDS = (
    "本单位 (own organisation)",
    "曾任职单位 (an organisation they worked for)",
    "推荐单位评审组成员 (sits on the recommending unit's panel)",
    "本人申报回避 (declared conflict)",
)


@dataclass(frozen=True)
class Instance:
    applications: list[Application]
    experts: list[Expert]
    conflicts: dict[Pair, str]
    k: int


def build_instance(
    seed: int = 0,
    *,
    n_applications: int = 1500,
    n_experts: int = 120,
    k: int = 3,
    conflict_rate: float = 0.05,
    capacity_share: float = 0.15,
) -> Instance:
    """A random round: see the module docstring. Deterministic for a given seed."""
    rng = random.Random(seed)
    domains = [name for name, _en in DOMAINS]
    industries = [row[2] for row in INDUSTRIES]
    level = max(1, n_applications * k // max(n_experts, 1))
    applications = [
        Application(
            id=1 + i,
            domain=rng.choices(domains, weights=_DOMAIN_WEIGHTS)[0],
            industries=frozenset(rng.sample(industries, rng.randint(1, 2))),
        )
        for i in range(n_applications)
    ]
    experts = [
        Expert(
            id=10_001 + j,
            domains=frozenset(rng.sample(domains, rng.randint(1, 2))),
            industries=frozenset(rng.sample(industries, rng.randint(1, 3))),
            capacity=(
                rng.randint(max(1, level // 3), level + level // 4)
                if rng.random() < capacity_share
                else None
            ),
        )
        for j in range(n_experts)
    ]
    conflicts = {
        (e.id, a.id): rng.choice(_CONFLICT_KINDS)
        for e in experts
        for a in applications
        if rng.random() < conflict_rate
    }
    return Instance(applications, experts, conflicts, k)


def _figures(
    prefix: str, result: AssignmentResult, seconds: tuple[float, float], violations: int
) -> dict[str, int | float]:
    return {
        f"{prefix}_seconds": round(seconds[0], 3),
        f"{prefix}_cpu_seconds": round(seconds[1], 3),
        f"{prefix}_spread": result.spread,
        f"{prefix}_free_spread": result.free_spread,
        f"{prefix}_preference": result.preference_score,
        f"{prefix}_industry": result.industry_score,
        f"{prefix}_pairs": len(result.pairs),
        f"{prefix}_uncovered": len(result.uncovered),
        f"{prefix}_violations": violations,
    }


def run(
    seed: int = 0,
    *,
    n_applications: int = 1500,
    n_experts: int = 120,
    k: int = 3,
    conflict_rate: float = 0.05,
    capacity_share: float = 0.15,
) -> dict[str, int | float | bool]:
    """Build the instance, time both algorithms, check both results; return the figures:
    ``optimiser_*`` and ``greedy_*`` (``seconds`` wall-clock, ``cpu_seconds``,
    ``spread`` = max − min load,
    ``free_spread`` = the spread among experts below their declared capacity,
    ``preference`` = pairs with a domain match, ``industry`` = pairs sharing an industry,
    ``pairs``, ``uncovered``, ``violations`` = rules broken), the instance's size, and
    ``at_least_as_good`` (the optimiser's spread ≤ the greedy's, preference ≥, no
    violation)."""
    inst = build_instance(
        seed,
        n_applications=n_applications,
        n_experts=n_experts,
        k=k,
        conflict_rate=conflict_rate,
        capacity_share=capacity_share,
    )
    args = (inst.applications, inst.experts)

    wall, cpu = time.perf_counter(), time.process_time()
    best = assign(*args, k=k, conflicts=inst.conflicts)
    optimiser_seconds = (time.perf_counter() - wall, time.process_time() - cpu)

    wall, cpu = time.perf_counter(), time.process_time()
    greedy = greedy_baseline(*args, k=k, conflicts=inst.conflicts)
    greedy_seconds = (time.perf_counter() - wall, time.process_time() - cpu)

    best_violations = len(check_rules(best, *args, conflicts=inst.conflicts))
    greedy_violations = len(check_rules(greedy, *args, conflicts=inst.conflicts))
    figures: dict[str, int | float | bool] = {
        "applications": len(inst.applications),
        "experts": len(inst.experts),
        "k": k,
        "conflict_pairs": len(inst.conflicts),
        "experts_with_capacity": sum(e.capacity is not None for e in inst.experts),
        **_figures("optimiser", best, optimiser_seconds, best_violations),
        **_figures("greedy", greedy, greedy_seconds, greedy_violations),
    }
    figures["at_least_as_good"] = (
        best_violations == 0
        and best.spread <= greedy.spread
        and best.preference_score >= greedy.preference_score
        and len(best.pairs) >= len(greedy.pairs)
    )
    return figures
