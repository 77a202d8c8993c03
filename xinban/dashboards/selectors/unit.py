"""A recommending unit's dashboard."""

from __future__ import annotations

from typing import Any

from xinban.dashboards.filters import Filters
from xinban.dashboards.selectors.figures import _figures
from xinban.dashboards.selectors.shared import Options, Scope, cached, options
from xinban.organisations.models import RecommendingUnit


def unit_figures(
    unit: RecommendingUnit,
    filters: Filters,
    *,
    version: int | None = None,
    opts: Options | None = None,
) -> dict[str, Any]:
    """A recommending unit's dashboard: its own submitted applications only."""
    the_options = opts or options(version)
    mine = Filters(**{**filters.__dict__, "unit": unit.pk, "unit_kind": ""})
    result: dict[str, Any] = cached(
        ["unit", unit.pk, mine.params()],
        lambda: _figures(Scope(unit.pk), mine, the_options),
        version=version,
    )
    return result
