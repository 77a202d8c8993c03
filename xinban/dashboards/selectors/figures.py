"""The dashboards' figures: the funnel, the year-over-year comparison and the
breakdowns of a year, for a scope (the association or one unit)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Value
from django.utils.translation import gettext as _

from xinban.applications.models import Application
from xinban.core import compiled
from xinban.dashboards.filters import (
    UNIT_STAGES_BEFORE_RESULTS,
    Filters,
    narrow,
    narrow_registrations,
    stage_q,
)
from xinban.dashboards.models import Tally
from xinban.dashboards.selectors.progress import _progress, _reports
from xinban.dashboards.selectors.shared import (
    BREAKDOWN_STAGES,
    CAMPAIGN,
    COUNT,
    DICT_COUNTS,
    DIMENSION,
    ROW_COLUMNS,
    UNIT,
    VALUE,
    Options,
    Row,
    Scope,
    Year,
    _campaign_id,
    _present,
    _registration_of,
    _series,
    _tallied,
    _tally,
)
from xinban.dashboards.tallies import ALL_UNITS, REGISTERED
from xinban.evaluation.models import Decision
from xinban.organisations.models import Registration
from xinban.recommendation.counts import on_list
from xinban.recommendation.models import ReportStatus, UnitRecommendationReport


def _kind_units(filters: Filters, opts: Options) -> tuple[int, ...] | None:
    """The units of the filters' unit kind (``None``: no kind chosen)."""
    if not filters.unit_kind:
        return None
    return tuple(pk for pk, kind in opts.kind_of_unit.items() if kind == filters.unit_kind)


def _unit_q(unit: int | None, units: tuple[int, ...] | None) -> Q:
    """The summary rows of the unit or of the units of a kind (``Q()``: every unit's)."""
    q = Q()
    if unit:
        q &= Q(unit_id=unit)
    if units is not None:
        q &= Q(unit_id__in=units)
    return q


def _tally_query(
    campaign_id: int | None, unit: int | None, units: tuple[int, ...] | None
) -> QuerySet[Any]:
    """The overall summary rows of every year — the unit's or the kind's, else the
    roll-up's (the year-over-year chart) — and, with ``campaign_id``, that year's rows:
    each unit's overall rows (the chart by unit) and the dimensions' rows, of the unit or
    kind, else their roll-up."""
    mine = _unit_q(unit, units)
    rollup = not (unit or units is not None)
    q = Q(dimension="") & mine
    if rollup:  # with each year's registrations
        q = Q(unit_id=ALL_UNITS, dimension__in=("", REGISTERED))
    if campaign_id is None:
        pass
    elif rollup:  # two terms an index each answers: (campaign, dimension, unit), (campaign, unit)
        q |= Q(campaign_id=campaign_id, dimension="", unit_id__gt=ALL_UNITS)
        q |= Q(campaign_id=campaign_id, unit_id=ALL_UNITS) & ~Q(dimension="")
    else:
        q |= Q(campaign_id=campaign_id) & mine
    return Tally.objects.filter(q).values_list(*ROW_COLUMNS).order_by()


def _read_tallies(
    filters: Filters, opts: Options, *, every_year: bool = True
) -> tuple[list[Row], list[Row] | None]:
    """Every year's overall rows (``_years``) and the filters' year's rows
    (``_breakdowns``, the units' progress) in one query (``_tallied`` filters), its SQL
    written once (``core.compiled``): the year's own overall rows may be in both.
    ``every_year=False``: the year's rows only."""
    campaign_id = (_campaign_id(opts, filters.year) or 0) if filters.year else None
    units = _kind_units(filters, opts)
    rows: list[Row] = compiled.rows(_tally_query, campaign_id, filters.unit, units)
    if campaign_id is None:
        return rows, None
    rollup = not (filters.unit or filters.unit_kind)
    per_year: list[Row] = []
    year_rows: list[Row] = []
    for row in rows:
        if row[DIMENSION] == REGISTERED:  # (the roll-up's: ``_years`` reads them)
            if every_year:
                per_year.append(row)
            continue
        overall = row[DIMENSION] == ""
        if every_year and overall and (not rollup or row[UNIT] == ALL_UNITS):
            per_year.append(row)
        if row[CAMPAIGN] == campaign_id and (not rollup or overall != (row[UNIT] == ALL_UNITS)):
            year_rows.append(row)
    return per_year, year_rows


