"""The association's dashboard."""

from __future__ import annotations

from typing import Any

from xinban.dashboards.filters import Filters
from xinban.dashboards.selectors.figures import _figures
from xinban.dashboards.selectors.shared import Options, Scope, cached, options


def staff_figures(
    filters: Filters, *, version: int | None = None, opts: Options | None = None
) -> dict[str, Any]:
    """Everything on the association's dashboard (``version``: the data version when the
    caller has read it already; ``opts``: the options likewise)."""
    the_options = opts or options(version)
    result: dict[str, Any] = cached(
        ["staff", filters.params()],
        lambda: _figures(Scope(), filters, the_options),
        version=version,
    )
    return result
