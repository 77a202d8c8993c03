"""Lists inside messages follow the language: 、 and ； in Chinese, commas and semicolons
in English."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from xinban.api.services import token_create
from xinban.core.errors import ServiceError
from xinban.core.text import join_clauses, join_items


def test_items_and_clauses_are_joined_as_the_language_writes_them() -> None:
    with translation.override("zh-hans"):
        assert join_items(["甲", "乙", "丙"]) == "甲、乙、丙"
        assert join_clauses(["甲不符合", "乙缺失"]) == "甲不符合；乙缺失"
    with translation.override("en"):
        assert join_items(["A", "B", 3]) == "A, B, 3"
        assert join_clauses(["A fails", "B is missing"]) == "A fails; B is missing"
    assert join_items([]) == ""


@pytest.mark.django_db
def test_a_services_message_lists_names_in_the_users_language(applicant_a: Any) -> None:
    with translation.override("en"), pytest.raises(ServiceError) as raised:
        token_create(actor=applicant_a, name="ERP", scopes=["nope", "nada"])
    assert "nope, nada" in str(raised.value)
    assert raised.value.field == "scopes"


def test_the_template_filter_joins_per_language_and_escapes() -> None:
    from django.template import Context, Template

    template = Template('{% load xinban %}{{ names|list_items|default:"—" }}')
    names = ["浦东新区", "<b>宝山</b>"]
    with translation.override("zh-hans"):
        assert template.render(Context({"names": names})) == "浦东新区、&lt;b&gt;宝山&lt;/b&gt;"
    with translation.override("en"):
        assert template.render(Context({"names": ["A", "B"]})) == "A, B"
    assert template.render(Context({"names": []})) == "—"
