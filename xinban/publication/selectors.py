"""Reads of the public side: notices, published results and the case library (search by
any substring, on SQLite and PostgreSQL), certificate verification."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from xinban.applications.models import ApplicationState
from xinban.publication.models import CaseEntry, Certificate, Level, Notice

RESULT_STATES = (
    ApplicationState.SELECTED,
    ApplicationState.TYPICAL_CANDIDATE,
    ApplicationState.TYPICAL,
)


def level_of(state: str, national: bool) -> str | None:
    """The published level of an application in a published year (None: not selected).
    A candidate never confirmed as typical stays a 建设经验."""
    if state not in RESULT_STATES:
        return None
    if state == ApplicationState.TYPICAL:
        return Level.NATIONAL if national else Level.TYPICAL
    return Level.SELECTED


def notices_latest(limit: int = 5) -> list[Notice]:
    return list(Notice.objects.filter(is_published=True)[:limit])


@dataclass(frozen=True)
class CaseFilters:
    q: str = ""
    year: int | None = None
    domain: str = ""
    industry: str = ""
    level: str = ""
    unit: str = ""


# What a list shows of an entry (dicts: cheaper than model instances on the busiest pages).
LIST_FIELDS = (
    "id",
    "year",
    "level",
    "organisation_name",
    "team_name",
    "unit_name",
    "domain",
    "summary",
)

# Queries this long or longer use the trigram index (FTS5 on SQLite); shorter ones scan.
TRIGRAM = 3


def clean_query(text: str) -> str:
    """A search text as typed: control characters dropped (a NUL would end the FTS5
    phrase early: a syntax error), spaces collapsed, at most 100 characters."""
    printable = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(printable.split())[:100]


def _fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def case_search(filters: CaseFilters) -> QuerySet[CaseEntry, dict[str, Any]]:
    qs = CaseEntry.objects.all()
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.domain:
        qs = qs.filter(domain=filters.domain)
    if filters.industry:
        qs = qs.filter(industries__contains=filters.industry)
    if filters.level in Level.values:
        qs = qs.filter(level=filters.level)
    if filters.unit:
        qs = qs.filter(unit_name=filters.unit)
    q = clean_query(filters.q)
    if q:
        if connection.vendor == "sqlite" and len(q) >= TRIGRAM:
            qs = qs.filter(
                id__in=RawSQL(
                    "SELECT rowid FROM publication_case_fts WHERE publication_case_fts MATCH %s",
                    [_fts_phrase(q)],
                )
            ).order_by("-id")  # the matches in rowid order: no sort of all of them
        else:
            # PostgreSQL: UPPER(search_text) LIKE UPPER(%q%) uses the trigram index.
            qs = qs.filter(search_text__icontains=q)
    return qs.values(*LIST_FIELDS)


FACETS_CACHE_KEY = "publication:facets"


def case_facets() -> dict[str, list[str]]:
    """The values the filters offer (cached: they change only when a year is published
    or rebuilt, which clears the cache)."""
    cached = cache.get(FACETS_CACHE_KEY)
    if cached is not None:
        return dict(cached)
    entries = CaseEntry.objects.order_by()
    years = set(entries.values_list("year", flat=True).distinct())
    facets = {
        "years": [str(y) for y in sorted(years, reverse=True)],
        "domains": sorted(d for d in entries.values_list("domain", flat=True).distinct() if d),
        "units": sorted(u for u in entries.values_list("unit_name", flat=True).distinct() if u),
    }
    cache.set(FACETS_CACHE_KEY, facets, 300)
    return facets


def certificate_by_code(code: str) -> Certificate | None:
    code = code.strip().upper()[:20]
    if not code:
        return None
    return Certificate.objects.filter(code=code).first()


def results_counts(year: int | None = None) -> dict[str, int]:
    qs = CaseEntry.objects.all()
    if year:
        qs = qs.filter(year=year)
    return {level: qs.filter(Q(level=level)).count() for level in Level.values}


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Counts at most ``cap`` + 1 rows (a page needs no exact total of a huge match:
    the page shows "1000+")."""

    cap = 1000

    @cached_property
    def count(self) -> int:
        return int(self.object_list[: self.cap + 1].count())  # type: ignore[attr-defined]

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def fts_search_page(
    q: str, number: int, per_page: int, cap: int = 1000
) -> tuple[list[CaseEntry], int]:
    """(entries of page ``number``, count capped at cap + 1) for a query of at least
    TRIGRAM characters, read from the index without touching the other rows."""
    phrase = _fts_phrase(clean_query(q))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM publication_case_fts "
            "WHERE publication_case_fts MATCH %s LIMIT %s)",
            [phrase, cap + 1],
        )
        count = int(cursor.fetchone()[0])
        cursor.execute(
            "SELECT rowid FROM publication_case_fts WHERE publication_case_fts MATCH %s "
            "ORDER BY rowid DESC LIMIT %s OFFSET %s",
            [phrase, per_page, max(0, (number - 1) * per_page)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    rows = {row["id"]: row for row in CaseEntry.objects.filter(pk__in=ids).values(*LIST_FIELDS)}
    return [rows[i] for i in ids if i in rows], count
