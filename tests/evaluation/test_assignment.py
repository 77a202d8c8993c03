"""The expert assignment engine (xinban.evaluation.assignment): hand-made examples, then
properties over random panels, conflicts, capacities, fixed pairs and k — each result is
checked both by the module's validator and by plain assertions written here — and a
brute-force optimality check on tiny instances."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinban.evaluation.assignment import (
    Application,
    AssignmentResult,
    Expert,
    Pair,
    assign,
    check_rules,
    explain_exclusion,
    greedy_baseline,
)
from xinban.evaluation.bench_assignment import build_instance, run

DOMAINS = ("制造", "市场服务", "建设工程")
INDUSTRIES = ("汽车", "金融", "教育")
FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fs(*items: str) -> frozenset[str]:
    return frozenset(items)


def panel(n: int, *, capacity: int | None = None, domain: str = "制造") -> list[Expert]:
    return [Expert(100 + j, fs(domain), fs("汽车"), capacity) for j in range(n)]


def round_of(n: int, domain: str = "制造") -> list[Application]:
    return [Application(1 + i, domain, fs("汽车")) for i in range(n)]


def per_application(result: AssignmentResult) -> Counter[int]:
    return Counter(a for _, a in result.pairs)


# --------------------------------------------------------------------------- examples


def test_balanced_loads_on_a_clean_panel() -> None:
    apps, experts = round_of(7), panel(5)
    result = assign(apps, experts, k=3, conflicts={})
    assert result.uncovered == {}
    assert all(n == 3 for n in per_application(result).values())
    assert sorted(result.loads.values()) == [4, 4, 4, 4, 5]  # 21 pairs over 5 experts
    assert result.spread == 1
    assert check_rules(result, apps, experts, conflicts={}) == []


def test_a_declared_capacity_caps_and_the_others_absorb() -> None:
    apps = round_of(6)
    experts = [*panel(3), Expert(200, fs("制造"), fs(), capacity=1)]
    result = assign(apps, experts, k=2, conflicts={})
    assert result.loads[200] == 1
    assert sorted(result.loads[e] for e in (100, 101, 102)) == [3, 4, 4]  # 11 over 3
    assert result.capped == {200}
    assert result.spread == 3 and result.free_spread == 1
    assert check_rules(result, apps, experts, conflicts={}) == []


def test_an_application_every_expert_conflicts_with_is_uncovered_with_the_reason() -> None:
    apps, experts = round_of(4), panel(5)
    conflicts = {(e.id, 2): "本单位" for e in experts}
    result = assign(apps, experts, k=3, conflicts=conflicts)
    assert set(result.uncovered) == {2}
    assert result.uncovered[2] == "only 0 experts without a conflict (需要3位)"
    assert result.experts_for(2) == ()
    assert all(len(result.experts_for(a)) == 3 for a in (1, 3, 4))
    assert not result.pairs & conflicts.keys()
    assert check_rules(result, apps, experts, conflicts=conflicts) == []


def test_too_few_experts_without_a_conflict_get_the_ones_there_are() -> None:
    apps, experts = round_of(3), panel(4)
    conflicts = {(100, 1): "曾任职单位", (101, 1): "本人申报回避"}
    result = assign(apps, experts, k=3, conflicts=conflicts)
    assert result.uncovered == {1: "only 2 experts without a conflict (需要3位)"}
    assert result.experts_for(1) == (102, 103)  # as much as the rules allow
    assert check_rules(result, apps, experts, conflicts=conflicts) == []


def test_k_larger_than_the_panel() -> None:
    apps, experts = round_of(3), panel(2)
    result = assign(apps, experts, k=3, conflicts={})
    assert result.uncovered == {a.id: "only 2 experts on the panel (需要3位)" for a in apps}
    assert all(result.experts_for(a.id) == (100, 101) for a in apps)
    assert check_rules(result, apps, experts, conflicts={}) == []


def test_capacities_summing_below_the_need() -> None:
    apps, experts = round_of(3), panel(3, capacity=2)  # need 9, capacity 6
    result = assign(apps, experts, k=3, conflicts={})
    assert len(result.pairs) == 6
    assert all(load == 2 for load in result.loads.values())
    # The shortfall falls on the application given last, entirely.
    assert set(result.uncovered) == {3}
    assert result.uncovered[3].startswith("capacity exhausted: 0 of 3 experts assigned")
    assert check_rules(result, apps, experts, conflicts={}) == []


def test_conflicts_can_force_an_imbalance_and_it_is_the_smallest_possible() -> None:
    apps, experts = round_of(10), panel(3)
    conflicts = {(e, a): "本单位" for e in (101, 102) for a in range(1, 9)}
    result = assign(apps, experts, k=1, conflicts=conflicts)
    assert result.uncovered == {}
    assert result.loads == {100: 8, 101: 1, 102: 1}  # 101 and 102 can only take 9 and 10
    assert check_rules(result, apps, experts, conflicts=conflicts) == []


def test_a_hopeless_application_does_not_take_capacity_from_a_coverable_one() -> None:
    apps = round_of(2)
    experts = [Expert(100, capacity=1), Expert(101, capacity=1)]
    conflicts = {(101, 1): "本单位"}
    result = assign(apps, experts, k=2, conflicts=conflicts)
    assert result.uncovered == {1: "only 1 experts without a conflict (需要2位)"}
    assert result.experts_for(2) == (100, 101)
    assert check_rules(result, apps, experts, conflicts=conflicts) == []


def test_domain_match_is_preferred_within_balance() -> None:
    apps = [*round_of(4, "制造"), *(Application(10 + i, "建设工程") for i in range(4))]
    experts = [*panel(2, domain="制造"), Expert(300, fs("建设工程")), Expert(301, fs("建设工程"))]
    result = assign(apps, experts, k=1, conflicts={})
    assert result.preference_score == 8
    assert all(result.loads[e.id] == 2 for e in experts)
    greedy = greedy_baseline(apps, experts, k=1, conflicts={})
    assert greedy.preference_score <= result.preference_score


def test_industry_overlap_breaks_ties_between_domain_matches() -> None:
    apps = [Application(1, "制造", fs("金融")), Application(2, "制造", fs("汽车"))]
    experts = [Expert(100, fs("制造"), fs("汽车")), Expert(101, fs("制造"), fs("金融"))]
    result = assign(apps, experts, k=1, conflicts={})
    assert result.pairs == {(101, 1), (100, 2)}
    assert result.industry_score == 2


def test_a_custom_preference() -> None:
    apps, experts = round_of(2), panel(4)
    result = assign(
        apps, experts, k=1, conflicts={}, preference=lambda e, a: int(e.id in (102, 103))
    )
    assert {e for e, _ in result.pairs} == {102, 103}
    with pytest.raises(ValueError, match="non-negative int"):
        assign(apps, experts, k=1, conflicts={}, preference=lambda e, a: -1)


def test_fixed_pairs_are_kept_and_invalid_ones_refused_with_a_reason() -> None:
    apps, experts = round_of(3), panel(4)
    conflicts = {(101, 2): "本单位"}
    fixed = {(100, 1), (101, 2), (100, 3), (101, 3), (102, 3), (999, 1)}
    result = assign(apps, experts, k=2, conflicts=conflicts, fixed=fixed)
    assert {(100, 1), (100, 3), (101, 3)} <= result.pairs
    assert result.rejected_fixed == {
        (101, 2): "conflict: 本单位",
        (102, 3): "application 3 already has 2 fixed experts",
        (999, 1): "expert 999 is not on the panel",
    }
    assert (101, 2) not in result.pairs
    assert check_rules(result, apps, experts, conflicts=conflicts, fixed=fixed) == []


def test_a_fixed_pair_beyond_the_declared_capacity_is_refused() -> None:
    apps = round_of(3)
    experts = [Expert(100, capacity=1), *panel(3)[1:]]
    fixed = {(100, 1), (100, 2)}
    result = assign(apps, experts, k=1, conflicts={}, fixed=fixed)
    assert (100, 1) in result.pairs
    assert result.rejected_fixed == {(100, 2): "expert 100's declared capacity (1) is used up"}
    assert check_rules(result, apps, experts, conflicts={}, fixed=fixed) == []


def test_explain_exclusion() -> None:
    expert, app = Expert(7), Application(9, "制造")
    conflicts = {(7, 9): "推荐单位评审组成员"}
    assert explain_exclusion(expert, app, conflicts) == "推荐单位评审组成员"
    assert explain_exclusion(7, 9, conflicts) == "推荐单位评审组成员"
    assert explain_exclusion(Expert(8), app, conflicts) is None


def test_invalid_input_is_refused() -> None:
    with pytest.raises(ValueError, match="k must be"):
        assign(round_of(1), panel(1), k=0, conflicts={})
    with pytest.raises(ValueError, match="duplicate expert"):
        assign(round_of(1), [Expert(1), Expert(1)], conflicts={})
    with pytest.raises(ValueError, match="duplicate application"):
        assign([Application(1, "制造"), Application(1, "制造")], panel(3), conflicts={})
    with pytest.raises(ValueError, match="capacity"):
        Expert(1, capacity=-1)


def test_empty_inputs() -> None:
    assert assign([], panel(3), conflicts={}).pairs == frozenset()
    result = assign(round_of(2), [], k=2, conflicts={})
    assert set(result.uncovered) == {1, 2} and result.spread == 0


def test_the_validator_catches_broken_results() -> None:
    apps, experts = round_of(4), panel(3)
    conflicts = {(100, 1): "本单位"}
    good = assign(apps, experts, k=1, conflicts=conflicts, fixed={(102, 4)})
    assert check_rules(good, apps, experts, conflicts=conflicts, fixed={(102, 4)}) == []

    def with_pairs(pairs: set[Pair], **extra: object) -> AssignmentResult:
        loads = Counter(e for e, _ in pairs)
        fields: dict[str, object] = {
            "pairs": frozenset(pairs),
            "uncovered": {},
            "k": 1,
            "loads": {e.id: loads[e.id] for e in experts},
            "preference_score": len(pairs),
            "industry_score": len(pairs),
        }
        fields.update(extra)
        return AssignmentResult(**fields)  # type: ignore[arg-type]

    conflict = with_pairs({(100, 1), (101, 2), (102, 3), (101, 4)})
    assert any("conflict" in p for p in check_rules(conflict, apps, experts, conflicts=conflicts))
    lopsided = with_pairs({(101, 1), (101, 2), (101, 3), (102, 4)})
    assert any("unbalanced" in p for p in check_rules(lopsided, apps, experts, conflicts={}))
    short = with_pairs({(101, 1), (102, 2), (100, 3)})
    assert any("has 0 experts" in p for p in check_rules(short, apps, experts, conflicts={}))
    lazy = with_pairs({(101, 1), (102, 2), (100, 3)}, uncovered={4: "capacity exhausted"})
    assert any("could receive" in p for p in check_rules(lazy, apps, experts, conflicts={}))
    dropped = with_pairs({(101, 1), (102, 2), (100, 3), (101, 4)})
    assert any(
        "dropped" in p for p in check_rules(dropped, apps, experts, conflicts={}, fixed={(102, 4)})
    )
    capped = [Expert(100, capacity=0), *experts[1:]]
    over = with_pairs({(100, 1), (101, 2), (102, 3), (101, 4)})
    assert any("capacity 0" in p for p in check_rules(over, apps, capped, conflicts={}))


def test_benchmark_small_optimiser_at_least_as_good_as_greedy() -> None:
    for seed in range(3):
        figures = run(seed, n_applications=240, n_experts=20)
        assert figures["optimiser_violations"] == 0
        assert figures["optimiser_uncovered"] == 0
        assert figures["optimiser_spread"] <= figures["greedy_spread"]
        assert figures["optimiser_free_spread"] <= figures["greedy_free_spread"]
        assert figures["optimiser_preference"] >= figures["greedy_preference"]
        assert figures["at_least_as_good"] is True


def test_benchmark_instance_shape() -> None:
    inst = build_instance(1, n_applications=300, n_experts=40)
    assert len(inst.applications) == 300 and len(inst.experts) == 40
    rate = len(inst.conflicts) / (300 * 40)
    assert 0.03 < rate < 0.07
    assert any(e.capacity is not None for e in inst.experts)


# --------------------------------------------------------------------------- properties


@st.composite
def instances(
    draw: st.DrawFn, *, with_conflicts: bool = True, with_fixed: bool = True
) -> tuple[list[Application], list[Expert], dict[Pair, str], set[Pair], int]:
    k = draw(st.integers(min_value=1, max_value=4))
    n_experts = draw(st.integers(min_value=0, max_value=8))
    n_apps = draw(st.integers(min_value=0, max_value=10))
    labels = st.sets(st.sampled_from(INDUSTRIES), max_size=2).map(frozenset)
    experts = [
        Expert(
            100 + j,
            draw(st.sets(st.sampled_from(DOMAINS), max_size=2).map(frozenset)),
            draw(labels),
            draw(st.none() | st.integers(min_value=0, max_value=6)),
        )
        for j in range(n_experts)
    ]
    apps = [Application(1 + i, draw(st.sampled_from(DOMAINS)), draw(labels)) for i in range(n_apps)]
    all_pairs = [(e.id, a.id) for e in experts for a in apps]
    conflicts: dict[Pair, str] = {}
    fixed: set[Pair] = set()
    if all_pairs and with_conflicts:
        density = draw(st.sampled_from([0.0, 0.1, 0.3, 0.7]))
        flags = draw(st.lists(st.floats(0, 1), min_size=len(all_pairs), max_size=len(all_pairs)))
        reasons = st.sampled_from(["本单位", "曾任职单位", "推荐单位评审组成员", "本人申报回避"])
        conflicts = {p: draw(reasons) for p, f in zip(all_pairs, flags, strict=True) if f < density}
    if all_pairs and with_fixed:
        fixed = draw(st.sets(st.sampled_from(all_pairs), max_size=4))
    return apps, experts, conflicts, fixed, k


def assert_rules_by_hand(
    result: AssignmentResult,
    apps: list[Application],
    experts: list[Expert],
    conflicts: Mapping[Pair, str],
    fixed: set[Pair],
    k: int,
) -> None:
    """The rules, restated without the module's validator."""
    ids = {e.id for e in experts}
    count = per_application(result)
    assert not result.pairs & conflicts.keys()
    assert {e for e, _ in result.pairs} <= ids
    for app in apps:
        if app.id in result.uncovered:
            assert result.uncovered[app.id]
            assert count[app.id] < k
        else:
            assert count[app.id] == k
    for e in experts:
        assert result.loads[e.id] == sum(1 for x, _ in result.pairs if x == e.id)
        if e.capacity is not None:
            assert result.loads[e.id] <= e.capacity
    for pair in fixed:
        assert pair in result.pairs or result.rejected_fixed.get(pair)
        if pair in conflicts:
            assert pair not in result.pairs
    # Applications that cannot have k conflict-free experts are always reported.
    for app in apps:
        free = sum((e.id, app.id) not in conflicts for e in experts)
        if free < k:
            assert app.id in result.uncovered
            assert "without a conflict" in result.uncovered[app.id] or (
                "on the panel" in result.uncovered[app.id]
            )


