"""The dashboards' reads, by use case: ``staff`` (the association's dashboard), ``unit``
(a recommending unit's), ``figures`` (the funnel, years and breakdowns both show),
``progress`` (phases, units', judges'), ``shared`` (cache, options, scope, links, the
summary rows); every name re-exported here.

The figures come from the summary rows (``xinban.dashboards.tallies``: a few hundred
rows a year, whatever the number of applications) when the filters allow, otherwise
from one aggregate query per chart; either way the page runs a constant number of
queries.

The figures are plain data (lists, dicts, str, int), the same for the page (passed to the
charts with ``json_script``) and the JSON API, each number with the URL of the list behind
it. They are cached per filter set and language; the cache key includes the latest audit
log id, and every state change writes the audit log, so a change shows at once. Writes
that bypass the services (the Django admin, bulk imports) show within
``XINBAN_DASHBOARD_CACHE_SECONDS`` (default 300).
"""

from __future__ import annotations

from xinban.dashboards.selectors.figures import _breakdowns, _figures, _funnel, _report_note, _years
from xinban.dashboards.selectors.progress import (
    _elapsed,
    _judge_url,
    _judges,
    _lagging,
    _phases,
    _progress,
    _staff_list,
    _units_progress,
)
from xinban.dashboards.selectors.shared import (
    _PLAIN,
    BREAKDOWN_STAGES,
    CACHE_PREFIX,
    STAGE_PHASE,
    Options,
    Scope,
    _by,
    _campaign_id,
    _options,
    _present,
    _query,
    _registration_of,
    _reverse,
    _reversed,
    _series,
    _tallied,
    _tallies,
    _tally,
    cached,
    data_version,
    describe,
    options,
)
from xinban.dashboards.selectors.staff import staff_figures
from xinban.dashboards.selectors.unit import unit_figures

__all__ = [
    "BREAKDOWN_STAGES",
    "CACHE_PREFIX",
    "STAGE_PHASE",
    "Options",
    "Scope",
    "_PLAIN",
    "_breakdowns",
    "_by",
    "_campaign_id",
    "_elapsed",
    "_figures",
    "_funnel",
    "_judge_url",
    "_judges",
    "_lagging",
    "_options",
    "_phases",
    "_present",
    "_progress",
    "_query",
    "_registration_of",
    "_report_note",
    "_reverse",
    "_reversed",
    "_series",
    "_staff_list",
    "_tallied",
    "_tallies",
    "_tally",
    "_units_progress",
    "_years",
    "cached",
    "data_version",
    "describe",
    "options",
    "staff_figures",
    "unit_figures",
]
