"""The case library's indexed search (FTS5 on SQLite, the grams index on PostgreSQL:
docs/benchmarks.md, "Case library on PostgreSQL") finds exactly what a plain ``icontains``
finds, in the order each database lists it, on random queries of one to six characters.
Run on PostgreSQL with ``scripts/with-postgres.sh .venv/bin/python -m pytest -q -p
no:xdist tests/publication/test_case_search_index.py``."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.evaluation.conftest import make_org_app
from xinban.applications.models import ApplicationState
from xinban.publication import selectors
from xinban.publication.models import CaseEntry, Level

pytestmark = pytest.mark.django_db

ALPHABET = "质量改进精益安全生产班组客户满意航天数字化标准ABCabcßŉ%_\\ -"


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(5, 40)))


@pytest.fixture
def library(campaign: Any, unit_x: Any) -> list[CaseEntry]:
    rng = random.Random(16)
    entries = []
    for n in range(24):
        app = make_org_app(
            campaign, unit_x, f"上海检索{n:02d}有限公司", state=ApplicationState.SELECTED
        )
        summary = _text(rng)
        entries.append(
            CaseEntry.objects.create(
                application=app,
                year=2020 + n % 3,
                level=(Level.SELECTED, Level.TYPICAL)[n % 2],
                organisation_name=app.organisation.name,
                team_name=f"{_text(rng)[:8]}组",
                unit_name=unit_x.name,
                domain="制造",
                summary=summary,
                search_text=selectors.search_text_of(app.organisation.name, summary),
            )
        )
    return entries


def _queries(entries: list[CaseEntry]) -> list[str]:
    rng = random.Random(1616)
    queries = ["航天", "质", "a", "A", "ß", "SS", "%", "_", "\\", "质量改进", "不存在"]
    for _ in range(120):
        text = rng.choice(entries).search_text
        length = rng.randint(1, 6)
        start = rng.randint(0, max(0, len(text) - length))
        queries.append(text[start : start + length])  # found at least once
        queries.append("".join(rng.choice(ALPHABET) for _ in range(length)))  # maybe not
    # Every length on both databases: the text ends with two newlines, so on SQLite its
    # last character begins a trigram too (selectors.search_text_of).
    ends = [e.search_text.rstrip()[-1:] for e in entries[:5]]
    cleaned = [selectors.clean_query(q) for q in queries + ends]
    return [q for q in cleaned if q]


def _plain(q: str, *, fts: bool) -> list[int]:
    """The plain scan, in the order the search lists its matches on this database."""
    found = CaseEntry.objects.filter(search_text__icontains=q)
    if fts:  # SQLite's index path lists the newest entries first
        found = found.order_by("-id")
    return list(found.values_list("id", flat=True))


def test_the_index_finds_what_icontains_finds(library: list[CaseEntry]) -> None:
    for q in _queries(library):
        fts = selectors.fts_expression(q) is not None
        found = [e["id"] for e in selectors.case_search(selectors.CaseFilters(q=q))]
        assert found == _plain(q, fts=fts), q
        with selectors.index_scans(common=len(found) > 12):
            again = [e["id"] for e in selectors.case_search(selectors.CaseFilters(q=q))]
        assert again == found, q


def test_the_page_shows_the_same_entries_and_count(library: list[CaseEntry]) -> None:
    client = Client()
    for q in _queries(library)[:40]:
        fts = selectors.fts_expression(q) is not None
        expected = _plain(q, fts=fts)
        html = client.get(reverse("publication:cases"), {"q": q}).content.decode()
        assert f'data-count="{len(expected)}"' in html, q
        shown = [int(pk) for pk in re.findall(r'href="/cases/(\d+)/', html)]
        assert list(dict.fromkeys(shown)) == expected[:20], q


def test_postgresql_keeps_the_grams_in_step(library: list[CaseEntry]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the grams column is PostgreSQL's")
    entry = library[0]

    def ids(q: str) -> list[int]:
        return [e["id"] for e in selectors.case_search(selectors.CaseFilters(q=q))]

    assert entry.pk in ids("检索00") and ids("全新") == []
    entry.search_text = selectors.search_text_of("全新的文字ŉz")
    entry.save()
    assert ids("全新") == [entry.pk] and ids("ŉZ") == [entry.pk] and ids("的文字Ŋ") == []
    assert entry.pk not in ids("检索00")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'publication_case_grams'")
        assert cursor.fetchone()[0] == 1
