"""Conflict-free, balanced assignment of experts to applications (docs/architecture.md, "Expert
assignment").

Pure Python over plain, immutable data — no Django, no I/O. The caller computes the
conflicts (own organisation, an organisation the expert worked for, the application's
recommending unit when the expert sits on its panel, a declared conflict) and the pairs
staff fixed by hand; this module decides everything else.

The rules (never broken)
------------------------
1. Every application gets ``k`` *distinct* experts, none of them in conflict with it.
2. No expert gets more than their declared ``capacity`` (``None``: no declared limit).
3. Load balance: **no expert more than one above another unless their declared capacity
   says so** — with a clean panel every expert's load is ``⌊L⌋`` or ``⌈L⌉``, and experts
   capped below that level sit at their capacity while the others absorb the rest as evenly
   as possible (the maximum load is minimised subject to the capacities). When conflicts or
   fixed pairs make even that impossible (an expert with conflicts on all but two
   applications cannot take twenty), the loads are the most even ones that exist: no chain
   of reassignments could move an application from an expert to one at least two below.
4. Pairs fixed by hand are kept (unless they themselves break rule 1 or 2: such a pair is
   refused and reported in :attr:`AssignmentResult.rejected_fixed`, never kept silently).

When the rules leave some application short (fewer than ``k`` experts without a conflict,
or the capacities exhausted) it is listed in :attr:`AssignmentResult.uncovered` with the
reason, and it receives as many experts as the rules allow — the assignment is a maximum
flow — so staff only add the missing ones by hand. When capacity runs out, the shortfall is
concentrated, as far as the conflicts allow, on the applications given *last* (the caller
orders them, e.g. by submission), and on applications that could never be covered anyway.

Among all assignments that keep the rules, the one chosen maximises the preference: the
number of pairs whose expert has the application's domain among their expertise, then
(secondary) the number whose industries overlap. A caller-supplied ``preference`` scores a
pair instead (a non-negative int, larger is better).

Method — and why a min-cost flow
--------------------------------
The problem is a transportation problem: applications supply ``k`` units each, unit arcs
application → expert exist for the pairs without a conflict, and experts drain into a sink.
Its constraint matrix is totally unimodular, so a *min-cost flow* solves it exactly and
integrally in polynomial time; an integer program (CP-SAT, CBC) would solve the same
relaxation-tight model with a general branch-and-bound machinery, slower and with time
limits to tune. We use OR-Tools' ``SimpleMinCostFlow`` (C++ cost-scaling push-relabel,
maintained by Google, shipped as a wheel):

* **Balance** is a separable *convex* cost on the expert → sink side: the j-th application
  of an expert costs ``W·(2j−1)``, so the flow minimises ``W·Σ load²``. On this feasible set
  (the expert-load vectors of a bipartite transportation problem form an M-convex set) the
  minimisers of a strictly convex separable sum are exactly the *decreasingly minimal* load
  vectors (Frank & Murota, *Discrete decreasing minimization*, 2022): the maximum load is
  minimal, then the next, … and the minimum is maximal — which is rule 3, including its
  capacity and conflict exceptions, with no search over load levels.
* **Preference** is the arc cost application → expert, weighted far below balance
  (``W`` exceeds any possible preference difference), so it only chooses among the most
  balanced assignments. The default is lexicographic: domain matches first, industry
  overlap second.
* Capacities are arc capacities; fixed pairs are taken out of the network beforehand and
  only count towards their expert's load.
* When the full demand cannot be met, a first pass computes a maximum flow
  (``solve_max_flow_with_min_cost``, priorities as costs) that decides how many experts each
  application can get; the second pass balances and prefers with those amounts.

Only ``⌈L⌉ + 2`` unit arcs per expert are built at first (with a last, linear arc for the
rest); if an expert ever needs the linear arc, the pass is repeated with more unit arcs, so
the result is exact.

:func:`check_rules` is an independent validator (plain breadth-first searches, no solver)
used by the tests and the benchmark; :func:`greedy_baseline` (least-loaded eligible expert
first) exists only for the benchmark's comparison.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

__all__ = [
    "DEFAULT_K",
    "Application",
    "AssignmentResult",
    "Expert",
    "Pair",
    "Preference",
    "assign",
    "check_rules",
    "domain_match",
    "explain_exclusion",
    "greedy_baseline",
    "industry_overlap",
]

#: Experts per application unless the caller says otherwise.
DEFAULT_K = 3

#: ``(expert_id, application_id)`` — the orientation of ``conflicts``, ``fixed`` and pairs.
Pair = tuple[int, int]
#: Scores a pair: a non-negative int, larger is better.
Preference = Callable[["Expert", "Application"], int]

# Keep |cost| × (number of nodes + 1) — OR-Tools' internal cost scaling — well inside int64.
_COST_LIMIT = 2**62


# --------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class Expert:
    """A member of the association's expert panel. ``capacity`` is the declared maximum
    number of applications (``None``: no declared limit)."""

    id: int
    domains: frozenset[str] = frozenset()
    industries: frozenset[str] = frozenset()
    capacity: int | None = None

    def __post_init__(self) -> None:
        if self.capacity is not None and self.capacity < 0:
            raise ValueError(f"expert {self.id}: capacity must not be negative")


@dataclass(frozen=True, slots=True)
class Application:
    """An application to be reviewed: its domain (one of the five) and its industries."""

    id: int
    domain: str
    industries: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AssignmentResult:
    """The outcome of :func:`assign` (or :func:`greedy_baseline`).

    ``pairs`` holds ``(expert_id, application_id)``, fixed pairs included. ``uncovered``
    maps each application that has fewer than ``k`` experts to the reason; ``loads`` has
    every expert of the panel (0 when unassigned); ``rejected_fixed`` maps each fixed pair
    that could not be kept to the reason.
    """

    pairs: frozenset[Pair]
    uncovered: Mapping[int, str]
    k: int
    loads: Mapping[int, int]
    preference_score: int
    industry_score: int
    rejected_fixed: Mapping[Pair, str] = field(default_factory=dict)
    capacities: Mapping[int, int | None] = field(default_factory=dict)
    method: str = "min-cost flow"

    @property
    def spread(self) -> int:
        """Maximum load minus minimum load over all experts (0 for an empty panel)."""
        if not self.loads:
            return 0
        return max(self.loads.values()) - min(self.loads.values())

    @property
    def capped(self) -> frozenset[int]:
        """Experts whose load equals their declared capacity."""
        return frozenset(e for e, load in self.loads.items() if self.capacities.get(e) == load)

    @property
    def free_spread(self) -> int:
        """Maximum load minus the minimum over the experts *below* their declared capacity:
        the part of the spread that capacities do not explain."""
        if not self.loads:
            return 0
        capped = self.capped
        free = [load for e, load in self.loads.items() if e not in capped]
        return max(self.loads.values()) - min(free) if free else 0

    def experts_for(self, application_id: int) -> tuple[int, ...]:
        """The experts assigned to one application, by id."""
        return tuple(sorted(e for e, a in self.pairs if a == application_id))

    def applications_for(self, expert_id: int) -> tuple[int, ...]:
        """The applications assigned to one expert, by id."""
        return tuple(sorted(a for e, a in self.pairs if e == expert_id))

    @property
    def by_application(self) -> dict[int, tuple[int, ...]]:
        """Application id → its experts' ids (only applications with at least one)."""
        grouped: dict[int, list[int]] = {}
        for e, a in self.pairs:
            grouped.setdefault(a, []).append(e)
        return {a: tuple(sorted(es)) for a, es in grouped.items()}


