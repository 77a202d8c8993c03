"""The dashboards' shared pieces: the cache, the filters' options, whose dashboard
(``Scope``) and the links behind the numbers, the summary rows' reading, the tallying."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, CharField, Max, OuterRef, QuerySet, Subquery, Value, When
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xinban.campaigns.models import (
    Campaign,
    Domain,
    Industry,
    OrganisationNature,
    PhaseKind,
    TeamType,
)
from xinban.core import compiled
from xinban.core.models import AuditEntry
from xinban.dashboards.filters import (
    STAGE_LABELS,
    STAGES,
    UNIT_KIND_CHOICES,
    UNIT_STAGES_BEFORE_RESULTS,
    Filters,
    reached,
)
from xinban.dashboards.models import Tally
from xinban.dashboards.tallies import ALL_UNITS
from xinban.organisations.models import RecommendingUnit, Registration, UnitKind
from xinban.scoring.models import Stage

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
    campaign_of_year: dict[int, Year] = field(default_factory=dict)

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


class Year(NamedTuple):
    """A campaign as the dashboards use it (read with the options, not as a model)."""

    pk: int
    year: int
    results_published: bool


# The sources of the options' one query, in its first column.
_CAMPAIGNS, _UNITS, _TAXONOMIES = 0, 1, 2
_TAXONOMY_MODELS: tuple[Any, ...] = (Domain, OrganisationNature, Industry, TeamType)


def _option_rows() -> list[tuple[Any, ...]]:
    """(source, position, id, name, name_en, extra) of the campaigns (position: the
    year; extra: "1" when its results are published), the recommending units (extra:
    the kind) and each taxonomy's terms (source 2, 3, …): one UNION ALL query, so the
    filters' options cost one round trip; its SQL written once (``core.compiled``)."""
    return compiled.rows(_option_query)


def _option_query() -> QuerySet[Any]:
    text = CharField()
    campaigns = Campaign.objects.order_by().values_list(
        Value(_CAMPAIGNS),
        "year",
        "pk",
        Value("", output_field=text),
        Value("", output_field=text),
        Case(When(results_published=True, then=Value("1")), default=Value(""), output_field=text),
    )
    units = RecommendingUnit.objects.order_by().values_list(
        Value(_UNITS), "position", "pk", "name", Value("", output_field=text), "kind"
    )
    taxonomies = [
        model.objects.order_by().values_list(
            Value(_TAXONOMIES + index),
            "position",
            "pk",
            "name",
            "name_en",
            Value("", output_field=text),
        )
        for index, model in enumerate(_TAXONOMY_MODELS)
    ]
    return campaigns.union(units, *taxonomies, all=True)