def _breakdowns(
    scope: Scope,
    filters: Filters,
    opts: Options,
    stages: Sequence[str],
    year_rows: list[Row] | None = None,
) -> list[dict[str, Any]]:
    """Every breakdown of the year from two scans: one GROUP BY (unit, team type, domain,
    nature, state) summed in Python per dimension, and one over the registrations'
    industries (an organisation may name several: its applications count in each)."""
    applied = narrow(Application.objects.all(), filters).filter(stage_q("applied"))
    dimensions: dict[str, list[Row]] | None = None
    rows: Any  # Row tuples (summary rows) or dicts (the applications' GROUP BY)
    if _tallied(filters):  # the year's summary rows: a few hundred, whatever the size
        dimensions = {"": [], "team_type": [], "domain": [], "nature": [], "industry": []}
        if year_rows is None:
            year_rows = _read_tallies(filters, opts, every_year=False)[1] or []
        for row in year_rows:
            dimensions[row[DIMENSION]].append(row)
        rows = dimensions[""]
    else:
        rows = list(
            applied.annotate(
                domain=_registration_of("domain_id"),
                nature=_registration_of("nature_id"),
                listed=on_list(),
            )
            .values("recommending_unit_id", "team_type_id", "domain", "nature", "state", "listed")
            .annotate(n=Count("id"))
            .order_by()
        )

    def by(dimension: str) -> dict[Any, dict[str, int]]:
        if dimensions is not None:
            return _tally(dimensions[dimension], itemgetter(VALUE), stages)
        column = {"team_type": "team_type_id"}.get(dimension, dimension)
        return _tally(rows, lambda r: r[column], stages, DICT_COUNTS)

    charts: list[dict[str, Any]] = []

    def chart(key: str, title: str, categories: Sequence[tuple[Any, str]], counts: Any) -> None:
        shown = _present(categories, counts)
        charts.append(
            {
                "key": key,
                "title": title,
                "labels": [label for _k, label in shown],
                "ids": [k for k, _label in shown],
                "series": _series(
                    stages,
                    shown,
                    counts,
                    urls=lambda stage, keys: scope.list_urls(filters, stage, key, keys),
                ),
            }
        )

    if not scope.is_unit:
        kind_of = opts.kind_of_unit.get
        if dimensions is not None:
            by_unit = _tally(rows, itemgetter(UNIT), stages)
            by_kind = _tally(rows, lambda r: kind_of(r[UNIT]), stages)
        else:
            by_unit = _tally(rows, lambda r: r["recommending_unit_id"], stages, DICT_COUNTS)
            by_kind = _tally(
                rows, lambda r: kind_of(r["recommending_unit_id"]), stages, DICT_COUNTS
            )
        chart("unit", _("按区/推荐单位"), opts.units, by_unit)
        chart("unit_kind", _("按推荐单位类别"), opts.unit_kinds, by_kind)
    chart("domain", _("按重点领域"), opts.domains, by("domain"))
    chart("nature", _("按单位性质"), opts.natures, by("nature"))
    if dimensions is not None:
        industries = by("industry")
    else:
        through = Registration.industries.through
        prefix = "registration__organisation__applications__"
        industries = _tally(
            through.objects.filter(
                **{
                    prefix + "campaign": F("registration__campaign"),
                    prefix + "id__in": applied.values("pk"),
                }
            )
            .values("industry_id", state=F(prefix + "state"), listed=on_list(prefix + "id"))
            .annotate(n=Count(prefix[:-2]))
            .order_by(),
            lambda r: r["industry_id"],
            stages,
            DICT_COUNTS,
        )
    chart("industry", _("按重点产业"), opts.industries, industries)
    chart("team_type", _("按班组类型"), opts.team_types, by("team_type"))
    return charts