# --------------------------------------------------------------------------- helpers


def domain_match(expert: Expert, application: Application) -> bool:
    """Whether the application's domain is among the expert's domains."""
    return application.domain in expert.domains


def industry_overlap(expert: Expert, application: Application) -> bool:
    """Whether the expert and the application share an industry."""
    return not expert.industries.isdisjoint(application.industries)


def explain_exclusion(
    expert: Expert | int, application: Application | int, conflicts: Mapping[Pair, str]
) -> str | None:
    """Why this pair can never be assigned (the conflict's reason), or ``None``."""
    e = expert.id if isinstance(expert, Expert) else expert
    a = application.id if isinstance(application, Application) else application
    return conflicts.get((e, a))


def _unique(items: Iterable[Expert] | Iterable[Application], what: str) -> None:
    seen: set[int] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"duplicate {what} id {item.id}")
        seen.add(item.id)


@dataclass
class _Problem:
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


def _prepare(
    applications: Iterable[Application],
    experts: Iterable[Expert],
    k: int,
    conflicts: Mapping[Pair, str],
    fixed: Collection[Pair],
) -> _Problem:
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
    return _Problem(
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


def _shortfall_reason(p: _Problem, ai: int, got: int) -> str:
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


def _result(p: _Problem, chosen: list[set[int]], method: str) -> AssignmentResult:
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


# --------------------------------------------------------------------------- optimiser


def _check_status(status: object, what: str) -> None:
    if status != min_cost_flow.SimpleMinCostFlow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ({what}) failed: {status}")


def _pair_scores(
    p: _Problem, rows: np.ndarray, cols: np.ndarray, preference: Preference | None
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


def _max_coverage(p: _Problem, tails: np.ndarray, heads: np.ndarray) -> list[int]:
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
    p: _Problem,
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
    p = _prepare(applications, experts, k, conflicts, fixed)
    n_apps, n_exp = len(p.apps), len(p.experts)
    if n_apps == 0 or n_exp == 0:
        return _result(p, [set() for _ in p.apps], "min-cost flow")

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
    return _result(p, chosen, "min-cost flow")


# --------------------------------------------------------------------------- baseline


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
    p = _prepare(applications, experts, k, conflicts, fixed)
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
    return _result(p, chosen, "greedy")


# --------------------------------------------------------------------------- validator


def check_rules(
    result: AssignmentResult,
    applications: Iterable[Application],
    experts: Iterable[Expert],
    *,
    conflicts: Mapping[Pair, str],
    fixed: Collection[Pair] = frozenset(),
    k: int | None = None,
) -> list[str]:
    """Every rule the result breaks, in words (empty when it keeps them all).

    Independent of the optimiser (breadth-first searches over the result, no solver):
    known ids; no conflict pair; exactly ``k`` distinct experts per application not listed
    as uncovered, fewer (with a reason) for those listed; capacities; fixed pairs kept or
    refused for a valid reason; the reported loads and scores; load balance — no expert
    two or more above another expert below capacity when a chain of reassignments (each
    keeping every rule and every fixed pair) could move one application from the first to
    the second; maximal coverage — no uncovered application could receive another expert
    through such a chain."""
    k = result.k if k is None else k
    apps = {a.id: a for a in applications}
    panel = {e.id: e for e in experts}
    problems: list[str] = []
    n_apps = len(apps)

    def cap_of(e: int) -> int:
        c = panel[e].capacity
        return n_apps if c is None else c

    on_app: dict[int, set[int]] = {a: set() for a in apps}
    load: Counter[int] = Counter()
    for e, a in sorted(result.pairs):
        if e not in panel or a not in apps:
            problems.append(f"pair ({e}, {a}) names an unknown expert or application")
            continue
        if (e, a) in conflicts:
            problems.append(f"pair ({e}, {a}) is a conflict: {conflicts[(e, a)]}")
        on_app[a].add(e)
        load[e] += 1

    for a, members in on_app.items():
        if a in result.uncovered:
            if not result.uncovered[a]:
                problems.append(f"application {a} is uncovered without a reason")
            if len(members) >= k:
                problems.append(f"application {a} is listed as uncovered but has {k} experts")
        elif len(members) != k:
            problems.append(f"application {a} has {len(members)} experts, not {k}")
    for a in result.uncovered:
        if a not in apps:
            problems.append(f"uncovered application {a} is unknown")

    for e in panel:
        if load[e] > cap_of(e):
            problems.append(f"expert {e} has {load[e]} applications, capacity {cap_of(e)}")
        if result.loads.get(e, 0) != load[e]:
            problems.append(f"expert {e}: reported load {result.loads.get(e)} ≠ {load[e]}")

    kept = {p for p in fixed if p in result.pairs}
    kept_per_app = Counter(a for _, a in kept)
    kept_per_expert = Counter(e for e, _ in kept)
    for e, a in fixed:
        if (e, a) in kept:
            continue
        reason = result.rejected_fixed.get((e, a))
        if not reason:
            problems.append(f"fixed pair ({e}, {a}) was dropped without a reason")
        elif (
            e in panel
            and a in apps
            and (e, a) not in conflicts
            and (kept_per_app[a] < k and kept_per_expert[e] < cap_of(e))
        ):
            problems.append(f"fixed pair ({e}, {a}) was refused but breaks no rule")

    pref = sum(
        apps[a].domain in panel[e].domains for e, a in result.pairs if e in panel and a in apps
    )
    if pref != result.preference_score:
        problems.append(f"preference score {result.preference_score} ≠ {pref}")

    # Reassignment graph: x → y when x holds a movable (not fixed) application a that y
    # could take instead (no conflict, not already on a).
    movable = [(e, a) for e, a in result.pairs if (e, a) not in kept and e in panel and a in apps]
    takers: dict[int, set[int]] = {}
    for a in apps:
        takers[a] = {y for y in panel if y not in on_app[a] and (y, a) not in conflicts}
    adj: dict[int, set[int]] = {e: set() for e in panel}
    for e, a in movable:
        adj[e] |= takers[a]

    def reach(starts: Iterable[int]) -> set[int]:
        seen = set(starts)
        queue = deque(seen)
        while queue:
            x = queue.popleft()
            for y in adj[x] - seen:
                seen.add(y)
                queue.append(y)
        return seen

    for hi in sorted(panel):
        below = [lo for lo in panel if load[lo] + 2 <= load[hi] and load[lo] < cap_of(lo)]
        if not below:
            continue
        reachable = reach(adj[hi])
        for lo in below:
            if lo in reachable:
                problems.append(
                    f"unbalanced: expert {hi} has {load[hi]} applications, expert {lo} "
                    f"only {load[lo]}, and a chain of reassignments could move one"
                )
                break

    for a in sorted(result.uncovered):
        if a not in apps or len(on_app[a]) >= k:
            continue
        if any(load[z] < cap_of(z) for z in reach(takers[a])):
            problems.append(f"application {a} is short but could receive another expert")
    return problems
