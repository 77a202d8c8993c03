"""Every page in English (issue 13, item 10): each persona requests every page the
permission matrix lets them see (``tests/security``, its world of objects), with the
language set to English, and no Chinese may be left on it except the users' own data
(names, texts typed into forms, file names) and the official forms' names kept on purpose.

What counts as user data: the value of every text column of every row in the database,
except the lists the platform itself provides and translates (the taxonomies, the formal
review's checklist, the rubric's criteria), which must show their English names."""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from tests.core.test_translations import compiled_catalog  # noqa: F401 - fixture
from tests.security.matrix_kit import ANON, PERSONAS, Page
from tests.security.test_permission_matrix import (
    Tally,
    all_url_patterns,
    build_world,
    client_for,
    page_urls,
)

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u201c\u201d]+")
HAN = re.compile(r"[\u3400-\u9fff]")
TAG = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->", re.S | re.I)
ATTRS = re.compile(r'\b(?:placeholder|title|aria-label|alt|value)="([^"]*)"')
# The platform's own lists, shown in the page's language: not user data.
TRANSLATED_DATA = {
    "campaigns.organisationnature",
    "campaigns.industry",
    "campaigns.domain",
    "campaigns.teamtype",
    "campaigns.teamnameending",
    "evaluation.checklistitem",
}
# Kept in Chinese on purpose: the language switch's "中文", the attachments of the notice
# (附件N), the association's address in the footer, the case library's example searches
# (the experiences are in Chinese).
KEPT = re.compile(
    r"中文|附件\s?\d|上海市质量协会 会员与质量推进部 · 长宁区泰安路74号|\"质检\"|\"数字化\""
    # The naming rule of a team is about these Chinese endings; a sheet and a file the
    # notice names in Chinese.
    r"|“\*{0,2}(?:班组|班|组|工段|室)”|“填写说明”|信班活动统计表"
)

# Not pages of the site's language: downloads; the OpenAPI document (its title is the
# API's); the e-mail templates' editor, where staff edit the Chinese and the English text.
SKIPPED = ("/exports/", "/api/docs", "/notifications/templates/")

ADMIN_PAGES = (
    "/admin/",
    "/admin/publication/notice/add/",
    "/admin/campaigns/campaign/",
    "/admin/campaigns/domain/",
    "/admin/evaluation/checklistitem/",
)


def _user_texts(*, bilingual: bool = False) -> list[str]:
    """Every text in the database (with ``bilingual``, the platform's own lists too: the
    admin edits their Chinese and English names side by side)."""
    texts: set[str] = set()
    for model in apps.get_models():
        if model._meta.label_lower in TRANSLATED_DATA and not bilingual:
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                _collect(value, texts)
    # Longest first: a name is removed before a part of it.
    return sorted((t for t in texts if HAN.search(t)), key=len, reverse=True)


def _collect(value: Any, into: set[str]) -> None:
    if isinstance(value, str):
        into.add(value)
        into.update(line.strip() for line in value.splitlines() if line.strip())
    elif isinstance(value, dict):
        for item in value.values():
            _collect(item, into)
    elif isinstance(value, list):
        for item in value:
            _collect(item, into)


def visible_text(page: str) -> str:
    body = TAG.sub(" ", page)
    attributes = " ".join(ATTRS.findall(body))
    text = re.sub(r"<[^>]+>", " ", body)
    return html_lib.unescape(text + " " + attributes)


def leftovers(page: str, user_texts: list[str]) -> list[str]:
    text = visible_text(page)
    for value in user_texts:
        if value in text:
            text = text.replace(value, " ")
    text = " ".join(KEPT.sub(" ", text).split())
    return sorted(
        {
            text[max(0, m.start() - 12) : m.end() + 12]
            for m in CJK.finditer(text)
            if HAN.search(m.group()) or m.group().strip("“”")
        }
    )


@pytest.mark.usefixtures("compiled_catalog")
def test_every_page_in_english_has_no_chinese_but_user_data(
    settings: Any,
    campaign: Any,
    unit_x: Any,
    unit_y: Any,
    org_b: Any,
    applicant_a: Any,
    applicant_b: Any,
    unit_x_admin: Any,
    unit_y_admin: Any,
    staff: Any,
    guide: Any,
    draft_a: Any,
) -> None:
    fixtures = {name: value for name, value in locals().items() if name != "settings"}
    users, ids = build_world(fixtures)
    user_texts = _user_texts()
    tally = Tally(problems=[])
    found: dict[str, list[str]] = {}
    pages = 0
    for persona in PERSONAS:
        client = client_for(persona, users) if persona != ANON else Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        for _key, entry, url in page_urls(all_url_patterns(), ids, tally):
            assert isinstance(entry, Page)
            if entry.get is None or entry.get[persona] != 200 or url.startswith(SKIPPED):
                continue
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            pages += 1
            rest = leftovers(response.content.decode(), user_texts)
            if rest:
                found[f"{persona} {url}"] = rest
    # The admin's pages staff use: section headings, lists, the notice and year forms.
    admin_user = users["staff"]
    admin_user.is_staff = admin_user.is_superuser = True  # the association's admin
    admin_user.save(update_fields=["is_staff", "is_superuser"])
    staff_client = client_for("staff", users)
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    all_texts = _user_texts(bilingual=True)
    for url in ADMIN_PAGES:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        pages += 1
        rest = leftovers(response.content.decode(), all_texts)
        if rest:
            found[f"staff {url}"] = rest
    assert pages > 50
    report = "\n".join(f"{where}: {' | '.join(words)}" for where, words in found.items())
    assert not found, f"Chinese left on {len(found)} English pages:\n{report}"
