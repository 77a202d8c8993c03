"""Reads of the public side: notices, published results and the case library (search by
any substring, on SQLite and PostgreSQL), certificate verification."""

from __future__ import annotations

import functools
import hashlib
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import astuple, dataclass
from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import DatabaseError, connection
from django.db.models import BooleanField, Count, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import translation

from xinban.applications.models import ApplicationState
from xinban.campaigns.models import Domain
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

# Queries this long or longer are one phrase of the trigram index (FTS5 on SQLite);
# shorter ones become the OR of the trigrams they begin (see short_query_terms).
TRIGRAM = 3
# A shorter query that begins more trigrams than this is common enough for a scan (in
# the listing's order, stopping at the page and at the count's cap) to find it at once.
MAX_SHORT_TERMS = 300


def search_text_of(*parts: str) -> str:
    """What the case library searches: the parts one per line, and two final newlines, so
    that any one or two characters of the text begin a trigram of the index (the last
    character too: it begins "x\\n\\n")."""
    return "\n".join(parts) + "\n\n"


def clean_query(text: str) -> str:
    """A search text as typed: control characters dropped (a NUL would end the FTS5
    phrase early: a syntax error), spaces collapsed, at most 100 characters."""
    printable = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(printable.split())[:100]


def _fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def short_query_terms(q: str) -> list[str] | None:
    """The trigrams of the index that begin with ``q`` (one or two characters), read
    from the fts5vocab table; None when there are more than MAX_SHORT_TERMS."""
    prefix = q.lower()  # the trigram tokenizer folds case
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT term FROM publication_case_fts_vocab WHERE term >= %s AND term < %s LIMIT %s",
            [prefix, prefix + "\U0010ffff", MAX_SHORT_TERMS + 1],
        )
        terms = [row[0] for row in cursor.fetchall()]
    return None if len(terms) > MAX_SHORT_TERMS else terms


def fts_expression(text: str) -> str | None:
    """The FTS5 MATCH expression finding ``text`` as a substring (SQLite), or None when
    the search should scan instead (another database, no text, a very common short
    text)."""
    q = clean_query(text)
    if connection.vendor != "sqlite" or not q:
        return None
    if len(q) >= TRIGRAM:
        return _fts_phrase(q)
    terms = short_query_terms(q)
    if terms is None:
        return None
    # No trigram begins with it: a phrase shorter than a trigram, which matches nothing.
    return " OR ".join(_fts_phrase(t) for t in terms) if terms else _fts_phrase(q)


# PostgreSQL: search_grams holds the characters and pairs of adjacent characters of
# UPPER(search_text), a generated column with a GIN index (migration 0007;
# docs/benchmarks.md, "Case library on PostgreSQL").


def grams_condition(q: str) -> RawSQL:
    """PostgreSQL: the entries whose grams contain the query's (upper-cased by the
    database, as ``icontains`` does). For one or two characters that is exactly the
    entries containing the query. A longer query's pairs may sit apart, so its entries
    are also checked as ``icontains`` does (UPPER(search_text) LIKE UPPER(%q%)), after a
    cheaper test of the text as written: a text containing the query contains it upper-
    cased too (UPPER maps character by character), so the result is the same and most
    matches skip upper-casing their whole text."""
    if len(q) <= 2:
        return RawSQL(
            '"publication_caseentry"."search_grams" @> ARRAY[UPPER(%s)]',
            [q],
            output_field=BooleanField(),
        )
    pattern = f"%{connection.ops.prep_for_like_query(q)}%"
    return RawSQL(
        '("publication_caseentry"."search_grams" @> publication_bigrams(UPPER(%s)) AND '
        '("publication_caseentry"."search_text" LIKE %s '
        'OR UPPER("publication_caseentry"."search_text") LIKE UPPER(%s)))',
        [q, pattern, pattern],
        output_field=BooleanField(),
    )


