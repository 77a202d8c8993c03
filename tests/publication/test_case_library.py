"""The case library's lists and pages: what each organisation agreed to publish (names
only, the summary, or the six areas' texts), the searched words marked, never an empty
excerpt; domain names in the page's language."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xinban.applications.models import Application, MaterialArea
from xinban.campaigns.models import Domain
from xinban.publication import selectors, services, views
from xinban.publication.models import CaseEntry, ConsentScope
from xinban.publication.snippets import excerpt, highlight, snippet

pytestmark = pytest.mark.django_db

SNIPPET = re.compile(r"<div class=\"small[^\"]*\" data-snippet>(.*?)</div>", re.S)


@pytest.fixture
def published(staff: Any, campaign: Any, results: list[Application]) -> list[Application]:
    a = results[0]
    Application.objects.filter(pk=a.pk).update(
        material_skills="每月开展一次五步法技能比武，累计培训二百人次。"
    )
    services.results_publish(actor=staff, campaign=campaign)
    return results


def _consent(application: Application, applicant: Any, scope: str) -> CaseEntry:
    application.refresh_from_db()
    services.consent_set(actor=applicant, application=application, scope=scope)
    return CaseEntry.objects.get(application=application)


def _snippets(html: str) -> list[str]:
    return SNIPPET.findall(html)


def test_names_only_entries_say_so_and_show_no_text(
    published: list[Application], applicant_a: Any
) -> None:
    entry = CaseEntry.objects.get(team_name="质检一班")
    html = Client().get(reverse("publication:cases")).content.decode()
    snippets = _snippets(html)
    assert len(snippets) == 2 and all(s.strip() for s in snippets)
    assert "该单位仅同意公开名称和评价结果。" in snippets
    assert "缺陷率" not in html and "五步法" not in html
    detail = Client().get(reverse("publication:case_detail", args=[entry.pk])).content.decode()
    assert "仅公开单位、班组名称和评价结果" in detail  # the scope, named
    assert "缺陷率" not in detail and "data-material" not in detail


def test_summary_consent_shows_the_summary_not_the_six_areas(
    published: list[Application], applicant_a: Any
) -> None:
    entry = _consent(published[0], applicant_a, ConsentScope.SUMMARY)
    html = Client().get(reverse("publication:cases")).content.decode()
    assert any("缺陷率下降" in s for s in _snippets(html))
    # The six areas' texts are neither shown nor searchable.
    found = Client().get(reverse("publication:cases"), {"q": "五步法"}).content.decode()
    assert 'data-count="0"' in found
    detail = Client().get(reverse("publication:case_detail", args=[entry.pk])).content.decode()
    assert "缺陷率下降" in detail and "五步法" not in detail and "data-material" not in detail
    assert "另公开班组概况和改进成果摘要" in detail


def test_full_consent_shows_the_six_areas_and_search_marks_the_words(
    published: list[Application], applicant_a: Any
) -> None:
    entry = _consent(published[0], applicant_a, ConsentScope.FULL)
    detail = Client().get(reverse("publication:case_detail", args=[entry.pk])).content.decode()
    for area in MaterialArea:
        assert f"data-material>{area.label}</h3>" in detail
    assert "建立了班组管理制度。" in detail and "五步法技能比武" in detail
    # A word only in the six areas: found, the excerpt is around it, the word marked.
    html = Client().get(reverse("publication:cases"), {"q": "五步法"}).content.decode()
    assert 'data-count="1"' in html
    [text] = _snippets(html)
    assert "<mark>五步法</mark>" in text and "技能比武" in text
    # The link carries the search: the experience's page marks it too.
    link = reverse("publication:case_detail", args=[entry.pk]) + "?q=%E4%BA%94%E6%AD%A5%E6%B3%95"
    assert link in html
    marked = Client().get(link).content.decode()
    assert "<mark>五步法</mark>技能比武" in marked
    # A match in a name is marked in the name; the excerpt is then the summary.
    html = Client().get(reverse("publication:cases"), {"q": "质检"}).content.decode()
    assert "<strong><mark>质检</mark>一班</strong>" in html
    assert all(s.strip() for s in _snippets(html))


def test_marking_escapes_the_text() -> None:
    assert highlight("<b>质检</b>一班", ["质检"]) == "&lt;b&gt;<mark>质检</mark>&lt;/b&gt;一班"
    assert highlight("Quality TEAM", ["team"]) == "Quality <mark>TEAM</mark>"
    assert highlight("a<b", []) == "a&lt;b"


def test_excerpt_is_around_the_first_match_and_never_empty() -> None:
    text = "甲" * 300 + "数字化质量改进" + "乙" * 300
    piece = excerpt(text, ["数字化"])
    assert "数字化" in piece and piece.startswith("…") and piece.endswith("…")
    assert len(piece) <= 122
    assert excerpt("短文本", ["无关"]) == "短文本"
    # The first published text holding the word is chosen, else the first one.
    assert snippet("培训", ["班组概况", "开展培训"]) == "开展培训"
    assert snippet("无关", ["班组概况", "开展培训"]) == "班组概况"
    assert snippet("x", ["", "  "]) is None


def test_domains_and_scope_in_english(published: list[Application], applicant_a: Any) -> None:
    entry = _consent(published[0], applicant_a, ConsentScope.SUMMARY)
    en = {"HTTP_ACCEPT_LANGUAGE": "en"}
    html = Client().get(reverse("publication:cases"), **en).content.decode()  # type: ignore[arg-type]
    domain = entry.domain
    assert domain, "the fixture's experience has a domain"
    assert f"· {domain}" not in html
    detail = Client().get(reverse("publication:case_detail", args=[entry.pk]), **en)  # type: ignore[arg-type]
    text = detail.content.decode()
    assert "Published" in text and domain not in text


def test_list_page_reads_its_rows_once_and_domains_from_the_cache(
    published: list[Application], applicant_a: Any
) -> None:
    entry = _consent(published[0], applicant_a, ConsentScope.FULL)
    client = Client()
    client.get(reverse("publication:results"))  # facets, domains and the count cached
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("publication:results")).content.decode()
    tables = [q["sql"] for q in queries.captured_queries]
    # The page only (its rows carry the texts of their excerpts); the count is cached.
    assert len([sql for sql in tables if "publication_caseentry" in sql]) == 1
    assert not [sql for sql in tables if "campaigns_domain" in sql]
    assert "缺陷率" in html  # the excerpt, from the full materials
    domain = Domain.objects.get(name=entry.domain)
    domain.name_en = "Renamed domain"
    domain.save()
    english = client.get(reverse("publication:results"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Renamed domain" not in english.content.decode()  # kept a minute
    cache.clear()
    english = client.get(reverse("publication:results"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Renamed domain" in english.content.decode()


def test_a_lists_count_is_kept_until_a_publication_forgets_it(
    published: list[Application], campaign: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    # A filter besides the words: the database's search on both databases (not FTS5).
    search = {"q": "有限公司", "year": campaign.year}

    def count() -> int:
        return int(client.get(reverse("publication:cases"), search).context["page"].paginator.count)

    matching = CaseEntry.objects.filter(search_text__icontains="有限公司")
    counted = count()
    assert counted == matching.count() > 1
    with CaptureQueriesContext(connection) as queries:
        assert count() == counted
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    # A row removed behind the publication's back stays counted until the counts are
    # forgotten (at most five minutes).
    matching.filter(pk=matching.order_by("pk").first().pk).delete()  # type: ignore[union-attr]
    assert count() == counted
    selectors.forget_case_counts()
    assert count() == counted - 1
    # Writing the library (publishing, a consent, a rebuild) forgets every count.
    assert cache.get(selectors.COUNTS_VERSION_KEY) is not None
    with django_capture_on_commit_callbacks(execute=True):
        services.case_entries_rebuild(campaign=campaign)
    assert cache.get(selectors.COUNTS_VERSION_KEY) is None
    assert count() == matching.count()


@pytest.mark.parametrize("cap", [1000, 1])  # 1: the count reaches the cap (a common query)
def test_a_search_reads_the_same_page_once_its_count_is_kept(
    published: list[Application], applicant_a: Any, monkeypatch: Any, cap: int
) -> None:
    """Once a search's capped count is in the cache, PostgreSQL reads its page in one
    statement (settings, page, reset): the same rows, page number and HTML as the first
    request, which counted."""
    _consent(published[0], applicant_a, ConsentScope.FULL)
    monkeypatch.setattr(selectors.CappedPaginator, "cap", cap)
    monkeypatch.setattr(views, "PER_PAGE", 1)
    client = Client()
    csrf = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')
    for number in ("1", "2", "9", "x"):
        cache.clear()
        search = {"q": "有限公司", "page": number}
        first = client.get(reverse("publication:cases"), search)
        with CaptureQueriesContext(connection) as queries:
            again = client.get(reverse("publication:cases"), search)
        page, kept = first.context["page"], again.context["page"]
        assert kept.number == page.number and kept.paginator.count == page.paginator.count
        assert list(kept.object_list) == list(page.object_list)
        assert len(page.object_list) == 1
        assert csrf.sub("", again.content.decode()) == csrf.sub("", first.content.decode())
        if connection.vendor == "postgresql":
            reads = [q["sql"] for q in queries.captured_queries if "caseentry" in q["sql"]]
            assert len(queries.captured_queries) == 1 and len(reads) == 1
            assert reads[0].count("enable_bitmapscan") == (2 if cap == 1 else 0)
