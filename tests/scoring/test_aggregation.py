"""The aggregation and ranking engine (xinban.scoring.aggregation): worked examples with
hand-computed numbers, and properties checked against plain reference implementations
written here with Fractions or floats."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from xinban.scoring.aggregation import (
    ApplicationResult,
    Criterion,
    JudgeScore,
    RankedResult,
    TotalsSummary,
    aggregate,
    disagreement,
    evaluate,
    evaluate_summaries,
    normalise,
    rank,
    round_display,
    weighted_total,
)

D = Decimal

# --------------------------------------------------------------------------- strategies

totals_st = st.decimals(min_value=0, max_value=100, places=2)
score_lists = st.lists(totals_st, min_size=1, max_size=12)


@st.composite
def rubric_and_points(draw: st.DrawFn) -> tuple[list[Criterion], dict[str, Decimal]]:
    n = draw(st.integers(min_value=1, max_value=8))
    criteria = []
    points = {}
    for i in range(n):
        max_points = draw(st.decimals(min_value=D("0.5"), max_value=50, places=1))
        weight = draw(st.decimals(min_value=D("0.01"), max_value=5, places=2))
        criteria.append(Criterion(key=f"c{i}", weight=weight, max_points=max_points))
        points[f"c{i}"] = draw(st.decimals(min_value=0, max_value=max_points, places=1))
    return criteria, points


@st.composite
def panels(draw: st.DrawFn, max_total: int = 100) -> list[JudgeScore]:
    """A sparse judge × application matrix of totals: some judges score one application,
    some none, some every one."""
    n_judges = draw(st.integers(min_value=1, max_value=5))
    n_apps = draw(st.integers(min_value=1, max_value=6))
    total = st.decimals(min_value=0, max_value=max_total, places=1)
    sheets = [
        JudgeScore(judge_id=j, application_id=100 + a, total=t)
        for j in range(1, n_judges + 1)
        for a in range(n_apps)
        if (t := draw(st.none() | total)) is not None
    ]
    assume(sheets)
    return sheets


# --------------------------------------------------------------------------- references


def ref_aggregate(values: list[Fraction], threshold: int = 5) -> Fraction:
    if len(values) >= threshold:
        values = sorted(values)[1:-1]
    return sum(values, Fraction(0)) / len(values)


def ref_normalise(sheets: list[JudgeScore]) -> list[float]:
    def pmean(xs: list[float]) -> float:
        return sum(xs) / len(xs)

    def pstdev(xs: list[float]) -> float:
        m = pmean(xs)
        return math.sqrt(sum((x - m) ** 2 for x in xs) / len(xs))

    everything = [float(s.total) for s in sheets]
    big_m, big_s = pmean(everything), pstdev(everything)
    own: dict[int, list[float]] = defaultdict(list)
    for s in sheets:
        own[s.judge_id].append(float(s.total))
    out = []
    for s in sheets:
        m, sd = pmean(own[s.judge_id]), pstdev(own[s.judge_id])
        x = float(s.total)
        out.append(x - m + big_m if sd < 1e-12 else big_m + big_s * (x - m) / sd)
    return out


def ref_competition_ranks(scores: list[Decimal | None]) -> list[int | None]:
    return [None if s is None else 1 + sum(o is not None and o > s for o in scores) for s in scores]


def close(a: Decimal | None, b: float | Fraction, tol: float = 1e-9) -> bool:
    assert a is not None
    return abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b)))


# --------------------------------------------------------------------------- weighted_total

SIX = [
    Criterion("composition", D(1), D(15)),
    Criterion("management", D(1), D(15)),
    Criterion("skills", D(1), D(20)),
    Criterion("improvement", D(1), D(20)),
    Criterion("results", D(1), D(20)),
    Criterion("honours", D(1), D(10)),
]


def test_weighted_total_with_equal_weights_is_the_share_of_all_points() -> None:
    points = {
        "composition": D(12),
        "management": D("13.5"),
        "skills": D(18),
        "improvement": D(16),
        "results": D(17),
        "honours": D(8),
    }
    # 12 + 13.5 + 18 + 16 + 17 + 8 = 84.5 of 100 points
    assert weighted_total(points, SIX) == D("84.5")


def test_weighted_total_worked_example_with_weights() -> None:
    criteria = [Criterion("a", D(2), D(10)), Criterion("b", D(1), D(20))]
    # 100 × (2×7 + 1×15) / (2×10 + 1×20) = 100 × 29 / 40 = 72.5
    assert weighted_total({"a": D(7), "b": D(15)}, criteria) == D("72.5")


def test_weighted_total_keeps_precision_and_rounds_only_for_display() -> None:
    total = weighted_total({"x": D(2)}, [Criterion("x", D(1), D(3))])
    assert total == D("66.66666666666666666666666667")  # 200/3 to 28 significant digits
    assert round_display(total) == D("66.67")
    assert round_display(D("66.665")) == D("66.67")  # half up, 四舍五入
    assert round_display(None) is None


@given(rubric_and_points())
def test_weighted_total_is_between_0_and_100(
    case: tuple[list[Criterion], dict[str, Decimal]],
) -> None:
    criteria, points = case
    total = weighted_total(points, criteria)
    assert D(0) <= total <= D(100)
    expected = (
        100
        * sum(Fraction(c.weight) * Fraction(points[c.key]) for c in criteria)
        / sum(Fraction(c.weight) * Fraction(c.max_points) for c in criteria)
    )
    assert close(total, expected, 1e-20)
    assert weighted_total({c.key: c.max_points for c in criteria}, criteria) == 100
    assert weighted_total({c.key: D(0) for c in criteria}, criteria) == 0


@given(rubric_and_points(), st.data())
def test_weighted_total_refuses_points_out_of_range(
    case: tuple[list[Criterion], dict[str, Decimal]], data: st.DataObject
) -> None:
    criteria, points = case
    victim = data.draw(st.sampled_from(criteria))
    bad = data.draw(
        st.decimals(max_value=D("-0.1"), places=1, allow_nan=False, allow_infinity=False)
        | st.decimals(
            min_value=victim.max_points + D("0.1"), places=1, allow_nan=False, allow_infinity=False
        )
    )
    with pytest.raises(ValueError, match=victim.key):
        weighted_total({**points, victim.key: bad}, criteria)


def test_weighted_total_refuses_missing_unknown_and_bad_input() -> None:
    full = {c.key: D(5) for c in SIX}
    with pytest.raises(ValueError, match="honours"):
        weighted_total({k: v for k, v in full.items() if k != "honours"}, SIX)
    with pytest.raises(ValueError, match="extra"):
        weighted_total({**full, "extra": D(1)}, SIX)
    with pytest.raises(ValueError):
        weighted_total({}, [])
    with pytest.raises(ValueError):
        weighted_total({"a": D(1)}, [Criterion("a", D(1), D(5)), Criterion("a", D(1), D(5))])
    with pytest.raises(ValueError):
        weighted_total({"a": D(1)}, [Criterion("a", D(0), D(5))])
    with pytest.raises(ValueError):
        weighted_total({"a": D("NaN")}, [Criterion("a", D(1), D(5))])
    with pytest.raises(TypeError):
        weighted_total({"a": 1.5}, [Criterion("a", D(1), D(5))])  # type: ignore[dict-item]
    with pytest.raises(ValueError):
        Criterion("a", D(-1), D(5))
    with pytest.raises(ValueError):
        Criterion("a", D(1), D(0))


# --------------------------------------------------------------------------- aggregate


def test_aggregate_worked_examples() -> None:
    # five judges: drop 95 and 70, (80 + 85 + 90) / 3 = 85
    assert aggregate([D(80), D(95), D(85), D(70), D(90)]) == D(85)
    # four judges: plain mean (70 + 80 + 90 + 100) / 4 = 85
    assert aggregate([D(70), D(80), D(90), D(100)]) == D(85)
    # ties at the ends: only one of each is dropped: (60 + 90 + 90) / 3 = 80
    assert aggregate([D(60), D(60), D(90), D(90), D(90)]) == D(80)
    # the threshold is a parameter
    assert aggregate([D(1), D(2), D(9)], trim_threshold=3) == D(2)
    assert aggregate([D(1), D(2), D(9)]) == D(4)
    assert aggregate([]) is None
    assert aggregate([D("77.25")]) == D("77.25")
    with pytest.raises(ValueError):
        aggregate([D(1), D(2)], trim_threshold=2)


@given(score_lists, st.integers(min_value=3, max_value=8))
def test_aggregate_matches_reference(totals: list[Decimal], threshold: int) -> None:
    result = aggregate(totals, trim_threshold=threshold)
    assert close(result, ref_aggregate([Fraction(t) for t in totals], threshold), 1e-20)


@given(score_lists)
def test_trimming_only_from_five_judges(totals: list[Decimal]) -> None:
    result = aggregate(totals)
    plain = sum(map(Fraction, totals), Fraction(0)) / len(totals)
    if len(totals) < 5:
        assert close(result, plain, 1e-20)
    else:
        trimmed = sorted(map(Fraction, totals))[1:-1]
        assert close(result, sum(trimmed, Fraction(0)) / len(trimmed), 1e-20)


@given(score_lists)
def test_aggregate_lies_between_min_and_max(totals: list[Decimal]) -> None:
    result = aggregate(totals)
    assert result is not None
    assert min(totals) <= result <= max(totals)


@given(score_lists.flatmap(lambda xs: st.tuples(st.just(xs), st.permutations(xs))))
def test_aggregate_ignores_order(case: tuple[list[Decimal], list[Decimal]]) -> None:
    original, shuffled = case
    assert aggregate(original) == aggregate(shuffled)
    assert disagreement(original) == disagreement(shuffled)


# --------------------------------------------------------------------------- disagreement


def test_disagreement_worked_examples() -> None:
    assert disagreement([D(80), D(95)])  # range 15
    assert disagreement([D(80), D(94)])  # range 14, stdev 14/√2 ≈ 9.9
    assert not disagreement([D(80), D(91)])  # range 11, stdev ≈ 7.78
    assert disagreement([D(70), D(70), D(84)])  # range 14, stdev 14/√3 ≈ 8.08
    assert not disagreement([D(70), D(78), D(78), D(78), D(84)])  # range 14, stdev ≈ 4.98
    assert not disagreement([D(0)])
    assert not disagreement([])
    # exactly at the thresholds counts: 1, 3, 5 has sample variance 4, stdev 2
    assert disagreement([D(1), D(3), D(5)], range_threshold=D(100), stdev_threshold=D(2))
    assert not disagreement(
        [D(1), D(3), D(5)], range_threshold=D(100), stdev_threshold=D("2.000001")
    )
    assert disagreement([D(1), D(3), D(5)], range_threshold=D(4), stdev_threshold=D(100))
    with pytest.raises(ValueError):
        disagreement([D(1)], stdev_threshold=D(-1))


@given(
    score_lists,
    st.decimals(min_value=0, max_value=100, places=1),
    st.decimals(min_value=0, max_value=50, places=1),
)
def test_disagreement_matches_reference(
    totals: list[Decimal], range_threshold: Decimal, stdev_threshold: Decimal
) -> None:
    xs = [float(t) for t in totals]
    spread = max(xs) - min(xs)
    sd = math.sqrt(sum((x - sum(xs) / len(xs)) ** 2 for x in xs) / (len(xs) - 1)) if xs[1:] else 0
    # stay away from the float-rounding boundary; the exact boundary is a worked example
    assume(abs(spread - float(range_threshold)) > 1e-9 and abs(sd - float(stdev_threshold)) > 1e-9)
    expected = len(xs) >= 2 and (spread >= range_threshold or sd >= stdev_threshold)
    assert disagreement(
        totals, range_threshold=range_threshold, stdev_threshold=stdev_threshold
    ) is bool(expected)


# --------------------------------------------------------------------------- normalise


def test_normalise_worked_example_harsh_and_lenient_judge_agree() -> None:
    # Judge 1 (harsh, narrow): A 60, B 70 -> mean 65, stdev 5.
    # Judge 2 (lenient, wide): A 70, B 100 -> mean 85, stdev 15.
    # Panel: 60, 70, 70, 100 -> mean 75, population stdev 15.
    # Both judges put A one stdev below their mean and B one above: 75 ∓ 15.
    sheets = [
        JudgeScore(1, 1, D(60)),
        JudgeScore(1, 2, D(70)),
        JudgeScore(2, 1, D(70)),
        JudgeScore(2, 2, D(100)),
    ]
    assert normalise(sheets) == [
        JudgeScore(1, 1, D(60)),
        JudgeScore(1, 2, D(90)),
        JudgeScore(2, 1, D(60)),
        JudgeScore(2, 2, D(90)),
    ]


def test_normalise_judge_without_spread_lands_on_the_panel_mean() -> None:
    # Judge 3 gives 90 to both; judge 4 scored one application. Totals: 60, 70, 70, 100,
    # 90, 90, 90 -> panel mean 570 / 7 ≈ 81.43; judges 3 and 4 are shifted there.
    sheets = [
        JudgeScore(1, 1, D(60)),
        JudgeScore(1, 2, D(70)),
        JudgeScore(2, 1, D(70)),
        JudgeScore(2, 2, D(100)),
        JudgeScore(3, 1, D(90)),
        JudgeScore(3, 2, D(90)),
        JudgeScore(4, 2, D(90)),
    ]
    result = normalise(sheets)
    panel_mean = D(570) / D(7)
    assert [s.total for s in result[4:]] == [panel_mean] * 3
    assert [(s.judge_id, s.application_id) for s in result] == [
        (s.judge_id, s.application_id) for s in sheets
    ]


def test_normalise_edge_cases() -> None:
    assert normalise([]) == []
    one = [JudgeScore(1, 1, D("73.5"))]
    assert normalise(one) == one
    # a single judge is their own panel: unchanged
    alone = [JudgeScore(1, a, D(t)) for a, t in [(1, 60), (2, 75), (3, 90)]]
    assert normalise(alone) == alone
    with pytest.raises(ValueError, match="two sheets"):
        normalise([JudgeScore(1, 1, D(60)), JudgeScore(1, 1, D(70))])


@given(panels())
def test_normalise_matches_reference(sheets: list[JudgeScore]) -> None:
    result = normalise(sheets)
    assert [(s.judge_id, s.application_id) for s in result] == [
        (s.judge_id, s.application_id) for s in sheets
    ]
    for got, want in zip(result, ref_normalise(sheets), strict=True):
        assert close(got.total, want)


@given(panels().flatmap(lambda xs: st.tuples(st.just(xs), st.permutations(xs))))
def test_normalise_ignores_order(case: tuple[list[JudgeScore], list[JudgeScore]]) -> None:
    original, shuffled = case
    assert sorted(normalise(original), key=str) == sorted(normalise(shuffled), key=str)


@given(panels(max_total=90), st.integers(min_value=1, max_value=5))
def test_shifting_one_judge_by_ten_points_changes_no_normalised_ranking(
    sheets: list[JudgeScore], judge: int
) -> None:
    shifted = [
        JudgeScore(s.judge_id, s.application_id, s.total + 10 if s.judge_id == judge else s.total)
        for s in sheets
    ]
    groups = {s.application_id: "domain" for s in sheets}
    # Compared at 6 places: the exact-arithmetic ties must survive the irrational rescaling.
    before = evaluate(sheets, groups=groups, normalise_judges=True, places=6)
    after = evaluate(shifted, groups=groups, normalise_judges=True, places=6)
    assert [(r.application_id, r.rank) for r in before] == [
        (r.application_id, r.rank) for r in after
    ]
    # Stronger: every score moved by one increasing affine map M' + S'/S × (score − M).
    raw, raw_shifted = [float(s.total) for s in sheets], [float(s.total) for s in shifted]
    m0, m1 = sum(raw) / len(raw), sum(raw_shifted) / len(raw_shifted)
    s0 = math.sqrt(sum((x - m0) ** 2 for x in raw) / len(raw))
    s1 = math.sqrt(sum((x - m1) ** 2 for x in raw_shifted) / len(raw_shifted))
    if s0 > 1e-9:
        for b, a in zip(before, after, strict=True):
            assert b.score is not None and a.score is not None
            assert close(a.score, m1 + s1 / s0 * (float(b.score) - m0), 1e-7)


# --------------------------------------------------------------------------- rank


def test_rank_worked_example_competition_ranking_within_groups() -> None:
    results = [
        ApplicationResult(1, "manufacturing", D(85)),
        ApplicationResult(2, "manufacturing", D(90)),
        ApplicationResult(3, "manufacturing", D(85)),
        ApplicationResult(4, "manufacturing", D(80)),
        ApplicationResult(5, "manufacturing", None),
        ApplicationResult(6, "services", D(70)),
        ApplicationResult(7, "services", D(95)),
    ]
    ranked = rank(results)
    assert [(r.group, r.application_id, r.rank) for r in ranked] == [
        ("manufacturing", 2, 1),
        ("manufacturing", 1, 2),
        ("manufacturing", 3, 2),
        ("manufacturing", 4, 4),
        ("manufacturing", 5, None),
        ("services", 7, 1),
        ("services", 6, 2),
    ]


def test_rank_tiebreak_orders_ties_but_shares_the_rank() -> None:
    early, late = datetime(2025, 5, 1, 9), datetime(2025, 5, 2, 9)
    results = [
        ApplicationResult(1, "g", D(85), tiebreak=(late,)),
        ApplicationResult(2, "g", D(85), tiebreak=(early,)),
        ApplicationResult(3, "g", None, tiebreak=(late,)),
        ApplicationResult(4, "g", None, tiebreak=(early,)),
    ]
    assert [(r.application_id, r.rank) for r in rank(results)] == [
        (2, 1),
        (1, 1),
        (4, None),
        (3, None),
    ]


def test_rank_compares_at_display_precision_by_default() -> None:
    results = [
        ApplicationResult(1, "g", D("85.004")),
        ApplicationResult(2, "g", D("85.001")),
        ApplicationResult(3, "g", D("84.995")),  # shown as 85.00 too (half up)
        ApplicationResult(4, "g", D("84.994")),
    ]
    assert [(r.application_id, r.rank) for r in rank(results)] == [(1, 1), (2, 1), (3, 1), (4, 4)]
    assert [(r.application_id, r.rank) for r in rank(results, places=None)] == [
        (1, 1),
        (2, 2),
        (3, 3),
        (4, 4),
    ]
    # the score itself is passed through at full precision
    assert rank(results)[0].score == D("85.004")


def test_rank_refuses_duplicates() -> None:
    with pytest.raises(ValueError):
        rank([ApplicationResult(1, "g", D(1)), ApplicationResult(1, "g", D(2))])


results_st = st.lists(
    st.builds(
        ApplicationResult,
        application_id=st.integers(min_value=1, max_value=40),
        group=st.sampled_from(["a", "b", "c"]),
        # few distinct values so that ties are common
        score=st.none() | st.sampled_from([D(70), D("80.5"), D(85), D("85.001"), D(90)]),
        tiebreak=st.tuples(st.integers(min_value=0, max_value=3)),
    ),
    max_size=25,
    unique_by=lambda r: r.application_id,
)


@given(results_st.flatmap(lambda xs: st.tuples(st.just(xs), st.permutations(xs))))
def test_rank_is_independent_of_input_order(
    case: tuple[list[ApplicationResult], list[ApplicationResult]],
) -> None:
    original, shuffled = case
    assert rank(original) == rank(shuffled)


@given(results_st, st.sampled_from([None, 2]))
def test_ranks_are_competition_ranks(results: list[ApplicationResult], places: int | None) -> None:
    ranked = rank(results, places=places)
    assert sorted(r.application_id for r in ranked) == sorted(r.application_id for r in results)
    by_group: dict[str, list[RankedResult]] = defaultdict(list)
    for r in ranked:
        by_group[r.group].append(r)
    assert list(by_group) == sorted(by_group)  # groups in key order, contiguous
    assert sum(map(len, by_group.values())) == len(ranked)
    tiebreak = {r.application_id: r.tiebreak for r in results}
    for members in by_group.values():
        shown = [round_display(r.score) if places == 2 else r.score for r in members]
        assert [r.rank for r in members] == ref_competition_ranks(shown)
        # order: scored by descending score, then ties by (tiebreak, id); unscored last
        keys = [
            (s is None, -(s if s is not None else 0), tiebreak[r.application_id], r.application_id)
            for r, s in zip(members, shown, strict=True)
        ]
        assert keys == sorted(keys)


# --------------------------------------------------------------------------- evaluate


def test_evaluate_worked_example() -> None:
    sheets = [
        # application 1: five judges -> trimmed: drop 95 and 70, (80 + 85 + 90) / 3 = 85;
        # raw mean (70 + 80 + 85 + 90 + 95) / 5 = 84; range 25 -> flagged
        *(JudgeScore(j, 1, D(t)) for j, t in zip(range(1, 6), [80, 95, 85, 70, 90], strict=True)),
        # application 2: two judges, 84 and 86 -> 85, not flagged: ties with 1, later id
        JudgeScore(1, 2, D(84)),
        JudgeScore(2, 2, D(86)),
        # application 3: one judge
        JudgeScore(3, 3, D("91.5")),
        # application 5: other domain
        JudgeScore(4, 5, D(60)),
    ]
    groups = {1: "industry", 2: "industry", 3: "industry", 4: "industry", 5: "services"}
    assert evaluate(sheets, groups=groups) == [
        RankedResult(3, "industry", D("91.5"), 1, False, 1, D("91.5")),
        RankedResult(1, "industry", D(85), 5, True, 2, D(84)),
        RankedResult(2, "industry", D(85), 2, False, 2, D(85)),
        RankedResult(4, "industry", None, 0, False, None, None),  # nobody scored it yet
        RankedResult(5, "services", D(60), 1, False, 1, D(60)),
    ]
    # an earlier submission wins the tie's order, not the rank
    tiebroken = evaluate(sheets, groups=groups, tiebreaks={1: (2,), 2: (1,)})
    assert [(r.application_id, r.rank) for r in tiebroken][:3] == [(3, 1), (2, 2), (1, 2)]


def test_evaluate_with_normalisation() -> None:
    sheets = [
        JudgeScore(1, 1, D(60)),
        JudgeScore(1, 2, D(70)),
        JudgeScore(2, 1, D(70)),
        JudgeScore(2, 2, D(100)),
    ]
    groups = {1: "g", 2: "g"}
    plain = evaluate(sheets, groups=groups)
    assert [(r.application_id, r.score, r.raw_mean, r.flagged) for r in plain] == [
        (2, D(85), D(85), True),  # 70 vs 100: range 30
        (1, D(65), D(65), False),
    ]
    normalised = evaluate(sheets, groups=groups, normalise_judges=True)
    # see the normalise worked example: both judges give A 60 and B 90 once normalised
    assert [(r.application_id, r.score, r.raw_mean, r.flagged, r.rank) for r in normalised] == [
        (2, D(90), D(85), False, 1),
        (1, D(60), D(65), False, 2),
    ]


def test_evaluate_refuses_inconsistent_input() -> None:
    with pytest.raises(ValueError, match="without a group"):
        evaluate([JudgeScore(1, 9, D(50))], groups={1: "g"})
    with pytest.raises(ValueError, match="two sheets"):
        evaluate([JudgeScore(1, 1, D(50)), JudgeScore(1, 1, D(60))], groups={1: "g"})
    with pytest.raises(ValueError):
        evaluate([], groups={}, trim_threshold=1)
    assert evaluate([], groups={}) == []


@given(
    panels().flatmap(lambda xs: st.tuples(st.just(xs), st.permutations(xs))),
    st.booleans(),
)
def test_evaluate_is_independent_of_sheet_order(
    case: tuple[list[JudgeScore], list[JudgeScore]], normalise_judges: bool
) -> None:
    original, shuffled = case
    groups = {s.application_id: "odd" if s.application_id % 2 else "even" for s in original}
    assert evaluate(original, groups=groups, normalise_judges=normalise_judges) == evaluate(
        shuffled, groups=groups, normalise_judges=normalise_judges
    )


@given(panels(), st.booleans())
def test_evaluate_matches_reference(sheets: list[JudgeScore], normalise_judges: bool) -> None:
    groups = {s.application_id: "g" for s in sheets}
    values = ref_normalise(sheets) if normalise_judges else [float(s.total) for s in sheets]
    per_app: dict[int, list[float]] = defaultdict(list)
    raw: dict[int, list[float]] = defaultdict(list)
    for s, v in zip(sheets, values, strict=True):
        per_app[s.application_id].append(v)
        raw[s.application_id].append(float(s.total))
    for r in evaluate(sheets, groups=groups, normalise_judges=normalise_judges):
        vs = per_app[r.application_id]
        assert r.judges == len(vs)
        assert close(r.score, ref_aggregate([Fraction(v) for v in vs]))
        assert close(r.raw_mean, sum(raw[r.application_id]) / len(vs))


mixed_totals = (
    st.decimals(min_value=0, max_value=100, places=3)
    | st.decimals(min_value=0, max_value=100, places=1)
    | st.integers(min_value=0, max_value=100).map(Decimal)
)


@given(
    st.lists(
        st.tuples(st.integers(1, 7), st.integers(1, 6), mixed_totals),
        min_size=1,
        max_size=40,
        unique_by=lambda t: (t[0], t[1]),
    ),
    st.integers(min_value=3, max_value=7),
    st.decimals(min_value=0, max_value=30, places=1),
    st.decimals(min_value=0, max_value=12, places=2),
)
def test_evaluate_in_integers_equals_the_fraction_path_exactly(
    rows: list[tuple[int, int, Decimal]],
    trim_threshold: int,
    range_threshold: Decimal,
    stdev_threshold: Decimal,
) -> None:
    """Without normalisation evaluate() sums scaled integers; its results are those of the
    exact Fraction computation, bit for bit (docs/benchmarks.md)."""
    from unittest import mock

    from xinban.scoring.aggregation import from_sheets

    sheets = [JudgeScore(judge_id=j, application_id=a, total=t) for j, a, t in rows]
    groups = {a: "odd" if a % 2 else "even" for a in range(1, 8)}  # 7: no sheets
    options = {
        "groups": groups,
        "trim_threshold": trim_threshold,
        "range_threshold": range_threshold,
        "stdev_threshold": stdev_threshold,
    }
    fast = evaluate(sheets, **options)  # type: ignore[arg-type]
    with mock.patch.object(from_sheets, "_scaled_totals", return_value=None) as scaled:
        exact = evaluate(sheets, **options)  # type: ignore[arg-type]
    assert scaled.called
    assert fast == exact
    # From per-application sums, as a database's GROUP BY gives them (thousandths).
    thousandths: dict[int, list[int]] = defaultdict(list)
    for _j, a, t in rows:
        thousandths[a].append(int(t * 1000))
    summaries = {
        a: TotalsSummary(
            n=len(vs), total=sum(vs), low=min(vs), high=max(vs), squares=sum(v * v for v in vs)
        )
        for a, vs in thousandths.items()
    }
    assert evaluate_summaries(summaries, scale=3, **options) == exact  # type: ignore[arg-type]