def _years(
    scope: Scope, filters: Filters, opts: Options, per_year_rows: list[Row] | None = None
) -> dict[str, Any]:
    """Every year side by side (the year filter left out): year-over-year. Applications
    are counted per (year, state) — with no filter, from the (campaign, state) index
    alone; the national recommendations from the few decision rows."""
    every_year = Filters(**{**filters.__dict__, "year": None, "stage": ""})
    stages = scope.stages(published=True)
    application_stages = [s for s in stages if s != "registered"]
    scoped = narrow(Application.objects.all(), every_year)
    year_of = opts.year_of_campaign.get
    if _tallied(every_year):  # the summary rows: a few per unit and year
        if per_year_rows is None:
            per_year_rows = _read_tallies(every_year, opts)[0]
        counts = _tally(
            (r for r in per_year_rows if r[DIMENSION] != REGISTERED),
            lambda r: year_of(r[CAMPAIGN]),
            application_stages,
        )
    else:  # drafts and withdrawn ones reach no stage: no WHERE on the state
        counts = _tally(
            scoped.annotate(listed=on_list())
            .values("campaign_id", "state", "listed")
            .annotate(n=Count("id"))
            .order_by(),
            lambda r: year_of(r["campaign_id"]),
            application_stages,
            DICT_COUNTS,
        )
    # The registrations per year: the roll-up's summary rows when nothing narrows them.
    registered = "registered" in stages
    if registered and _tallied(every_year) and not (every_year.unit or every_year.unit_kind):
        for row in per_year_rows or ():
            if row[DIMENSION] == REGISTERED:
                counts.setdefault(year_of(row[CAMPAIGN]), {})["registered"] = row[COUNT]
        registered = False
    # The national recommendations (0) and the registrations (1) per year: one query.
    national = "national" in application_stages
    if national or registered:
        # national first: a year with registrations only has no application stages
        for what, campaign_id, n in sorted(
            compiled.rows(_per_campaign_query, every_year, national, registered)
        ):
            year = year_of(campaign_id)
            if what == 0:
                bucket = counts.setdefault(year, dict.fromkeys(application_stages, 0))
                bucket["national"] = n
            else:
                counts.setdefault(year, {})["registered"] = n
    years = sorted(year for year, _label in opts.years)
    categories = [(year, str(year)) for year in years]
    series = _series(
        stages,
        categories,
        counts,
        urls=lambda stage, keys: scope.list_urls(every_year, stage, "year", keys),
    )
    if scope.is_unit:  # results of unpublished years are not the unit's to see yet
        for item in series:
            if item["key"] not in UNIT_STAGES_BEFORE_RESULTS:
                for index, year in enumerate(years):
                    if not opts.results_published.get(year):
                        item["values"][index] = None
                        item["urls"][index] = None
    change = []
    applied: list[int | None] = next((s["values"] for s in series if s["key"] == "applied"), [])
    for index, year in enumerate(years):
        before = applied[index - 1] if index else None
        now = applied[index] if applied else None
        change.append(
            {
                "year": year,
                "applied": now,
                "change": None
                if not before or now is None
                else round((now - before) / before * 100, 1),
            }
        )
    return {"labels": [str(y) for y in years], "series": series, "change": change}


