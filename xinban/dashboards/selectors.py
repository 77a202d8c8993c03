"""The dashboards' figures: one aggregate query (``values`` + ``annotate`` + ``Count``) per
chart, whatever the number of applications, years or units, so the page runs a constant
number of queries.

The figures are plain data (lists, dicts, str, int), the same for the page (passed to the
charts with ``json_script``) and the JSON API, each number with the URL of the list behind
it. They are cached per filter set and language; the cache key includes the latest audit
log id, and every state change writes the audit log, so a change shows at once. Writes
that bypass the services (the Django admin, bulk imports) show within
``XINBAN_DASHBOARD_CACHE_SECONDS`` (default 300).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xinban.applications.models import Application
from xinban.campaigns.models import (
    Campaign,
    Domain,
    Industry,
    OrganisationNature,
    Phase,
    PhaseKind,
    TeamType,
)
from xinban.core.models import AuditEntry
from xinban.dashboards.filters import (
    STAGE_LABELS,
    STAGES,
    UNIT_STAGES_BEFORE_RESULTS,
    Filters,
    narrow,
    narrow_registrations,
    reached,
    stage_q,
)
from xinban.dashboards.models import Tally
from xinban.dashboards.tallies import ALL_UNITS
from xinban.evaluation.models import Decision
from xinban.organisations.models import RecommendingUnit, Registration, UnitKind
from xinban.recommendation.counts import on_list
from xinban.recommendation.models import ReportStatus, UnitRecommendationReport
from xinban.scoring.models import ScoreSheet, SheetStatus, Stage

CACHE_PREFIX = "xinban:dashboards:"
# The series of the breakdown charts (each a subset of the one before).
BREAKDOWN_STAGES = ("applied", "recommended", "selected")
# Which phase a stage's judges work in.
STAGE_PHASE: dict[str, str] = {
    Stage.UNIT: PhaseKind.RECOMMENDATION,
    Stage.EXPERT: PhaseKind.EVALUATION,
}


# --------------------------------------------------------------------------- caching


def data_version() -> int:
    """The latest audit log id: it moves with every state change (one indexed query)."""
    return int(AuditEntry.objects.aggregate(v=Max("id"))["v"] or 0)


def cached(parts: Sequence[Any], build: Callable[[], Any], *, version: int | None = None) -> Any:
    """``build()``, cached under ``parts`` + the data version + the language."""
    seconds = int(getattr(settings, "XINBAN_DASHBOARD_CACHE_SECONDS", 300))
    if seconds <= 0:
        return build()
    version = data_version() if version is None else version
    raw = json.dumps([version, translation.get_language(), *parts], default=str)
    key = CACHE_PREFIX + hashlib.sha256(raw.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, seconds)
    return value


# --------------------------------------------------------------------------- options


@dataclass
class Options:
    """What the filters offer (and the labels of the charts' categories)."""

    years: list[tuple[int, str]] = field(default_factory=list)
    current_year: int | None = None
    results_published: dict[int, bool] = field(default_factory=dict)
    units: list[tuple[int, str]] = field(default_factory=list)
    unit_kinds: list[tuple[str, str]] = field(default_factory=list)
    domains: list[tuple[int, str]] = field(default_factory=list)
    natures: list[tuple[int, str]] = field(default_factory=list)
    industries: list[tuple[int, str]] = field(default_factory=list)
    team_types: list[tuple[int, str]] = field(default_factory=list)
    kind_of_unit: dict[int, str] = field(default_factory=dict)
    year_of_campaign: dict[int, int] = field(default_factory=dict)

    def choices(self) -> dict[str, list[tuple[Any, str]]]:
        return {
            "year": list(self.years),
            "unit_kind": list(self.unit_kinds),
            "unit": list(self.units),
            "domain": list(self.domains),
            "nature": list(self.natures),
            "industry": list(self.industries),
            "team_type": list(self.team_types),
            "stage": [],
        }


def _options() -> Options:
    from xinban.campaigns.selectors import campaign_current

    campaigns = list(
        Campaign.objects.order_by("-year").values_list("pk", "year", "results_published")
    )
    current = campaign_current()
    units = list(RecommendingUnit.objects.order_by("position", "name"))
    return Options(
        years=[(year, str(year)) for _pk, year, _published in campaigns],
        current_year=current.year if current else None,
        results_published={year: published for _pk, year, published in campaigns},
        units=[(u.pk, u.name) for u in units],
        kind_of_unit={u.pk: u.kind for u in units},
        year_of_campaign={pk: year for pk, year, _published in campaigns},
        unit_kinds=[(k, str(label)) for k, label in UnitKind.choices],
        domains=[(t.pk, t.label) for t in Domain.objects.all()],
        natures=[(t.pk, t.label) for t in OrganisationNature.objects.all()],
        industries=[(t.pk, t.label) for t in Industry.objects.all()],
        team_types=[(t.pk, t.label) for t in TeamType.objects.all()],
    )


def options(version: int | None = None) -> Options:
    result: Options = cached(["options"], _options, version=version)
    return result


# --------------------------------------------------------------------------- scopes


@dataclass(frozen=True)
class Scope:
    """Whose dashboard: staff (everything) or one recommending unit (its own submitted
    applications; the association's results only once the year's are published)."""

    unit_id: int | None = None

    @property
    def is_unit(self) -> bool:
        return self.unit_id is not None

    @functools.cached_property
    def _lists(self) -> dict[str, str]:
        """The lists' URLs, reversed once per dashboard (a few hundred numbers link to
        them)."""
        urls = {
            "registered": reverse("organisations:staff_registrations") + "?",
            "applications": reverse("applications:staff_list") + "?",
        }
        if self.unit_id is not None:
            urls["inbox"] = reverse("recommendation:inbox", args=[self.unit_id]) + "?"
        return urls

    def list_url(self, filters: Filters, stage: str, **dimension: Any) -> str | None:
        """The list behind a number: the staff list of applications, a unit's inbox, or
        for 报名 the staff list of registrations (units do not see registrations)."""
        if stage == "registered":
            if self.is_unit:
                return None
            params = {k: v for k, v in filters.params(**dimension).items() if k != "stage"}
            return self._lists["registered"] + _query(params)
        params = filters.params(stage=stage, **dimension)
        if self.is_unit:
            params.pop("unit", None)
            return self._lists["inbox"] + _query(params)
        return self._lists["applications"] + _query(params)

    def stages(self, published: bool) -> list[str]:
        keys = [key for key, _label in STAGES]
        if self.is_unit:
            keys = [k for k in keys if k != "registered"]
            if not published:
                keys = [k for k in keys if k in UNIT_STAGES_BEFORE_RESULTS]
        return keys


_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*")  # the values (the keys are field names)


def _query(params: Mapping[str, str]) -> str:
    """``urlencode(params)``, without quoting when nothing needs it (ids, years, keys)."""
    if _PLAIN.fullmatch("".join(params.values())):
        return "&".join(f"{k}={v}" for k, v in params.items())
    return urlencode(params)


def _reverse(name: str, *args: Any) -> str:
    """``reverse`` remembered (per URL configuration and script prefix): a dashboard
    links a few hundred numbers to the same few lists."""
    return _reversed(get_script_prefix(), get_urlconf(), name, args)


@functools.lru_cache(maxsize=4096)
def _reversed(_prefix: str, urlconf: Any, name: str, args: tuple[Any, ...]) -> str:
    return reverse(name, urlconf=urlconf, args=args or None)


def _registration_of(value: str) -> Subquery:
    """The application's own-year registration's ``value`` (domain_id, nature_id)."""
    return Subquery(
        Registration.objects.filter(
            organisation=OuterRef("organisation"), campaign=OuterRef("campaign")
        ).values(value)[:1]
    )


def _tallied(filters: Filters) -> bool:
    """Whether the summary rows answer for ``filters``: narrowed by year and unit (or
    unit kind) only. Other filters cut across the rows (an application's team type and
    domain together): those figures are counted from the applications, as before."""
    return not (
        filters.team_type or filters.domain or filters.nature or filters.industry or filters.stage
    )


def _tallies(filters: Filters, opts: Options, *, per_unit: bool = False) -> QuerySet[Tally]:
    """The summary rows of the filters' unit or unit kind (every year): the roll-up over
    every unit when neither is set (``per_unit``: each unit's own rows)."""
    rows = Tally.objects.all()
    if not (filters.unit or filters.unit_kind):
        return rows.filter(unit_id__gt=ALL_UNITS) if per_unit else rows.filter(unit_id=ALL_UNITS)
    if filters.unit:
        rows = rows.filter(unit_id=filters.unit)
    if filters.unit_kind:
        kind = filters.unit_kind
        rows = rows.filter(unit_id__in=[pk for pk, k in opts.kind_of_unit.items() if k == kind])
    return rows


def _campaign_id(opts: Options, year: int | None) -> int | None:
    return next((pk for pk, y in opts.year_of_campaign.items() if y == year), None)


# --------------------------------------------------------------------------- figures


def _series(
    stages: Sequence[str],
    categories: Sequence[tuple[Any, str]],
    counts: Mapping[Any, Mapping[str, int]],
    url: Callable[[str, Any], str | None],
) -> list[dict[str, Any]]:
    return [
        {
            "key": stage,
            "label": str(STAGE_LABELS[stage]),
            "values": [int(counts.get(key, {}).get(stage, 0)) for key, _label in categories],
            "urls": [url(stage, key) for key, _label in categories],
        }
        for stage in stages
    ]


def _by(rows: Iterable[Mapping[str, Any]], key: str) -> dict[Any, dict[str, int]]:
    return {row[key]: dict(row) for row in rows}


def _present(
    categories: Sequence[tuple[Any, str]], counts: Mapping[Any, Mapping[str, int]]
) -> list[tuple[Any, str]]:
    """The categories with at least one application (the others would be empty bars)."""
    return [(k, label) for k, label in categories if any(counts.get(k, {}).values())]


def _tally(
    rows: Iterable[Mapping[str, Any]],
    key: Callable[[Mapping[str, Any]], Any],
    stages: Sequence[str],
) -> dict[Any, dict[str, int]]:
    """Rows of (…, state, listed, n) summed per ``key(row)`` and stage: the state (and
    ``listed``, on the unit's recommendation list, for "recommended") decide, so one
    GROUP BY does for every stage (``national`` aside)."""
    memo: dict[tuple[str, bool], list[str]] = {}
    counts: dict[Any, dict[str, int]] = {}
    for row in rows:
        k = key(row)
        bucket = counts.get(k)
        if bucket is None:
            bucket = counts[k] = dict.fromkeys(stages, 0)
        state = (row["state"], bool(row["listed"]))
        if state not in memo:
            memo[state] = reached(*state, stages)
        for stage in memo[state]:
            bucket[stage] += row["n"]
    return counts


def _breakdowns(
    scope: Scope,
    filters: Filters,
    opts: Options,
    stages: Sequence[str],
) -> list[dict[str, Any]]:
    """Every breakdown of the year from two scans: one GROUP BY (unit, team type, domain,
    nature, state) summed in Python per dimension, and one over the registrations'
    industries (an organisation may name several: its applications count in each)."""
    applied = narrow(Application.objects.all(), filters).filter(stage_q("applied"))
    dimensions: dict[str, list[dict[str, Any]]] | None = None
    rows: list[Any]
    if _tallied(filters):  # the year's summary rows: a few hundred, whatever the size
        dimensions = {"": [], "team_type": [], "domain": [], "nature": [], "industry": []}
        campaign_id = _campaign_id(opts, filters.year) or 0
        year = _tallies(filters, opts).filter(campaign_id=campaign_id)
        dimensions[""] = [
            dict(row)
            for row in _tallies(filters, opts, per_unit=True)
            .filter(campaign_id=campaign_id, dimension="")
            .values("state", "listed", "n", recommending_unit_id=F("unit_id"))
            .order_by()
        ]
        for row in (
            year.exclude(dimension="")
            .values("dimension", "value", "state", "listed")
            .annotate(n=Sum("n"))
            .order_by()
        ):
            dimensions[row["dimension"]].append(dict(row))
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
            return _tally(dimensions[dimension], lambda r: r["value"], stages)
        column = {"team_type": "team_type_id"}.get(dimension, dimension)
        return _tally(rows, lambda r: r[column], stages)

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
                    lambda stage, k: scope.list_url(filters, stage, **{key: k}),
                ),
            }
        )

    if not scope.is_unit:
        chart(
            "unit",
            _("按区/推荐单位"),
            opts.units,
            _tally(rows, lambda r: r["recommending_unit_id"], stages),
        )
        chart(
            "unit_kind",
            _("按推荐单位类别"),
            opts.unit_kinds,
            _tally(rows, lambda r: opts.kind_of_unit.get(r["recommending_unit_id"]), stages),
        )
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
        )
    chart("industry", _("按重点产业"), opts.industries, industries)
    chart("team_type", _("按班组类型"), opts.team_types, by("team_type"))
    return charts


