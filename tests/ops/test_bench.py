"""The bench's naming of its result lines (the measurements themselves run in `make bench`,
never in the tests: docs/benchmarks.md)."""

from __future__ import annotations

import pytest

from xinban.ops.management.commands import bench


@pytest.fixture
def on(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def switch(database: str) -> None:
        monkeypatch.setattr(bench, "DATABASE", database)

    return switch


def test_sqlite_lines_keep_their_names(on) -> None:  # type: ignore[no-untyped-def]
    on("sqlite")
    line = "ranking_uncached_vs_minimal ratio=2.00 target<=5"
    assert bench.named(line) == line


def test_postgresql_lines_are_suffixed_pg(on) -> None:  # type: ignore[no-untyped-def]
    on("postgresql")
    assert (
        bench.named("dashboard_staff_uncached_vs_minimal ratio=2.50 target<=3")
        == "dashboard_staff_uncached_vs_minimal_pg ratio=2.50 target<=3"
    )
    assert bench.named("ranking_queries 500=13 5000=13") == "ranking_queries_pg 500=13 5000=13"
    assert bench.named("  ranking@5k median=14.00ms") == "  ranking_pg@5k median=14.00ms"
    assert bench.named("lonely") == "lonely_pg"
    assert (
        bench.named("similarity_recall=1.000 target>=0.95")
        == "similarity_recall_pg=1.000 target>=0.95"
    )


def test_figures_over_target_are_missed() -> None:
    assert not bench.Figure("x_uncached_vs_minimal", 5.5, bench.UNCACHED_RANKING_TARGET).ok
    assert bench.Figure("x_uncached_vs_minimal", 4.9, bench.UNCACHED_RANKING_TARGET).ok
