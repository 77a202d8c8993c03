"""One instance of the assignment as index arrays (who may review what, capacities, fixed
pairs, how many experts each application still needs), and a result built from the
chosen pairs — shared by the optimiser and the baseline."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from xinban.evaluation.assignment.data import (
    Application,
    AssignmentResult,
    Expert,
    Pair,
    domain_match,
    industry_overlap,
)


def _unique(items: Iterable[Expert] | Iterable[Application], what: str) -> None:
    seen: set[int] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"duplicate {what} id {item.id}")
        seen.add(item.id)


@dataclass
class Problem:
    """The inputs in index form, fixed pairs validated, shared by both algorithms."""

    apps: list[Application]
    experts: list[Expert]
    k: int
    conflicts: Mapping[Pair, str]
    cap: list[int]  # effective capacity (None → number of applications)
    fixed_kept: set[Pair]
    rejected_fixed: dict[Pair, str]
    fixed_by_app: list[list[int]]  # expert indices
    fixed_load: list[int]
    need: list[int]  # experts still to find per application (k − kept fixed)
    free: np.ndarray  # bool (applications × experts): may still be added (no conflict,
    # not fixed there, capacity left after the fixed pairs)
    without_conflict: list[int]  # per application: panel experts without a conflict


def prepare(
    applications: Iterable[Application],
    experts: Iterable[Expert],
    k: int,
    conflicts: Mapping[Pair, str],
    fixed: Collection[Pair],
) -> Problem:
    if k < 1:
        raise ValueError("k must be at least 1")
    apps = list(applications)
    panel = list(experts)
    _unique(apps, "application")
    _unique(panel, "expert")
    n_apps = len(apps)
    a_index = {app.id: i for i, app in enumerate(apps)}
    e_index = {ex.id: j for j, ex in enumerate(panel)}
    cap = [n_apps if ex.capacity is None else min(ex.capacity, n_apps) for ex in panel]

    fixed_by_app: list[list[int]] = [[] for _ in apps]
    fixed_load = [0] * len(panel)
    kept: set[Pair] = set()
    rejected: dict[Pair, str] = {}
    # Deterministic: in the order of the applications, then of the panel.
    order = sorted(
        fixed,
        key=lambda p: (a_index.get(p[1], n_apps), e_index.get(p[0], len(panel)), p),
    )
    for pair in order:
        e_id, a_id = pair
        if pair in kept or pair in rejected:
            continue
        if e_id not in e_index:
            rejected[pair] = f"expert {e_id} is not on the panel"
            continue
        if a_id not in a_index:
            rejected[pair] = f"application {a_id} is not in this assignment"
            continue
        reason = conflicts.get(pair)
        if reason is not None:
            rejected[pair] = f"conflict: {reason}"
            continue
        ai, ej = a_index[a_id], e_index[e_id]
        if len(fixed_by_app[ai]) >= k:
            rejected[pair] = f"application {a_id} already has {k} fixed experts"
            continue
        if fixed_load[ej] >= cap[ej]:
            rejected[pair] = f"expert {e_id}'s declared capacity ({panel[ej].capacity}) is used up"
            continue
        kept.add(pair)
        fixed_by_app[ai].append(ej)
        fixed_load[ej] += 1

    # Who may sit on what: a (applications × experts) boolean matrix.
    ok = np.ones((n_apps, len(panel)), dtype=bool)
    for e_id, a_id in conflicts:
        row, col = a_index.get(a_id), e_index.get(e_id)
        if row is not None and col is not None:
            ok[row, col] = False
    free = ok.copy()
    for ai, members in enumerate(fixed_by_app):
        free[ai, members] = False
    free[:, np.array(fixed_load) >= np.array(cap)] = False
    need = [k - len(f) for f in fixed_by_app]
    return Problem(
        apps=apps,
        experts=panel,
        k=k,
        conflicts=conflicts,
        cap=cap,
        fixed_kept=kept,
        rejected_fixed=rejected,
        fixed_by_app=fixed_by_app,
        fixed_load=fixed_load,
        need=need,
        free=free,
        without_conflict=ok.sum(axis=1).tolist(),
    )


def _shortfall_reason(p: Problem, ai: int, got: int) -> str:
    k = p.k
    n_panel = len(p.experts)
    if n_panel < k:
        return f"only {n_panel} experts on the panel (需要{k}位)"
    ok = p.without_conflict[ai]
    if ok < k:
        return f"only {ok} experts without a conflict (需要{k}位)"
    return (
        f"capacity exhausted: {got} of {k} experts assigned; the other {ok - got} experts "
        "without a conflict have reached their declared capacity"
    )


def build_result(p: Problem, chosen: list[set[int]], method: str) -> AssignmentResult:
    pairs: set[Pair] = set()
    loads = {ex.id: 0 for ex in p.experts}
    uncovered: dict[int, str] = {}
    pref = ind = 0
    for ai, app in enumerate(p.apps):
        members = set(p.fixed_by_app[ai]) | chosen[ai]
        for j in members:
            ex = p.experts[j]
            pairs.add((ex.id, app.id))
            loads[ex.id] += 1
            pref += domain_match(ex, app)
            ind += industry_overlap(ex, app)
        if len(members) < p.k:
            uncovered[app.id] = _shortfall_reason(p, ai, len(members))
    return AssignmentResult(
        pairs=frozenset(pairs),
        uncovered=uncovered,
        k=p.k,
        loads=loads,
        preference_score=pref,
        industry_score=ind,
        rejected_fixed=dict(p.rejected_fixed),
        capacities={ex.id: ex.capacity for ex in p.experts},
        method=method,
    )