class IndexScans:
    """PostgreSQL: within ``index_scans()`` the planner reads a search's matches through
    the grams index (the capped count, a rare query's page); after ``common()`` (the
    capped count reached the cap) it walks the listing's order index until a page is
    full. Left to itself it misjudges both: each row scanned costs reading its grams
    array, and a query of several pairs looks far rarer than it is. Nothing on other
    databases."""

    def __init__(self) -> None:
        self.settings = ["enable_seqscan"]

    def common(self) -> None:
        if connection.vendor == "postgresql" and "enable_bitmapscan" not in self.settings:
            self.settings.append("enable_bitmapscan")
            with connection.cursor() as cursor:
                cursor.execute("SET enable_bitmapscan = off")


@contextmanager
def index_scans(*, common: bool = False) -> Iterator[IndexScans]:
    scans = IndexScans()
    if connection.vendor != "postgresql":
        yield scans
        return
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    try:
        if common:
            scans.common()
        yield scans
    finally:
        # In a failed transaction the reset fails, and the rollback undoes the SET.
        with suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("; ".join(f"RESET {name}" for name in scans.settings))


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
        expression = fts_expression(q)
        if expression is not None:
            qs = qs.filter(
                id__in=RawSQL(
                    "SELECT rowid FROM publication_case_fts WHERE publication_case_fts MATCH %s",
                    [expression],
                )
            ).order_by("-id")  # the matches in rowid order: no sort of all of them
        elif connection.vendor == "postgresql":
            qs = qs.filter(grams_condition(q))
        else:
            qs = qs.filter(search_text__icontains=q)
    return qs.values(*LIST_FIELDS)


FACETS_CACHE_KEY = "publication:facets"


def case_facets() -> dict[str, Any]:
    """The values the filters offer and the number of experiences per year and level
    (cached: they change only when a year is published or rebuilt, which clears the
    cache)."""
    cached = cache.get(FACETS_CACHE_KEY)
    if cached is not None:
        return dict(cached)
    entries = CaseEntry.objects.order_by()
    per_year: dict[int, dict[str, int]] = {}
    for row in entries.values("year", "level").annotate(n=Count("id")):
        per_year.setdefault(row["year"], {})[row["level"]] = row["n"]
    facets = {
        "years": [str(y) for y in sorted(per_year, reverse=True)],
        "domains": sorted(d for d in entries.values_list("domain", flat=True).distinct() if d),
        "units": sorted(u for u in entries.values_list("unit_name", flat=True).distinct() if u),
        # Every experience is a 建设经验; the typical ones (and of those, the ones
        # recommended nationally) are counted again in their own columns.
        "summary": [
            {
                "year": year,
                "all": sum(levels.values()),
                "typical": levels.get(Level.TYPICAL, 0) + levels.get(Level.NATIONAL, 0),
                "national": levels.get(Level.NATIONAL, 0),
            }
            for year, levels in sorted(per_year.items(), reverse=True)
        ],
    }
    cache.set(FACETS_CACHE_KEY, facets, 300)
    return facets


DOMAINS_CACHE_KEY = "publication:domains"


