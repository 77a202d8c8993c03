"""The dashboards' progress rows link to the lists behind them: a unit's row to its
inbox and to the staff list of its applications (the same counts), its judges' page and
its 附件5; a judge's row to the page of the panel that gave the sheets. A unit's own
dashboard links only to that unit's pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tests.dashboards.conftest import World
from tests.recommendation.conftest import make_judge
from xinban.recommendation.models import PanelMember
from xinban.scoring.models import Judge, ScoreSheet, SheetStatus, Stage

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _count_of_list(client: Client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return int(response.context["page"].paginator.count)


def test_staff_unit_rows_link_to_the_lists_behind_their_numbers(
    world: World, staff: Any, unit_x: Any, unit_y: Any
) -> None:
    client = client_for(staff)
    response = client.get(reverse("dashboards:staff"))
    units = {row["unit_id"]: row for row in response.context["figures"]["progress"]["units"]}
    assert set(units) == {unit_x.pk, unit_y.pk}
    for pk, row in units.items():
        assert row["url"] == reverse("recommendation:inbox", args=[pk]) + (
            f"?year={world.campaign.year}"
        )
        assert client.get(row["url"]).status_code == 200
        for key in ("applied", "recommended"):
            url = row[f"{key}_url"]
            assert urlsplit(url).path == reverse("applications:staff_list")
            assert _count_of_list(client, url) == row[key], (row["unit"], key)
        assert row["sheets_url"] == reverse("recommendation:judges", args=[pk])
        assert row["report_url"] == reverse("recommendation:report", args=[pk])
        for url in (row["sheets_url"], row["report_url"]):
            assert client.get(url).status_code == 200
    assert (units[unit_x.pk]["applied"], units[unit_x.pk]["recommended"]) == (4, 3)
    page = response.content.decode()
    for key in ("applied_url", "recommended_url", "sheets_url", "report_url"):
        assert f'href="{units[unit_x.pk][key]}"'.replace("&", "&amp;") in page


def test_staff_judge_rows_link_to_the_panel_that_gave_the_sheets(
    world: World, staff: Any, unit_x: Any, unit_y: Any
) -> None:
    # 评委丁 also sits on unit Y's panel (one sheet there) and is one of the experts.
    judge = Judge.objects.get(name="评委丁")
    PanelMember.objects.create(unit=unit_y, judge=judge)
    ScoreSheet.objects.create(application=world.y[0], judge=judge, stage=Stage.UNIT)
    ScoreSheet.objects.create(
        application=world.x[0], judge=judge, stage=Stage.EXPERT, status=SheetStatus.SUBMITTED
    )
    client = client_for(staff)
    response = client.get(reverse("dashboards:staff"))
    judges = response.context["figures"]["progress"]["judges"]
    by_unit = {(row["stage"], row["unit"]): row for row in judges}
    assert {key: (row["done"], row["total"]) for key, row in by_unit.items()} == {
        ("推荐单位评审", "浦东新区"): (1, 3),
        ("推荐单位评审", "黄浦区"): (0, 1),
        ("专家评委会审", ""): (1, 1),
    }
    assert by_unit["推荐单位评审", "浦东新区"]["url"] == reverse(
        "recommendation:judges", args=[unit_x.pk]
    )
    assert by_unit["推荐单位评审", "黄浦区"]["url"] == reverse(
        "recommendation:judges", args=[unit_y.pk]
    )
    assert by_unit["专家评委会审", ""]["url"] == reverse("evaluation:panel")
    for row in judges:
        assert client.get(row["url"]).status_code == 200
    page = response.content.decode()
    assert f'<a href="{reverse("evaluation:panel")}">评委丁</a>' in page


def test_a_past_year_links_no_current_year_pages(world: World, staff: Any) -> None:
    client = client_for(staff)
    figures = client.get(reverse("dashboards:staff"), {"year": world.past.year}).context["figures"]
    for row in figures["progress"]["units"]:
        assert row["sheets_url"] is None and row["report_url"] is None
        assert f"year={world.past.year}" in row["url"]
        assert _count_of_list(client, row["applied_url"]) == row["applied"]
    assert all(row["url"] is None for row in figures["progress"]["judges"])


def test_a_unit_admin_gets_links_to_their_own_units_pages_only(
    world: World, unit_x: Any, unit_y: Any, unit_x_admin: Any, unit_y_admin: Any
) -> None:
    # The unit X judge is on unit Y's panel too, with a sheet there.
    judge = Judge.objects.get(name="评委丁")
    PanelMember.objects.create(unit=unit_y, judge=judge)
    ScoreSheet.objects.create(application=world.y[0], judge=judge, stage=Stage.UNIT)
    other = make_judge("judge-y@example.com", "评委庚", unit_y)
    ScoreSheet.objects.create(application=world.y[1], judge=other, stage=Stage.UNIT)
    client = client_for(unit_x_admin)
    response = client.get(reverse("dashboards:unit", args=[unit_x.pk]))
    judges = response.context["figures"]["progress"]["judges"]
    assert [(row["judge"], row["done"], row["total"]) for row in judges] == [("评委丁", 1, 3)]
    assert judges[0]["url"] == reverse("recommendation:judges", args=[unit_x.pk])
    assert client.get(judges[0]["url"]).status_code == 200
    page = response.content.decode()
    assert f'href="{judges[0]["url"]}"' in page
    y_pages = f"/unit/{unit_y.pk}/"
    assert y_pages not in page and "评委庚" not in page
    assert reverse("evaluation:panel") not in page
    assert reverse("organisations:staff_registrations") not in page
    # And unit Y's admin, on unit Y's dashboard, gets unit Y's judges page only.
    page_y = client_for(unit_y_admin).get(reverse("dashboards:unit", args=[unit_y.pk]))
    links = {row["url"] for row in page_y.context["figures"]["progress"]["judges"]}
    assert links == {reverse("recommendation:judges", args=[unit_y.pk])}
    assert f"/unit/{unit_x.pk}/" not in page_y.content.decode()