def _years(scope: Scope, filters: Filters, opts: Options) -> dict[str, Any]:
    """Every year side by side (the year filter left out): year-over-year. Applications
    are counted per (year, state) — with no filter, from the (campaign, state) index
    alone; the national recommendations from the few decision rows."""
    every_year = Filters(**{**filters.__dict__, "year": None, "stage": ""})
    stages = scope.stages(published=True)
    application_stages = [s for s in stages if s != "registered"]
    scoped = narrow(Application.objects.all(), every_year)
    if _tallied(every_year):  # the summary rows: a few hundred per year
        per_year: Iterable[Mapping[str, Any]] = (
            _tallies(every_year, opts)
            .filter(dimension="")
            .values("campaign_id", "state", "listed")
            .annotate(n=Sum("n"))
            .order_by()
        )
    else:  # drafts and withdrawn ones reach no stage: no WHERE on the state
        per_year = (
            scoped.annotate(listed=on_list())
            .values("campaign_id", "state", "listed")
            .annotate(n=Count("id"))
            .order_by()
        )
    counts = _tally(
        per_year, lambda r: opts.year_of_campaign.get(r["campaign_id"]), application_stages
    )
    if "national" in application_stages:
        for decided in (
            Decision.objects.filter(national=True)
            .filter(**({"application__in": scoped.values("pk")} if every_year.narrows else {}))
            .values("application__campaign_id")
            .annotate(n=Count("id"))
            .order_by()
        ):
            year = opts.year_of_campaign.get(decided["application__campaign_id"])
            bucket = counts.setdefault(year, dict.fromkeys(application_stages, 0))
            bucket["national"] = decided["n"]
    if "registered" in stages:
        for row in (
            narrow_registrations(Registration.objects.all(), every_year)
            .values("campaign_id")
            .annotate(registered=Count("id"))
            .order_by()
        ):
            year = opts.year_of_campaign.get(row["campaign_id"])
            counts.setdefault(year, {})["registered"] = row["registered"]
    years = sorted(year for year, _label in opts.years)
    categories = [(year, str(year)) for year in years]
    series = _series(
        stages,
        categories,
        counts,
        lambda stage, year: scope.list_url(Filters(**{**every_year.__dict__, "year": year}), stage),
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


def _report_note(scope: Scope, filters: Filters, campaign: Campaign | None) -> str:
    """The status of the 附件5 behind "recommended" (which counts the unit's list filed
    or not, docs/rules.md "Counts"): a unit's own (填写中, 已报送, 推荐无效 or 未开始);
    for staff, how many units' are filed and how many still being filled in. One query."""
    if campaign is None:
        return ""
    reports = UnitRecommendationReport.objects.filter(campaign=campaign)
    if filters.unit:
        reports = reports.filter(unit_id=filters.unit)
    if filters.unit_kind:
        reports = reports.filter(unit__kind=filters.unit_kind)
    statuses = dict(reports.values_list("status").annotate(n=Count("id")).order_by())
    labels = dict(ReportStatus.choices)
    if scope.is_unit:
        status = next(iter(statuses), "")
        return _("附件5：%(status)s") % {"status": labels.get(status, _("未开始"))}
    return _("附件5 已报送 %(submitted)d 家，填写中 %(draft)d 家") % {
        "submitted": statuses.get(ReportStatus.SUBMITTED, 0),
        "draft": statuses.get(ReportStatus.DRAFT, 0),
    }


def _elapsed(starts: datetime, ends: datetime, now: datetime) -> int:
    if now <= starts:
        return 0
    if now >= ends:
        return 100
    return round((now - starts) / (ends - starts) * 100)


def _phases(campaign: Campaign, now: datetime) -> list[dict[str, Any]]:
    rows = []
    for phase in Phase.objects.filter(campaign=campaign).order_by("starts_at", "id"):
        status = (
            "upcoming" if phase.starts_at > now else "closed" if phase.ends_at < now else "open"
        )
        rows.append(
            {
                "kind": phase.kind,
                "label": str(phase.get_kind_display()),
                "starts": timezone.localtime(phase.starts_at).strftime("%Y-%m-%d"),
                "ends": timezone.localtime(phase.ends_at).strftime("%Y-%m-%d"),
                "status": status,
                "elapsed": _elapsed(phase.starts_at, phase.ends_at, now),
            }
        )
    return rows


def _lagging(done: int, total: int, phase: Mapping[str, Any] | None) -> bool:
    """Behind schedule: less done than the share of the window that has passed."""
    if phase is None or total == 0 or done >= total:
        return False
    return bool(phase["status"] == "closed" or done * 100 < total * phase["elapsed"] - 0.5)


def _judges(
    sheets: QuerySet[ScoreSheet],
    phases: Mapping[str, Mapping[str, Any]],
    opts: Options,
    url: Callable[[str, int | None], str | None],
) -> list[dict[str, Any]]:
    """Each judge's progress per stage; a unit-stage judge once per unit whose panel
    gave the sheets (``unit``), with ``url(stage, unit_id)``: the page behind the row."""
    rows = (
        sheets.annotate(
            unit=Case(
                When(stage=Stage.UNIT, then=F("application__recommending_unit_id")),
                default=None,
                output_field=IntegerField(),
            )
        )
        .values("judge_id", "judge__name", "stage", "unit")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=SheetStatus.SUBMITTED)),
            drafts=Count("id", filter=Q(status=SheetStatus.DRAFT)),
        )
        .order_by("stage", "judge__name", "judge_id", "unit")
    )
    unit_names = dict(opts.units)
    result = []
    for row in rows:
        phase = phases.get(STAGE_PHASE.get(row["stage"], ""))
        result.append(
            {
                "judge": row["judge__name"],
                "stage": str(Stage(row["stage"]).label),
                "unit_id": row["unit"],
                "unit": unit_names.get(row["unit"], "") if row["unit"] else "",
                "total": row["total"],
                "done": row["done"],
                "drafts": row["drafts"],
                "percent": round(row["done"] * 100 / row["total"]) if row["total"] else 0,
                "lagging": _lagging(row["done"], row["total"], phase),
                "url": url(row["stage"], row["unit"]),
            }
        )
    result.sort(key=lambda r: (not r["lagging"], r["percent"], r["judge"]))
    return result


