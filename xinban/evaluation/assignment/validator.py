"""An independent check of the rules (plain breadth-first searches, no solver), used by the
tests and the benchmark."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Collection, Iterable, Mapping

from xinban.evaluation.assignment.data import Application, AssignmentResult, Expert, Pair


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