@FAST
@given(instances())
def test_every_assignment_keeps_every_rule(case: tuple) -> None:
    apps, experts, conflicts, fixed, k = case
    result = assign(apps, experts, k=k, conflicts=conflicts, fixed=fixed)
    assert check_rules(result, apps, experts, conflicts=conflicts, fixed=fixed) == []
    assert_rules_by_hand(result, apps, experts, conflicts, fixed, k)
    # Deterministic.
    assert assign(apps, experts, k=k, conflicts=conflicts, fixed=fixed) == result


@FAST
@given(instances(with_conflicts=False, with_fixed=False))
def test_no_expert_more_than_one_above_another_unless_capped(case: tuple) -> None:
    apps, experts, conflicts, fixed, k = case
    result = assign(apps, experts, k=k, conflicts=conflicts, fixed=fixed)
    for hi in experts:
        for lo in experts:
            if result.loads[hi.id] > result.loads[lo.id] + 1:
                assert result.loads[lo.id] == lo.capacity, (hi, lo, result.loads)


@FAST
@given(instances())
def test_the_optimiser_is_never_worse_than_greedy(case: tuple) -> None:
    apps, experts, conflicts, fixed, k = case
    best = assign(apps, experts, k=k, conflicts=conflicts, fixed=fixed)
    greedy = greedy_baseline(apps, experts, k=k, conflicts=conflicts, fixed=fixed)
    # Greedy keeps the hard rules too (conflicts, capacities, fixed pairs)...
    assert_rules_by_hand(greedy, apps, experts, conflicts, fixed, k)
    # ...but never covers more.
    assert len(best.pairs) >= len(greedy.pairs)
    if greedy.uncovered:
        return
    assert best.uncovered == {}
    assert best.spread <= greedy.spread
    assert best.free_spread <= greedy.free_spread
    # Balance first (Σ load² is minimal, hence the spread), then the preference.
    best_sq = sum(x * x for x in best.loads.values())
    greedy_sq = sum(x * x for x in greedy.loads.values())
    assert best_sq <= greedy_sq
    if best_sq == greedy_sq or not check_rules(
        greedy, apps, experts, conflicts=conflicts, fixed=fixed
    ):
        assert (best.preference_score, best.industry_score) >= (
            greedy.preference_score,
            greedy.industry_score,
        )