def _units_progress(
    campaign: Campaign, opts: Options, phase: Mapping[str, Any] | None
) -> list[dict[str, Any]]:
    received = _tally(  # the year's summary rows
        Tally.objects.filter(campaign_id=campaign.pk, dimension="", unit_id__gt=ALL_UNITS).values(
            "unit_id", "state", "listed", "n"
        ),
        lambda r: r["unit_id"],
        ["applied", "recommended"],
    )
    sheets = _by(
        ScoreSheet.objects.filter(application__campaign=campaign, stage=Stage.UNIT)
        .values(unit=F("application__recommending_unit_id"))
        .annotate(total=Count("id"), done=Count("id", filter=Q(status=SheetStatus.SUBMITTED)))
        .order_by(),
        "unit",
    )
    reports = dict(
        UnitRecommendationReport.objects.filter(campaign=campaign).values_list("unit_id", "status")
    )
    labels = dict(ReportStatus.choices)
    current = campaign.year == opts.current_year
    year = "?" + _query({"year": str(campaign.year)})
    rows = []
    for pk, name in opts.units:
        got, scored = received.get(pk, {}), sheets.get(pk, {})
        if not any(got.values()) and pk not in reports:
            continue
        status = reports.get(pk, "")
        total, done = scored.get("total", 0), scored.get("done", 0)
        submitted = status == ReportStatus.SUBMITTED
        rows.append(
            {
                "unit_id": pk,
                "unit": name,
                "applied": got.get("applied", 0),
                "recommended": got.get("recommended", 0),
                "sheets_total": total,
                "sheets_done": done,
                "percent": round(done * 100 / total) if total else 0,
                "report": str(labels.get(status, _("未开始"))),
                "report_status": str(status),
                "report_submitted": submitted,
                "lagging": not submitted
                and phase is not None
                and (
                    phase["status"] == "closed"
                    or _lagging(done, total, phase)
                    or (total == 0 and got.get("applied", 0) > 0 and phase["elapsed"] >= 50)
                ),
                "url": _reverse("recommendation:inbox", pk) + year,
                # The numbers open the staff list of the unit's applications of the year
                # at that stage (the same counts); the judges' page and 附件5 show the
                # current year only.
                "applied_url": _staff_list(campaign, unit=pk, stage="applied"),
                "recommended_url": _staff_list(campaign, unit=pk, stage="recommended"),
                "sheets_url": _reverse("recommendation:judges", pk) if current else None,
                "report_url": _reverse("recommendation:report", pk) if current else None,
            }
        )
    rows.sort(key=lambda r: (not r["lagging"], r["report_submitted"], r["percent"]))
    return rows


