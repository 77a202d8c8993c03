"""Service rules through the API: optimistic locking, the per-organisation limit, distinct
team types, the registration requirement."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from tests.api.conftest import Api, application_body, team_type_id
from xinban.accounts.models import User
from xinban.applications.models import Application
from xinban.campaigns.models import Campaign
from xinban.organisations.models import RecommendingUnit


def test_stale_version_gets_409(
    api_a: Api, unit_x: RecommendingUnit, new_application: Callable[..., dict[str, Any]]
) -> None:
    application = new_application()
    pk, version = application["id"], application["version"]
    first = api_a.put(
        f"/applications/{pk}",
        {**application_body(unit_x, team_size=13), "version": version},
    )
    assert first.status_code == 200
    stale = api_a.put(
        f"/applications/{pk}",
        {**application_body(unit_x, team_size=14), "version": version},
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "concurrent_edit"
    assert stale.json()["detail"]
    assert Application.objects.get(pk=pk).team_size == 13


def test_fourth_application_is_refused(
    api_a: Api, unit_x: RecommendingUnit, new_application: Callable[..., dict[str, Any]]
) -> None:
    new_application(team_name="质检一班", team_type=team_type_id("生产操作型"))
    new_application(team_name="客服二组", team_type=team_type_id("服务型"))
    new_application(team_name="计划工段", team_type=team_type_id("管理型"))
    fourth = api_a.post(
        "/applications",
        application_body(unit_x, team_name="研发室", team_type=team_type_id("技术研发型")),
    )
    assert fourth.status_code == 400
    assert fourth.json()["code"] == "limit_reached"
    assert "3" in fourth.json()["detail"]


def test_duplicate_team_type_is_refused(
    api_a: Api, unit_x: RecommendingUnit, new_application: Callable[..., dict[str, Any]]
) -> None:
    new_application(team_name="质检一班")
    duplicate = api_a.post("/applications", application_body(unit_x, team_name="装配二组"))
    assert duplicate.status_code == 400
    assert duplicate.json()["code"] == "duplicate_team_type"
    assert duplicate.json()["field"] == "team_type"


def test_changing_to_a_sibling_team_type_is_refused(
    api_a: Api, unit_x: RecommendingUnit, new_application: Callable[..., dict[str, Any]]
) -> None:
    new_application(team_name="质检一班", team_type=team_type_id("生产操作型"))
    second = new_application(team_name="客服二组", team_type=team_type_id("服务型"))
    response = api_a.put(
        f"/applications/{second['id']}",
        {
            **application_body(unit_x, team_name="客服二组", team_type=team_type_id("生产操作型")),
            "version": second["version"],
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "duplicate_team_type"


def test_application_needs_a_registration(
    client: Client, campaign: Campaign, unit_x: RecommendingUnit
) -> None:
    user = User.objects.create_user(email="c@example.com", password="pw-123456-long", name="丙")
    client.force_login(user)
    api = Api(client)
    api.post("/organisations", {"name": "上海丙公司", "short_name": "丙"})
    response = api.post("/applications", application_body(unit_x))
    assert response.status_code == 400
    assert response.json()["code"] == "not_registered"


def test_organisation_name_taken(api_a: Api, client: Client) -> None:
    other = User.objects.create_user(email="d@example.com", password="pw-123456-long", name="丁")
    client.force_login(other)
    response = Api(client).post(
        "/organisations", {"name": "上海甲机械有限公司", "short_name": "甲"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "organisation_exists"
    assert response.json()["field"] == "name"


def test_closed_window_gives_409(api_a: Api, unit_x: RecommendingUnit, campaign: Campaign) -> None:
    campaign.phases.filter(kind="application").update(
        starts_at=campaign.phases.get(kind="application").starts_at.replace(year=2000),
        ends_at=campaign.phases.get(kind="application").starts_at.replace(year=2001),
    )
    response = api_a.post("/applications", application_body(unit_x))
    assert response.status_code == 409
    assert response.json()["code"] == "window_closed"
