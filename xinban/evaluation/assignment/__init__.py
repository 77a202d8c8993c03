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

The modules: ``data`` (the plain data and the default preferences), ``problem`` (an
instance as index arrays, shared), ``optimiser`` (:func:`assign`), ``baseline``
(:func:`greedy_baseline`), ``validator`` (:func:`check_rules`). This package re-exports
them, so ``from xinban.evaluation.assignment import assign`` keeps working.
"""

from xinban.evaluation.assignment.baseline import greedy_baseline
from xinban.evaluation.assignment.data import (
    DEFAULT_K,
    Application,
    AssignmentResult,
    Expert,
    Pair,
    Preference,
    domain_match,
    explain_exclusion,
    industry_overlap,
)
from xinban.evaluation.assignment.optimiser import assign
from xinban.evaluation.assignment.validator import check_rules

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