def _staff_list(campaign: Campaign, **params: Any) -> str:
    query = _query({"year": str(campaign.year), **{k: str(v) for k, v in params.items()}})
    return _reverse("applications:staff_list") + "?" + query


def _judge_url(scope: Scope, campaign: Campaign, opts: Options) -> Callable[..., str | None]:
    """The page behind a judge's row, for whoever sees the dashboard: a unit-stage judge
    → that unit's judges page (a unit's dashboard holds its own unit's judges only); an
    expert → the association's expert panel (staff). Those pages show the current
    year's progress: rows of another year link nowhere."""
    current = campaign.year == opts.current_year

    def url(stage: str, unit_id: int | None) -> str | None:
        if not current:
            return None
        if stage == Stage.UNIT and unit_id is not None:
            if scope.is_unit and unit_id != scope.unit_id:
                return None
            return _reverse("recommendation:judges", unit_id)
        if stage == Stage.EXPERT and not scope.is_unit:
            return _reverse("evaluation:panel")
        return None

    return url


def _progress(scope: Scope, campaign: Campaign | None, opts: Options) -> dict[str, Any]:
    if campaign is None:
        return {"phases": [], "units": [], "judges": []}
    now = timezone.now()
    phases = _phases(campaign, now)
    by_kind = {p["kind"]: p for p in phases}
    sheets = ScoreSheet.objects.filter(application__campaign=campaign)
    judge_url = _judge_url(scope, campaign, opts)
    if scope.is_unit:
        sheets = sheets.filter(application__recommending_unit_id=scope.unit_id, stage=Stage.UNIT)
        return {
            "phases": [p for p in phases if p["kind"] == PhaseKind.RECOMMENDATION],
            "units": [],
            "judges": _judges(sheets, by_kind, opts, judge_url),
        }
    return {
        "phases": phases,
        "units": _units_progress(campaign, opts, by_kind.get(PhaseKind.RECOMMENDATION)),
        "judges": _judges(sheets, by_kind, opts, judge_url),
    }


