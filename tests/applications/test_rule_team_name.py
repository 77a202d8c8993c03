"""Rule 3 of docs/rules.md (附件3 注3): a team's name carries no whitespace of any kind and
neither the organisation's own name nor a superior department; one rule for the form
(page and API) and the service."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.api.conftest import api_for, application_body
from tests.conftest import application_data
from xinban.applications import services
from xinban.applications.models import Application
from xinban.core.errors import ServiceError
from xinban.core.validators import team_name_problem

pytestmark = pytest.mark.django_db

ENDINGS = ["班", "组", "工段", "室"]
SPACED = [
    "数控加工班 组",  # ASCII space
    "数控加工\u3000班",  # full-width space
    "数控\u200b加工班",  # zero-width space
    "数控\u00a0加工班",  # non-breaking space
    "数控\ufeff加工班",  # zero-width no-break space
    "数控\t加工班",
]
SUPERIOR = ["质量部质检一班", "某某公司质检一班", "电气事业部调试组", "华东集团装配工段"]


@pytest.mark.parametrize("name", SPACED)
def test_whitespace_of_any_kind_inside_is_refused(name: str) -> None:
    assert "空格" in (team_name_problem(name, ENDINGS) or "")


@pytest.mark.parametrize("name", SUPERIOR)
def test_a_superior_department_is_refused(name: str) -> None:
    assert "上级部门" in (team_name_problem(name, ENDINGS) or "")


@pytest.mark.parametrize("name", ["部件装配班", "内部审核组", "质检一班", "全部件检测室"])
def test_ordinary_words_pass(name: str) -> None:
    assert team_name_problem(name, ENDINGS) is None


def test_the_organisations_own_names_are_refused() -> None:
    own = ["上海甲精密机械有限公司", "甲精密"]
    assert team_name_problem("甲精密质检一班", ENDINGS, own) is not None
    assert team_name_problem("质检一班", ENDINGS, own) is None


@pytest.mark.parametrize("name", ["数控加工班 组", "甲精密质检一班", "质量部质检一班"])
def test_service_refuses(
    applicant_a: Any, org_a: Any, campaign: Any, unit_x: Any, name: str
) -> None:
    with pytest.raises(ServiceError) as exc:
        services.application_create(
            actor=applicant_a,
            organisation=org_a,
            campaign=campaign,
            data=application_data(unit_x, team_name=name),
        )
    assert exc.value.code == "team_name"
    assert exc.value.field == "team_name"
    assert not Application.objects.exists()


def test_service_refuses_on_update(draft_a: Any, applicant_a: Any, unit_x: Any) -> None:
    with pytest.raises(ServiceError) as exc:
        services.application_update(
            actor=applicant_a,
            application=draft_a,
            data=application_data(unit_x, team_name="上海甲精密机械有限公司质检一班"),
            expected_version=draft_a.version,
        )
    assert exc.value.code == "team_name"
    draft_a.refresh_from_db()
    assert draft_a.team_name == "质检一班"


@pytest.mark.parametrize(
    ("name", "words"),
    [("数控加工班 组", "空格"), ("数控\u200b加工班", "空格"), ("甲精密质检一班", "上级部门")],
)
def test_api_refuses_with_the_field_error(
    applicant_a: Any, org_a: Any, campaign: Any, unit_x: Any, name: str, words: str
) -> None:
    response = api_for(applicant_a).post("/applications", application_body(unit_x, team_name=name))
    assert response.status_code == 422
    assert words in response.json()["errors"]["team_name"][0]
    assert not Application.objects.exists()


def test_page_shows_the_reason(applicant_a: Any, org_a: Any, campaign: Any, unit_x: Any) -> None:
    client = Client()
    client.force_login(applicant_a)
    body = application_body(unit_x, team_name="质量部质检一班")
    response = client.post(reverse("applications:create"), body)
    assert response.status_code == 200
    assert "不要挂上级部门" in response.content.decode()
    assert not Application.objects.exists()
