"""Reads of the public side: notices, published results and the case library (search by
any substring, on SQLite and PostgreSQL), certificate verification."""

from __future__ import annotations

from dataclasses import dataclass

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


# Queries this long or longer use the trigram index (FTS5 on SQLite); shorter ones scan.
TRIGRAM = 3


def _fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def case_search(filters: CaseFilters) -> QuerySet[CaseEntry]:
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
    q = " ".join(filters.q.split())[:100]
    if q:
        if connection.vendor == "sqlite" and len(q) >= TRIGRAM:
            qs = qs.filter(
                id__in=RawSQL(
                    "SELECT rowid FROM publication_case_fts WHERE publication_case_fts MATCH %s",
                    [_fts_phrase(q)],
                )
            )
        else:
            # PostgreSQL: UPPER(search_text) LIKE UPPER(%q%) uses the trigram index.
            qs = qs.filter(search_text__icontains=q)
    return qs.defer("materials", "search_text")


def case_facets() -> dict[str, list[str]]:
    """The values the filters offer."""
    years = set(CaseEntry.objects.values_list("year", flat=True).distinct())
    return {
        "years": [str(y) for y in sorted(years, reverse=True)],
        "domains": sorted(
            d for d in CaseEntry.objects.values_list("domain", flat=True).distinct() if d
        ),
        "units": sorted(
            u for u in CaseEntry.objects.values_list("unit_name", flat=True).distinct() if u
        ),
    }


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
