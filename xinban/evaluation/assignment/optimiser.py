"""The optimiser: a maximum flow when the demand cannot be met, then a min-cost flow with
convex costs for balance and arc costs for preference (OR-Tools' ``SimpleMinCostFlow``;
the method is in the package's documentation)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

import numpy as np
from ortools.graph.python import min_cost_flow

from xinban.evaluation.assignment.data import (
    DEFAULT_K,
    Application,
    AssignmentResult,
    Expert,
    Pair,
    Preference,
)
from xinban.evaluation.assignment.problem import Problem, build_result, prepare

# Keep |cost| × (number of nodes + 1) — OR-Tools' internal cost scaling — well inside int64.
_COST_LIMIT = 2**62


def _check_status(status: object, what: str) -> None:
    if status != min_cost_flow.SimpleMinCostFlow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ({what}) failed: {status}")


def _pair_scores(
    p: Problem, rows: np.ndarray, cols: np.ndarray, preference: Preference | None
) -> tuple[np.ndarray, int]:
    """The score of each free pair ``(rows[i], cols[i])`` (application index, expert
    index), and the largest possible score of one pair."""
    if preference is None:
        # Lexicographic: one domain match outweighs every industry overlap together.
        heavy = sum(p.need) + 1
        domains = sorted({d for ex in p.experts for d in ex.domains})
        industries = sorted(
            {i for ex in p.experts for i in ex.industries}
            | {i for app in p.apps for i in app.industries}
        )
        d_index = {d: n for n, d in enumerate(domains)}
        i_index = {i: n for n, i in enumerate(industries)}
        expert_domain = np.zeros((len(p.experts), len(domains) + 1), dtype=bool)
        expert_industry = np.zeros((len(p.experts), len(industries)), dtype=np.int32)
        app_industry = np.zeros((len(p.apps), len(industries)), dtype=np.int32)
        for j, ex in enumerate(p.experts):
            expert_domain[j, [d_index[d] for d in ex.domains]] = True
            expert_industry[j, [i_index[i] for i in ex.industries]] = 1
        for ai, app in enumerate(p.apps):
            app_industry[ai, [i_index[i] for i in app.industries]] = 1
        # An application's domain no expert has maps to the all-False last column.
        app_domain = np.array([d_index.get(a.domain, len(domains)) for a in p.apps])
        match = expert_domain[cols, app_domain[rows]]
        overlap = np.einsum("ij,ij->i", app_industry[rows], expert_industry[cols]) > 0
        return heavy * match.astype(np.int64) + overlap.astype(np.int64), heavy + 1
    scores = []
    for ai, j in zip(rows.tolist(), cols.tolist(), strict=True):
        s = preference(p.experts[j], p.apps[ai])
        if isinstance(s, bool) or not isinstance(s, int) or s < 0:
            raise ValueError("preference must return a non-negative int")
        scores.append(s)
    return np.array(scores, dtype=np.int64), max(scores, default=0)


def _max_coverage(p: Problem, tails: np.ndarray, heads: np.ndarray) -> list[int]:
    """How many experts each application can get: a maximum flow, preferring (through
    costs) applications early in the input and those that can be covered at all."""
    n_apps, n_exp = len(p.apps), len(p.experts)
    source, sink = n_apps + n_exp, n_apps + n_exp + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    hopeless = [p.without_conflict[ai] < p.k for ai in range(n_apps)]
    src_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.full(n_apps, source, dtype=np.int32),
        np.arange(n_apps, dtype=np.int32),
        np.array(p.need, dtype=np.int64),
        np.array([ai + n_apps * h for ai, h in enumerate(hopeless)], dtype=np.int64),
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        tails, heads, np.ones(len(tails), dtype=np.int64), np.zeros(len(tails), dtype=np.int64)
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        np.arange(n_apps, n_apps + n_exp, dtype=np.int32),
        np.full(n_exp, sink, dtype=np.int32),
        np.array([c - f for c, f in zip(p.cap, p.fixed_load, strict=True)], dtype=np.int64),
        np.zeros(n_exp, dtype=np.int64),
    )
    total = sum(p.need)
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    _check_status(flow.solve_max_flow_with_min_cost(), "coverage")
    return [int(x) for x in flow.flows(src_arcs)]


def _balanced_flow(
    p: Problem,
    demand: list[int],
    tails: np.ndarray,
    heads: np.ndarray,
    pair_cost: np.ndarray,
    weight: int,
    unit_limit: int,
) -> tuple[np.ndarray | None, bool]:
    """Min-cost flow with exact ``demand`` per application and convex load costs.

    Returns the flows on the application → expert arcs (``None`` when infeasible) and
    whether some expert went past ``unit_limit`` (then the convex costs were truncated and
    the caller repeats with a larger limit)."""
    n_apps, n_exp = len(p.apps), len(p.experts)
    sink = n_apps + n_exp
    flow = min_cost_flow.SimpleMinCostFlow()
    pair_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails, heads, np.ones(len(tails), dtype=np.int64), pair_cost
    )
    t: list[int] = []
    caps: list[int] = []
    costs: list[int] = []
    linear: list[int] = []  # position (in t) of each expert's last, linear arc
    shift = unit_limit  # subtracting a constant per unit keeps the optimum; keeps costs small
    for j in range(n_exp):
        start, stop = p.fixed_load[j], p.cap[j]
        top = min(stop, max(unit_limit, start))
        for load in range(start + 1, top + 1):  # the load-th application costs W(2·load−1)
            t.append(n_apps + j)
            caps.append(1)
            costs.append(weight * (2 * (load - shift) - 1))
        if stop > top:
            linear.append(len(t))
            t.append(n_apps + j)
            caps.append(stop - top)
            costs.append(weight * (2 * (top + 1 - shift) - 1))
    biggest = max((abs(c) for c in costs), default=0) + int(pair_cost.max(initial=0))
    if biggest * (n_apps + n_exp + 2) >= _COST_LIMIT:
        raise ValueError("instance too large for exact costs; split it (e.g. by domain)")
    sink_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.array(t, dtype=np.int32),
        np.full(len(t), sink, dtype=np.int32),
        np.array(caps, dtype=np.int64),
        np.array(costs, dtype=np.int64),
    )
    flow.set_nodes_supplies(
        np.array([*range(n_apps), sink], dtype=np.int32),
        np.array([*demand, -sum(demand)], dtype=np.int64),
    )
    status = flow.solve()
    if status == min_cost_flow.SimpleMinCostFlow.INFEASIBLE:
        return None, False
    _check_status(status, "balance")
    used_linear = bool(linear) and bool(
        np.any(flow.flows(sink_arcs[np.array(linear, dtype=np.int64)]) > 0)
    )
    return np.asarray(flow.flows(pair_arcs)), used_linear


def assign(
    applications: Iterable[Application],
    experts: Iterable[Expert],
    *,
    k: int = DEFAULT_K,
    conflicts: Mapping[Pair, str],
    fixed: Collection[Pair] = frozenset(),
    preference: Preference | None = None,
) -> AssignmentResult:
    """Assign ``k`` distinct experts to every application, keeping every rule (see the
    module docstring): no conflict, declared capacities, balanced loads, fixed pairs kept;
    among such assignments, the best preference (domain match, then industry overlap, or
    the caller's ``preference``). Applications that cannot get ``k`` experts are reported in
    ``uncovered`` with the reason and get as many as the rules allow.

    Raises ``ValueError`` for ``k < 1`` or duplicate ids."""
    p = prepare(applications, experts, k, conflicts, fixed)
    n_apps, n_exp = len(p.apps), len(p.experts)
    if n_apps == 0 or n_exp == 0:
        return build_result(p, [set() for _ in p.apps], "min-cost flow")

    rows, cols = np.nonzero(p.free)  # row-major: deterministic arc order
    scores, top_score = _pair_scores(p, rows, cols, preference)
    tails = rows.astype(np.int32)
    heads = (cols + n_apps).astype(np.int32)
    pair_cost = top_score - scores
    # One load step (Σ load² changes by at least 2) outweighs every preference difference.
    weight = sum(p.need) * top_score + 1

    # The level the loads would reach with the capacities alone: ⌈L⌉ and up.
    total = sum(p.need) + sum(p.fixed_load)
    level = 0
    while (
        level < n_apps
        and sum(min(c, max(level, f)) for c, f in zip(p.cap, p.fixed_load, strict=True)) < total
    ):
        level += 1
    unit_limit = level + 2

    demand = list(p.need)
    covered_all = True
    while True:
        flows, truncated = _balanced_flow(p, demand, tails, heads, pair_cost, weight, unit_limit)
        if flows is None:
            if not covered_all:  # cannot happen: the demand is a feasible flow's
                raise RuntimeError("min-cost flow: the coverage pass was not feasible")
            covered_all = False
            demand = _max_coverage(p, tails, heads)
            continue
        if truncated and unit_limit < n_apps:
            unit_limit = min(n_apps, unit_limit * 2)
            continue
        break

    chosen: list[set[int]] = [set() for _ in range(n_apps)]
    for ai, hj, f in zip(tails.tolist(), heads.tolist(), flows.tolist(), strict=True):
        if f:
            chosen[ai].add(hj - n_apps)
    return build_result(p, chosen, "min-cost flow")