def _per_campaign_query(every_year: Filters, national: bool, registered: bool) -> QuerySet[Any]:
    """(0, campaign, n) of the applications with a national recommendation and (1,
    campaign, n) of the registrations, per year, narrowed to ``every_year``: one UNION
    ALL, its SQL written once (``core.compiled``)."""
    per_campaign: list[QuerySet[Any]] = []
    if national:
        # The applications among the few national decisions' (IN a subquery): a join
        # would let SQLite's planner walk every application's index entry instead.
        decided = Decision.objects.filter(national=True).values("application_id")
        per_campaign.append(
            narrow(Application.objects.all(), every_year)
            .filter(pk__in=decided)
            .annotate(what=Value(0))
            .values_list("what", "campaign_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    if registered:
        per_campaign.append(
            narrow_registrations(Registration.objects.all(), every_year)
            .annotate(what=Value(1))
            .values_list("what", "campaign_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    head, *tail = per_campaign
    return head.union(*tail, all=True) if tail else head


def _funnel(years: Mapping[str, Any], year: int | None, note: str = "") -> list[dict[str, Any]]:
    """The year's steps; ``note`` goes with "recommended" (its 附件5 status)."""
    if year is None or str(year) not in years["labels"]:
        return []
    index = years["labels"].index(str(year))
    return [
        {
            "key": item["key"],
            "label": item["label"],
            "value": item["values"][index],
            "url": item["urls"][index],
            "note": note if item["key"] == "recommended" else "",
        }
        for item in years["series"]
        if item["values"][index] is not None
    ]


def _report_note(
    scope: Scope,
    filters: Filters,
    campaign: Year | None,
    reports: Mapping[int, str] | None = None,
) -> str:
    """The status of the 附件5 behind "recommended" (which counts the unit's list filed
    or not, docs/rules.md "Counts"): a unit's own (填写中, 已报送, 推荐无效 or 未开始);
    for staff, how many units' are filed and how many still being filled in. One query."""
    if campaign is None:
        return ""
    statuses: dict[str, int]
    if reports is not None:  # every unit's, already read (the staff's, unfiltered)
        statuses = dict(Counter(reports.values()))
    else:
        statuses = dict(
            compiled.rows(_statuses_query, campaign.pk, filters.unit, filters.unit_kind)
        )
    labels = dict(ReportStatus.choices)
    if scope.is_unit:
        status = next(iter(statuses), "")
        return _("附件5：%(status)s") % {"status": labels.get(status, _("未开始"))}
    return _("附件5 已报送 %(submitted)d 家，填写中 %(draft)d 家") % {
        "submitted": statuses.get(ReportStatus.SUBMITTED, 0),
        "draft": statuses.get(ReportStatus.DRAFT, 0),
    }


def _statuses_query(campaign_id: int, unit: int | None, unit_kind: str) -> QuerySet[Any]:
    """How many 附件5 of the year are in each status, of the unit or unit kind."""
    rows = UnitRecommendationReport.objects.filter(campaign_id=campaign_id)
    if unit:
        rows = rows.filter(unit_id=unit)
    if unit_kind:
        rows = rows.filter(unit__kind=unit_kind)
    return rows.values_list("status").annotate(n=Count("id")).order_by()


def _figures(scope: Scope, filters: Filters, opts: Options) -> dict[str, Any]:
    year = filters.year or opts.current_year
    filters = Filters(**{**filters.__dict__, "year": year, "stage": ""})
    published = bool(year and opts.results_published.get(year))
    stages = [s for s in scope.stages(published) if s in BREAKDOWN_STAGES]
    per_year_rows, year_rows = _read_tallies(filters, opts) if _tallied(filters) else (None, None)
    years = _years(scope, filters, opts, per_year_rows)
    campaign = opts.campaign_of_year.get(year) if year else None
    unit_rows = None  # each unit's overall rows of the year, for the units' progress
    if year_rows is not None and not (scope.is_unit or filters.unit or filters.unit_kind):
        unit_rows = [row for row in year_rows if row[DIMENSION] == ""]
    reports = None  # every unit's 附件5 status: the note and the units' progress
    if campaign is not None and not (scope.is_unit or filters.unit or filters.unit_kind):
        reports = _reports(campaign)
    return {
        "year": year,
        "scope": "unit" if scope.is_unit else "staff",
        "unit_id": scope.unit_id,
        "results_published": published,
        "filters": filters.params(),
        "funnel": _funnel(years, year, _report_note(scope, filters, campaign, reports)),
        "years": years,
        "breakdowns": _breakdowns(scope, filters, opts, stages, year_rows) if year else [],
        "progress": _progress(scope, campaign, opts, unit_rows, reports),
    }
