"""The dashboards' summary rows for the demo data (called by ``seed_demo`` after every
other area's, dashboards coming late in INSTALLED_APPS): the demo generator writes with
``bulk_create``, which the rows' signals do not see (docs/benchmarks.md, "Dashboards:
summary rows")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xinban.dashboards import tallies

if TYPE_CHECKING:
    from xinban.ops.demo_data import DemoContext


def seed(ctx: DemoContext) -> None:
    tallies.rebuild()