@st.composite
def tiny_instances(
    draw: st.DrawFn,
) -> tuple[list[Application], list[Expert], dict[Pair, str], int]:
    k = draw(st.integers(min_value=1, max_value=2))
    experts = [
        Expert(
            100 + j,
            draw(st.sets(st.sampled_from(DOMAINS[:2]), max_size=1).map(frozenset)),
            draw(st.sets(st.sampled_from(INDUSTRIES[:2]), max_size=1).map(frozenset)),
            draw(st.none() | st.integers(min_value=1, max_value=3)),
        )
        for j in range(draw(st.integers(min_value=k, max_value=4)))
    ]
    apps = [
        Application(
            1 + i, draw(st.sampled_from(DOMAINS[:2])), fs(draw(st.sampled_from(INDUSTRIES[:2])))
        )
        for i in range(draw(st.integers(min_value=1, max_value=3)))
    ]
    pairs = [(e.id, a.id) for e in experts for a in apps]
    conflicts = {p: "本单位" for p in draw(st.sets(st.sampled_from(pairs), max_size=3))}
    return apps, experts, conflicts, k


@FAST
@given(tiny_instances())
def test_optimal_against_brute_force(case: tuple) -> None:
    """Among *all* assignments that keep the rules, none has a better preference."""
    apps, experts, conflicts, k = case
    result = assign(apps, experts, k=k, conflicts=conflicts)
    options = [
        [
            c
            for c in itertools.combinations([e.id for e in experts], k)
            if not any((e, a.id) in conflicts for e in c)
        ]
        for a in apps
    ]
    best: tuple[int, int] | None = None
    by_id = {e.id: e for e in experts}
    for choice in itertools.product(*options):
        pairs = frozenset((e, a.id) for a, c in zip(apps, choice, strict=True) for e in c)
        loads = Counter(e for e, _ in pairs)
        if any(e.capacity is not None and loads[e.id] > e.capacity for e in experts):
            continue
        candidate = AssignmentResult(
            pairs=pairs,
            uncovered={},
            k=k,
            loads={e.id: loads[e.id] for e in experts},
            preference_score=sum(
                a.domain in by_id[e].domains
                for e, a in ((e, next(x for x in apps if x.id == ai)) for e, ai in pairs)
            ),
            industry_score=0,
        )
        if check_rules(candidate, apps, experts, conflicts=conflicts):
            continue
        # Every rule-keeping assignment is as balanced as the optimiser's (Σ load² equal).
        assert sum(x * x for x in candidate.loads.values()) == sum(
            x * x for x in result.loads.values()
        )
        score = (
            candidate.preference_score,
            sum(
                not by_id[e].industries.isdisjoint(next(x for x in apps if x.id == ai).industries)
                for e, ai in pairs
            ),
        )
        best = score if best is None else max(best, score)
    if best is None:  # no assignment covers everything: the result must say so
        assert result.uncovered
    else:
        assert result.uncovered == {}
        assert (result.preference_score, result.industry_score) == best
