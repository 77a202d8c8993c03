"""The dashboards: known figures on a small world, the list behind every number, the
same number of queries whatever the data, a unit sees its own applications only."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_registration
from tests.dashboards.conftest import World
from tests.recommendation.factories import make_application
from xinban.campaigns.models import Campaign
from xinban.core.audit import audit_record
from xinban.organisations.models import Organisation, RecommendingUnit, UnitKind

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def funnel(figures: dict[str, Any]) -> dict[str, int]:
    return {step["key"]: step["value"] for step in figures["funnel"]}


def chart(figures: dict[str, Any], key: str) -> dict[str, dict[str, int]]:
    """label → series key → value."""
    found = next(c for c in figures["breakdowns"] if c["key"] == key)
    return {
        label: {s["key"]: s["values"][i] for s in found["series"]}
        for i, label in enumerate(found["labels"])
    }


def test_staff_figures_of_a_known_world(world: World, staff: Any) -> None:
    response = client_for(staff).get(reverse("dashboards:staff"))
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures["year"] == world.campaign.year
    assert funnel(figures) == {
        "registered": 5,
        "applied": 6,
        "recommended": 4,
        "formal_passed": 3,
        "selected": 2,
        "typical": 1,
        "national": 1,
    }
    assert chart(figures, "unit") == {
        "浦东新区": {"applied": 4, "recommended": 3, "selected": 1},
        "黄浦区": {"applied": 2, "recommended": 1, "selected": 1},
    }
    assert chart(figures, "domain") == {
        "制造": {"applied": 3, "recommended": 3, "selected": 2},
        "市场服务": {"applied": 2, "recommended": 1, "selected": 0},
        "建设工程": {"applied": 1, "recommended": 0, "selected": 0},
    }
    assert chart(figures, "nature")["民营"] == {"applied": 3, "recommended": 1, "selected": 0}
    # An organisation naming two industries counts in both.
    assert chart(figures, "industry") == {
        "集成电路": {"applied": 2, "recommended": 2, "selected": 1},
        "汽车": {"applied": 3, "recommended": 3, "selected": 2},
        "金融": {"applied": 2, "recommended": 1, "selected": 0},
    }
    assert chart(figures, "team_type")["服务型"] == {"applied": 2, "recommended": 1, "selected": 0}
    years = figures["years"]
    assert years["labels"] == [str(world.past.year), str(world.campaign.year)]
    by_key = {s["key"]: s["values"] for s in years["series"]}
    assert by_key["registered"] == [3, 5]
    assert by_key["applied"] == [3, 6]
    assert by_key["selected"] == [2, 2]
    assert figures["years"]["change"][1]["change"] == 100.0  # 3 → 6 applications
    # Progress: unit X's judge has done 1 of 3 sheets; both units are listed.
    judges = figures["progress"]["judges"]
    assert [(j["judge"], j["done"], j["total"]) for j in judges] == [("评委丁", 1, 3)]
    units = {u["unit"]: u for u in figures["progress"]["units"]}
    assert units["浦东新区"]["applied"] == 4 and units["浦东新区"]["sheets_done"] == 1
    page = response.content.decode()
    assert 'id="dashboard-figures"' in page and "vendor/chartjs/chart.umd.min.js" in page
    assert "<script>" not in page  # data through json_script, code in static files only


def test_filters_narrow_every_figure(world: World, staff: Any) -> None:
    client = client_for(staff)
    services = world.ids["services"]
    figures = client.get(reverse("dashboards:staff"), {"domain": services}).context["figures"]
    assert funnel(figures) == {
        "registered": 1,
        "applied": 2,
        "recommended": 1,
        "formal_passed": 0,
        "selected": 0,
        "typical": 0,
        "national": 0,
    }
    figures = client.get(
        reverse("dashboards:staff"), {"industry": world.ids["auto"], "unit_kind": "district"}
    ).context["figures"]
    # 上海戊 names 汽车 but applied to no unit: not counted once a unit filter is set.
    assert funnel(figures)["applied"] == 3 and funnel(figures)["registered"] == 2
    figures = client.get(reverse("dashboards:staff"), {"year": world.past.year}).context["figures"]
    assert funnel(figures)["applied"] == 3 and figures["year"] == world.past.year


def test_invalid_filter_is_reported_and_the_others_still_apply(world: World, staff: Any) -> None:
    response = client_for(staff).get(
        reverse("dashboards:staff"), {"domain": "999999", "nature": world.ids["private"]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["domain"]
    assert funnel(response.context["figures"])["applied"] == 3


def _count_of_list(client: Client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return int(response.context["page"].paginator.count)


def test_every_bar_opens_the_list_behind_it(world: World, staff: Any) -> None:
    client = client_for(staff)
    figures = client.get(reverse("dashboards:staff")).context["figures"]
    checked = 0
    for item in figures["breakdowns"]:
        for series in item["series"]:
            for value, url in zip(series["values"], series["urls"], strict=True):
                assert urlsplit(url).path == reverse("applications:staff_list")
                assert _count_of_list(client, url) == value, url
                checked += 1
    for step in figures["funnel"]:
        if step["url"]:
            assert _count_of_list(client, step["url"]) == step["value"], step
    for series in figures["years"]["series"]:
        for value, url in zip(series["values"], series["urls"], strict=True):
            if url:
                assert _count_of_list(client, url) == value, url
    assert checked > 20
    # The drilled-down list names its filters and keeps them in its export link.
    url = next(s for s in figures["funnel"] if s["key"] == "national")["url"]
    page = client.get(url).content.decode()
    assert "推荐全国" in page and world.x[0].number in page and world.x[1].number not in page
    assert "stage=national" in page


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_the_data(
    world: World, staff: Any, unit_x: Any, unit_x_admin: Any, settings: Any
) -> None:
    settings.XINBAN_DASHBOARD_CACHE_SECONDS = 0  # measure the aggregates themselves
    staff_client, unit_client = client_for(staff), client_for(unit_x_admin)
    staff_url = reverse("dashboards:staff")
    unit_url = reverse("dashboards:unit", args=[unit_x.pk])
    before = (_queries(staff_client, staff_url), _queries(unit_client, unit_url))
    # More of everything: a year, units, organisations, applications.
    older = Campaign.objects.create(year=world.past.year - 1, title="前年", results_published=True)
    for n in range(6):
        unit = RecommendingUnit.objects.create(name=f"集团{n}", kind=UnitKind.GROUP)
        for campaign in (older, world.campaign):
            org = Organisation.objects.create(
                name=f"上海新增{n}{campaign.year}公司", short_name="新增"
            )
            make_registration(org, campaign)
            for target in (unit, unit_x):
                make_application(
                    organisation=org,
                    unit=target,
                    campaign=campaign,
                    team_name=f"新{n}班",
                    team_type="服务型" if target == unit else "管理型",
                    state="recommended",
                )
    after = (_queries(staff_client, staff_url), _queries(unit_client, unit_url))
    assert after == before
    assert before[0] <= 30


def test_cached_figures_follow_every_audited_change(world: World, staff: Any) -> None:
    client = client_for(staff)
    assert funnel(client.get(reverse("dashboards:staff")).context["figures"])["applied"] == 6
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("dashboards:staff"))
    assert len(captured) <= 8  # served from the cache: sessions, roles, version
    world.x[3].state = "withdrawn"
    world.x[3].save()
    audit_record(actor=staff, action="application.withdraw", obj=world.x[3])
    assert funnel(client.get(reverse("dashboards:staff")).context["figures"])["applied"] == 5


def test_unit_dashboard_shows_only_its_own_applications(
    world: World, unit_x: Any, unit_x_admin: Any, unit_y_admin: Any, applicant_a: Any, staff: Any
) -> None:
    client = client_for(unit_x_admin)
    response = client.get(reverse("dashboards:unit", args=[unit_x.pk]))
    assert response.status_code == 200
    figures = response.context["figures"]
    # This year's results are not published: the unit sees applied and recommended only.
    assert funnel(figures) == {"applied": 4, "recommended": 3}
    assert {c["key"] for c in figures["breakdowns"]} == {
        "domain",
        "nature",
        "industry",
        "team_type",
    }
    assert chart(figures, "domain") == {
        "制造": {"applied": 2, "recommended": 2},
        "市场服务": {"applied": 2, "recommended": 1},
    }
    page = response.content.decode()
    for other in world.y:
        assert other.organisation.name not in page
    # Last year is published: its 建设经验 shows, this year's does not.
    series = {s["key"]: s["values"] for s in figures["years"]["series"]}
    assert series["applied"] == [3, 4] and series["selected"] == [2, None]
    assert "registered" not in series
    assert [j["judge"] for j in figures["progress"]["judges"]] == ["评委丁"]
    past = client.get(reverse("dashboards:unit", args=[unit_x.pk]), {"year": world.past.year})
    assert funnel(past.context["figures"])["selected"] == 2
    # Every number opens the unit's own inbox with that many applications.
    for item in figures["breakdowns"]:
        for s in item["series"]:
            for value, url in zip(s["values"], s["urls"], strict=True):
                assert urlsplit(url).path == reverse("recommendation:inbox", args=[unit_x.pk])
                listed = client.get(url).context["applications"]
                assert len(listed) == value, url
    # Others: unit Y's admin and applicants get 404; staff may look.
    url = reverse("dashboards:unit", args=[unit_x.pk])
    assert client_for(unit_y_admin).get(url).status_code == 404
    assert client_for(applicant_a).get(url).status_code == 404
    assert client_for(staff).get(url).status_code == 200
    assert client.get(reverse("dashboards:staff")).status_code == 403


def test_unit_inbox_ignores_unpublished_result_stages(
    world: World, unit_x: Any, unit_x_admin: Any
) -> None:
    client = client_for(unit_x_admin)
    url = reverse("recommendation:inbox", args=[unit_x.pk])
    everything = len(client.get(url).context["applications"])
    assert len(client.get(url, {"stage": "national"}).context["applications"]) == everything
    assert len(client.get(url, {"stage": "recommended"}).context["applications"]) == 3


def test_nav_links(world: World, staff: Any, unit_x: Any, unit_x_admin: Any) -> None:
    page = client_for(staff).get(reverse("core:home")).content.decode()
    assert reverse("dashboards:staff") in page
    inbox = client_for(unit_x_admin).get(reverse("recommendation:inbox", args=[unit_x.pk]))
    assert reverse("dashboards:unit", args=[unit_x.pk]) in inbox.content.decode()


def test_api_figures(world: World, staff: Any, unit_x: Any, unit_x_admin: Any) -> None:
    body = client_for(staff).get("/api/dashboards/staff", {"nature": world.ids["private"]})
    assert body.status_code == 200
    assert {s["key"]: s["value"] for s in body.json()["funnel"]}["applied"] == 3
    bad = client_for(staff).get("/api/dashboards/staff", {"domain": "x"})
    assert bad.status_code == 422 and "domain" in bad.json()["errors"]
    assert client_for(unit_x_admin).get("/api/dashboards/staff").status_code == 403
    mine = client_for(unit_x_admin).get(f"/api/dashboards/units/{unit_x.pk}").json()
    assert mine["scope"] == "unit"
    assert {s["key"]: s["value"] for s in mine["funnel"]} == {"applied": 4, "recommended": 3}
    assert client_for(staff).get("/api/dashboards/units/999999").status_code == 404


def test_judge_page_links_its_export(world: World) -> None:
    from xinban.scoring.models import Judge

    judge = Judge.objects.get(name="评委丁")
    page = client_for(judge.user).get(reverse("recommendation:judge_home")).content.decode()
    assert reverse("exports:download", args=["judge_sheets"]) in page
