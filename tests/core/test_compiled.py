"""``core.compiled``: a read's SQL is written once per arguments, its rows are read fresh
on every call."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Count, QuerySet

from xinban.core import compiled
from xinban.organisations.models import RecommendingUnit, UnitKind

BUILT: list[tuple[Any, ...]] = []


def _units_of_kind(kind: str) -> QuerySet[Any]:
    BUILT.append((kind,))
    return (
        RecommendingUnit.objects.filter(kind=kind)
        .values_list("name", "position")
        .order_by("position", "name")
    )


def _per_kind() -> QuerySet[Any]:
    return RecommendingUnit.objects.values_list("kind").annotate(n=Count("id")).order_by("kind")


def _none_of(pks: tuple[int, ...]) -> QuerySet[Any]:
    return RecommendingUnit.objects.filter(pk__in=pks).values_list("pk")


@pytest.fixture(autouse=True)
def _fresh() -> None:
    BUILT.clear()
    compiled._compiled.cache_clear()


def test_the_rows_are_those_of_the_queryset(unit_x: Any, unit_y: Any) -> None:
    RecommendingUnit.objects.create(name="某集团", kind=UnitKind.GROUP, position=9)
    for kind in (UnitKind.DISTRICT, UnitKind.GROUP):
        assert compiled.rows(_units_of_kind, kind) == list(_units_of_kind(kind))
    assert compiled.rows(_per_kind) == list(_per_kind())


def test_the_sql_is_built_once_per_arguments(unit_x: Any) -> None:
    compiled.rows(_units_of_kind, UnitKind.DISTRICT)
    compiled.rows(_units_of_kind, UnitKind.DISTRICT)
    compiled.rows(_units_of_kind, UnitKind.GROUP)
    assert BUILT == [(UnitKind.DISTRICT,), (UnitKind.GROUP,)]


def test_the_rows_are_read_fresh_on_every_call(unit_x: Any) -> None:
    before = compiled.rows(_units_of_kind, unit_x.kind)
    RecommendingUnit.objects.create(name="新设单位", kind=unit_x.kind, position=99)
    RecommendingUnit.objects.filter(pk=unit_x.pk).update(position=100)
    after = compiled.rows(_units_of_kind, unit_x.kind)
    assert len(after) == len(before) + 1
    assert after[-1] == (unit_x.name, 100)
    assert len(BUILT) == 1


def test_a_query_that_cannot_match_returns_no_rows_without_asking(
    unit_x: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        assert compiled.rows(_none_of, ()) == []
    assert compiled.rows(_none_of, (unit_x.pk,)) == [(unit_x.pk,)]