def _figures(scope: Scope, filters: Filters, opts: Options) -> dict[str, Any]:
    year = filters.year or opts.current_year
    filters = Filters(**{**filters.__dict__, "year": year, "stage": ""})
    published = bool(year and opts.results_published.get(year))
    stages = [s for s in scope.stages(published) if s in BREAKDOWN_STAGES]
    years = _years(scope, filters, opts)
    campaign = Campaign.objects.filter(year=year).first() if year else None
    return {
        "year": year,
        "scope": "unit" if scope.is_unit else "staff",
        "unit_id": scope.unit_id,
        "results_published": published,
        "filters": filters.params(),
        "funnel": _funnel(years, year, _report_note(scope, filters, campaign)),
        "years": years,
        "breakdowns": _breakdowns(scope, filters, opts, stages) if year else [],
        "progress": _progress(scope, campaign, opts),
    }


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


def describe(filters: Filters) -> list[tuple[str, str]]:
    """The filters in words ((name, value) pairs), for a list opened from a chart."""
    from xinban.dashboards.filters import UNIT_KIND_CHOICES

    if not filters.params():
        return []  # (no query for a list opened without any)
    opts = options()
    names: dict[str, tuple[str, Mapping[Any, str]]] = {
        "year": (_("年度"), {}),
        "unit_kind": (_("推荐单位类别"), {k: str(v) for k, v in UNIT_KIND_CHOICES}),
        "unit": (_("推荐单位"), dict(opts.units)),
        "domain": (_("重点领域"), dict(opts.domains)),
        "nature": (_("单位性质"), dict(opts.natures)),
        "industry": (_("重点产业"), dict(opts.industries)),
        "team_type": (_("班组类型"), dict(opts.team_types)),
        "stage": (_("环节"), {k: str(v) for k, v in STAGE_LABELS.items()}),
    }
    described = []
    for key, value in filters.params().items():
        name, labels = names[key]
        raw: Any = int(value) if value.isdigit() and key != "year" else value
        described.append((str(name), str(labels.get(raw, value))))
    return described