def _options() -> Options:
    rows = _option_rows()
    english = translation.get_language() == "en"
    every = sorted(
        (
            Year(pk, year, extra == "1")
            for source, year, pk, _n, _e, extra in rows
            if source == _CAMPAIGNS
        ),
        key=lambda c: -c.year,
    )
    # campaigns.selectors.campaign_current: this year's, else the newest
    this_year = timezone.localdate().year
    current = next((c for c in every if c.year == this_year), every[0] if every else None)
    units = sorted(
        (
            (position, name, pk, kind)
            for source, position, pk, name, _e, kind in rows
            if source == _UNITS
        )
    )
    # Each taxonomy's terms in their order (``position``, ``id``), labelled as
    # ``TaxonomyTerm.label`` does (the English name when the language is English and
    # there is one).
    terms: list[list[tuple[int, str]]] = [[] for _model in _TAXONOMY_MODELS]
    for source, _position, pk, name, name_en, _x in sorted(
        (row for row in rows if row[0] >= _TAXONOMIES), key=lambda r: r[:3]
    ):
        terms[source - _TAXONOMIES].append((pk, name_en if english and name_en else name))
    domains, natures, industries, team_types = terms
    return Options(
        years=[(c.year, str(c.year)) for c in every],
        current_year=current.year if current else None,
        results_published={c.year: c.results_published for c in every},
        units=[(pk, name) for _position, name, pk, _kind in units],
        kind_of_unit={pk: kind for _position, _name, pk, kind in units},
        year_of_campaign={c.pk: c.year for c in every},
        campaign_of_year={c.year: c for c in every},
        unit_kinds=[(k, str(label)) for k, label in UnitKind.choices],
        domains=domains,
        natures=natures,
        industries=industries,
        team_types=team_types,
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

    @functools.cached_property
    def _templates(self) -> dict[tuple[Filters, str, str], str | None]:
        return {}

    def list_url(self, filters: Filters, stage: str, **dimension: Any) -> str | None:
        """The list behind a number: the staff list of applications, a unit's inbox, or
        for 报名 the staff list of registrations (units do not see registrations). A
        chart's numbers differ in one parameter: its URL is built once per chart and
        stage with a placeholder, then filled in (when the value needs no quoting)."""
        if len(dimension) == 1:
            ((name, value),) = dimension.items()
            return self.list_urls(filters, stage, name, [value])[0]
        return self._list_url(filters, stage, **dimension)

    def list_urls(
        self, filters: Filters, stage: str, name: str, values: Sequence[Any]
    ) -> list[str | None]:
        """``list_url`` of each of ``values`` of the one parameter ``name`` (a chart's)."""
        key = (filters, stage, name)
        if key not in self._templates:
            built = self._list_url(filters, stage, **{name: _SLOT})
            fits = built is None or built.count(_SLOT) == 1
            self._templates[key] = built if fits else _UNFIT
        template = self._templates[key]
        if template is None:
            return [None] * len(values)
        urls: list[str | None] = []
        for value in values:
            text = str(value)
            if template is _UNFIT or value in (None, "") or not _PLAIN.fullmatch(text):
                urls.append(self._list_url(filters, stage, **{name: value}))
            else:
                urls.append(template.replace(_SLOT, text))
        return urls

    def _list_url(self, filters: Filters, stage: str, **dimension: Any) -> str | None:
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
_SLOT = "XinbanSlot9"  # a placeholder for a chart's varying parameter (plain: unquoted)
_UNFIT = "\x00"  # (a template that cannot be filled in: build each URL)


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
    url: Callable[[str, Any], str | None] | None = None,
    urls: Callable[[str, list[Any]], list[str | None]] | None = None,
) -> list[dict[str, Any]]:
    """Each stage's values and links per category: ``url(stage, key)`` for each, or
    ``urls(stage, keys)`` for them all."""
    keys = [key for key, _label in categories]
    return [
        {
            "key": stage,
            "label": str(STAGE_LABELS[stage]),
            "values": [int(counts.get(key, {}).get(stage, 0)) for key in keys],
            "urls": urls(stage, keys) if urls else [url(stage, key) for key in keys] if url else [],
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


# A summary row as the dashboards read it (``Tally``'s columns, a tuple: no dict per
# row): campaign, unit, dimension, value, state, listed, n.
Row = tuple[int, int, str, Any, str, bool, int]
ROW_COLUMNS = ("campaign_id", "unit_id", "dimension", "value", "state", "listed", "n")
CAMPAIGN: Final = 0
UNIT: Final = 1
DIMENSION: Final = 2
VALUE: Final = 3
COUNT: Final = 6
# Where ``_tally`` finds a row's state, listed and n: a ``Row``'s indexes, or the keys of
# the dicts counted from the applications (filters that cut across the summary rows).
ROW_COUNTS: Final = (4, 5, 6)
DICT_COUNTS: Final = ("state", "listed", "n")


def _tally(
    rows: Iterable[Any],
    key: Callable[[Any], Any],
    stages: Sequence[str],
    at: tuple[Any, Any, Any] = ROW_COUNTS,
) -> dict[Any, dict[str, int]]:
    """Rows of (…, state, listed, n) summed per ``key(row)`` and stage (``at``: where a
    row holds those three): the state (and ``listed``, on the unit's recommendation
    list, for "recommended") decide, so one GROUP BY does for every stage (``national``
    aside); the stages a (state, listed) reaches are worked out once."""
    state_at, listed_at, n_at = at
    memo: dict[tuple[str, bool], list[str]] = {}
    counts: dict[Any, dict[str, int]] = {}
    for row in rows:
        k = key(row)
        bucket = counts.get(k)
        if bucket is None:
            bucket = counts[k] = dict.fromkeys(stages, 0)
        state = (row[state_at], bool(row[listed_at]))
        reach = memo.get(state)
        if reach is None:
            reach = memo[state] = reached(*state, stages)
        n = row[n_at]
        for stage in reach:
            bucket[stage] += n
    return counts


def describe(filters: Filters) -> list[tuple[str, str]]:
    """The filters in words ((name, value) pairs), for a list opened from a chart."""
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