def case_domain_labels() -> dict[str, str]:
    """campaigns' domain_labels (each 重点领域's stored name → its label in the active
    language) for the public lists, from a cache kept a minute: a domain renamed by staff
    shows there within a minute, and the busiest pages skip a query."""
    names = cache.get(DOMAINS_CACHE_KEY)
    if names is None:
        names = list(Domain.objects.values_list("name", "name_en"))
        cache.set(DOMAINS_CACHE_KEY, names, 60)
    english = translation.get_language() == "en"  # as Domain.label
    return {name: (name_en if english and name_en else name) for name, name_en in names}


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate with this code while its experience is still published (a result
    withdrawn later, e.g. corrected by an import, no longer verifies)."""
    code = code.strip().upper()[:20]
    if not code:
        return None
    return Certificate.objects.filter(code=code, application__case_entry__isnull=False).first()


COUNTS_VERSION_KEY = "publication:counts-version"


def _count_key(filters: CaseFilters) -> str:
    """The cache key of a list's capped count: the filters, under the version that a
    publication replaces (``forget_case_counts``)."""
    version = cache.get_or_set(COUNTS_VERSION_KEY, lambda: uuid.uuid4().hex, None)
    digest = hashlib.sha256(repr(astuple(filters)).encode()).hexdigest()[:32]
    return f"publication:count:{version}:{digest}"


def forget_case_counts() -> None:
    """Every cached count of the public lists, forgotten (a year published or rebuilt)."""
    cache.delete(COUNTS_VERSION_KEY)


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Counts at most ``cap`` + 1 rows (a page needs no exact total of a huge match:
    the page shows "1000+"). With ``count_key`` the count is kept in the cache for five
    minutes, like the facets: the library changes only when a year is published, which
    forgets them (docs/benchmarks.md, "Case library on PostgreSQL")."""

    cap = 1000

    def __init__(self, *args: Any, count_key: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        if self.count_key:
            cached = cache.get(self.count_key)
            if isinstance(cached, int):
                return cached
        # Only whether there are more than ``cap``: any cap + 1 matching ids will do, so
        # no order and one column (the database reads the narrowest index it has).
        rows = self.object_list.order_by().values("pk")  # type: ignore[attr-defined]
        counted = int(rows[: self.cap + 1].count())
        if self.count_key:
            cache.set(self.count_key, counted, 300)
        return counted

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def case_search_page(filters: CaseFilters, number: int | str, per_page: int) -> Page:  # type: ignore[type-arg]
    """Page ``number`` of a search (its paginator's capped count read first), its rows
    read: on PostgreSQL through the grams index or, for a common query, the listing's
    order (see index_scans)."""
    key = _count_key(filters)
    searched = bool(clean_query(filters.q))
    if searched and connection.vendor == "postgresql":
        counted = cache.get(key)
        if isinstance(counted, int):
            return _search_page_at_once(filters, number, per_page, key, counted)
    # The rows carry what their excerpts are made of (materials): no second query.
    rows = case_search(filters).values(*LIST_FIELDS, "materials")
    paginator = CappedPaginator(rows, per_page, count_key=key)
    if not searched:
        return paginator.get_page(number)
    with index_scans() as scans:
        if paginator.capped:  # counted through the index
            scans.common()
        page = paginator.get_page(number)
        page.object_list = list(page.object_list)  # read inside the block
    return page


def _search_page_at_once(
    filters: CaseFilters, number: int | str, per_page: int, key: str, counted: int
) -> Page:  # type: ignore[type-arg]
    """PostgreSQL, a search whose capped count is in the cache: the same page as
    ``index_scans`` reads it (the same settings, query and rows), in one statement — the
    settings, the page and their reset sent together — whose SQL is written once per
    filters and slice (docs/benchmarks.md, "Case library on PostgreSQL")."""
    paginator = CappedPaginator(CaseEntry.objects.none(), per_page, count_key=key)
    paginator.__dict__["count"] = counted
    # As Paginator.get_page and Paginator.page choose the page and its slice.
    try:
        wanted = paginator.validate_number(number)
    except PageNotAnInteger:
        wanted = 1
    except EmptyPage:
        wanted = paginator.num_pages
    bottom = (wanted - 1) * per_page
    top = bottom + per_page
    if top + paginator.orphans >= counted:
        top = counted
    sql, params, settings = _page_statement(
        filters, bottom, top, counted > paginator.cap, id(connection.settings_dict)
    )
    rows: list[dict[str, Any]] = []
    if sql:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for _setting in range(settings):  # past the settings' results
                cursor.nextset()
            fields = (*LIST_FIELDS, "materials")
            for row in cursor.fetchall():
                entry = dict(zip(fields, row, strict=True))
                # As JSONField reads it: the text PostgreSQL sends, decoded.
                if isinstance(entry["materials"], str):
                    entry["materials"] = json.loads(entry["materials"])
                rows.append(entry)
    return Page(rows, wanted, paginator)


@functools.lru_cache(maxsize=512)
def _page_statement(
    filters: CaseFilters, bottom: int, top: int, common: bool, _db: int
) -> tuple[str, tuple[Any, ...], int]:
    """The settings of ``index_scans`` (``common``: the capped count reached the cap), the
    page's query and the reset, as one statement; its parameters; the number of settings
    (the page's rows are the result after theirs)."""
    settings = ["enable_seqscan", "enable_bitmapscan"] if common else ["enable_seqscan"]
    query = case_search(filters).values(*LIST_FIELDS, "materials")[bottom:top]
    try:
        sql, params = query.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:
        return "", (), 0
    statement = "; ".join(
        [*(f"SET {name} = off" for name in settings), sql, *(f"RESET {n}" for n in settings)]
    )
    return statement, tuple(params), len(settings)


def fts_search_page(
    expression: str, number: int, per_page: int, cap: int = 1000
) -> tuple[list[dict[str, Any]], int]:
    """(entries of page ``number``, count capped at cap + 1) for an FTS5 expression
    (see fts_expression), read from the index without touching the other rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM publication_case_fts "
            "WHERE publication_case_fts MATCH %s LIMIT %s)",
            [expression, cap + 1],
        )
        count = int(cursor.fetchone()[0])
        cursor.execute(
            "SELECT rowid FROM publication_case_fts WHERE publication_case_fts MATCH %s "
            "ORDER BY rowid DESC LIMIT %s OFFSET %s",
            [expression, per_page, max(0, (number - 1) * per_page)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    entries = CaseEntry.objects.filter(pk__in=ids).values(*LIST_FIELDS, "materials")
    rows = {row["id"]: row for row in entries}
    return [rows[i] for i in ids if i in rows], count


def certificates_ready(*, organisation_ids: frozenset[int] | set[int]) -> QuerySet[CaseEntry]:
    """The published experiences of these organisations: each one's certificate can be
    downloaded (publication:certificate answers for exactly these), newest year first."""
    return (
        CaseEntry.objects.filter(application__organisation_id__in=organisation_ids)
        .select_related("application")
        .order_by("-year", "application__number")
    )


def notices_published() -> QuerySet[Notice]:
    """The public list of notices, newest first."""
    return Notice.objects.filter(is_published=True)


def notice_visible(pk: int, *, is_staff: bool) -> Notice | None:
    """A notice as its page shows it: published ones to anyone, drafts to staff only."""
    notices = Notice.objects.all() if is_staff else notices_published()
    return notices.select_related("campaign").prefetch_related("attachments").filter(pk=pk).first()


def blank_forms_public(campaign_id: int) -> bool:
    """A year's blank forms are public once its notice is published."""
    return notices_published().filter(campaign_id=campaign_id).exists()


def case_published_texts(ids: list[int]) -> dict[int, list[str]]:
    """Per case entry, the texts its organisation agreed to publish: the summary, then the
    six areas in their order (only with the full materials). One query for a page."""
    rows = CaseEntry.objects.filter(pk__in=ids).values_list("id", "summary", "materials")
    return {pk: published_texts(summary, materials) for pk, summary, materials in rows}


def published_texts(summary: str, materials: dict[str, str]) -> list[str]:
    """The texts an organisation agreed to publish: the summary, then the six areas in
    their order (only with the full materials)."""
    return [summary, *(text for _area, text in sorted(materials.items(), key=_area_order))]


def page_published_texts(rows: Any) -> dict[int, list[str]]:
    """case_published_texts of a page's rows that carry "summary" and "materials" (as
    case_search_page's and fts_search_page's do): read with the page, no query."""
    return {int(r["id"]): published_texts(r["summary"], r["materials"] or {}) for r in rows}


def _area_order(item: tuple[str, str]) -> int:
    key = item[0]
    return int(key) if str(key).isdigit() else 99
