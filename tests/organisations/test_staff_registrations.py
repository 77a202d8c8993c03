"""全部报名 (organisations:staff_registrations): the staff list of a year's 附件2
registrations behind the dashboard funnel's 报名 bar — who may open it, its rows, the
dashboard's drill-down filters, the search, its pages, and the funnel's figure equal to
its number of rows for the same filters."""

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
from tests.dashboards.conftest import world as world  # noqa: F401  (a fixture)
from xinban.campaigns.models import TeamType
from xinban.organisations.models import Organisation
from xinban.scoring.models import Judge

pytestmark = pytest.mark.django_db

URL = "/organisation/registrations/"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def names(response: Any) -> list[str]:
    assert response.status_code == 200
    return [row.organisation for row in response.context["rows"]]


def count(response: Any) -> int:
    assert response.status_code == 200
    return int(response.context["page"].paginator.count)


def test_the_url() -> None:
    assert reverse("organisations:staff_registrations") == URL


def test_staff_only_as_the_other_staff_lists(
    world: World,  # noqa: F811
    staff: Any,
    applicant_a: Any,
    applicant_b: Any,
    unit_x_admin: Any,
    unit_y_admin: Any,
    guide: Any,
) -> None:
    judge = Judge.objects.get(name="评委丁").user
    assert client_for(staff).get(URL).status_code == 200
    for user in (applicant_a, applicant_b, unit_x_admin, unit_y_admin, judge, guide):
        # As applications:staff_list: the page exists, it is not theirs (403).
        assert client_for(user).get(URL).status_code == 403, user
        assert client_for(user).get(reverse("applications:staff_list")).status_code == 403
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login") + "?next=")


def test_rows_of_a_known_world(world: World, staff: Any) -> None:  # noqa: F811
    response = client_for(staff).get(URL)
    assert response.context["campaign"] == world.campaign
    assert names(response) == sorted(
        [
            "上海甲制造有限公司",
            "上海乙服务有限公司",
            "上海丙外资有限公司",
            "上海丁建设有限公司",
            "上海戊未申报有限公司",
        ]
    )
    rows = {row.organisation: row for row in response.context["rows"]}
    a, b = rows["上海甲制造有限公司"], rows["上海乙服务有限公司"]
    assert (a.nature, a.domain, a.units, a.applications) == ("国有", "制造", ["浦东新区"], 2)
    assert set(a.industries.split("、")) == {"汽车", "集成电路"}
    # 乙's draft (乙三班) chose unit X too but is not a filed application.
    assert (b.units, b.applications) == (["浦东新区"], 2)
    assert rows["上海丙外资有限公司"].units == ["黄浦区"]
    assert (rows["上海戊未申报有限公司"].units, rows["上海戊未申报有限公司"].applications) == (
        [],
        0,
    )
    page = response.content.decode()
    assert "王芳" in page and "13912345678" in page and "wang@example.com" in page
    assert reverse("exports:download", args=["registrations"]) in page
    assert "<script>" not in page and "style=" not in page
    # Last year's registrations by year.
    past = client_for(staff).get(URL, {"year": world.past.year})
    assert past.context["campaign"] == world.past
    assert names(past) == sorted(f"上海去年{n}有限公司" for n in range(3))
    # A year without a campaign lists nothing (not this year's).
    assert count(client_for(staff).get(URL, {"year": 1999})) == 0


def test_the_dashboards_drilldown_filters(world: World, staff: Any) -> None:  # noqa: F811
    client = client_for(staff)
    ids: dict[str, Any] = dict(world.ids)
    assert names(client.get(URL, {"domain": ids["services"]})) == ["上海乙服务有限公司"]
    assert set(names(client.get(URL, {"nature": ids["private"]}))) == {
        "上海乙服务有限公司",
        "上海丁建设有限公司",
    }
    assert set(names(client.get(URL, {"industry": ids["auto"]}))) == {
        "上海甲制造有限公司",
        "上海丙外资有限公司",
        "上海戊未申报有限公司",
    }
    unit_y = world.y[0].recommending_unit_id
    assert set(names(client.get(URL, {"unit": unit_y}))) == {
        "上海丙外资有限公司",
        "上海丁建设有限公司",
    }
    # 上海戊 names 汽车 but applied to no unit: not listed once a unit filter is set.
    both = client.get(URL, {"industry": ids["auto"], "unit_kind": "district"})
    assert set(names(both)) == {"上海甲制造有限公司", "上海丙外资有限公司"}
    service_type = TeamType.objects.get(name="服务型").pk
    assert set(names(client.get(URL, {"team_type": service_type}))) == {
        "上海甲制造有限公司",
        "上海乙服务有限公司",
    }
    # The funnel's stage means nothing for registrations; invalid values are ignored.
    assert count(client.get(URL, {"stage": "national"})) == 5
    assert count(client.get(URL, {"domain": "x", "unit": "-1", "year": "abc"})) == 5
    # The filters in words, kept by the search form and the export link.
    page = client.get(URL, {"industry": ids["auto"], "unit_kind": "district"}).content.decode()
    assert "data-drilldown" in page and "汽车" in page
    assert f'name="industry" value="{ids["auto"]}"' in page
    assert f"industry={ids['auto']}" in page.split("registrations.xlsx?", 1)[1][:200]


def test_search(world: World, staff: Any) -> None:  # noqa: F811
    client = client_for(staff)
    org = Organisation.objects.get(name="上海丁建设有限公司")
    registration = org.registrations.get()
    registration.promoter_name = "赵六"
    registration.promoter_mobile = "13800138000"
    registration.save()
    assert names(client.get(URL, {"q": "乙服务"})) == ["上海乙服务有限公司"]
    assert names(client.get(URL, {"q": "赵六"})) == ["上海丁建设有限公司"]
    assert names(client.get(URL, {"q": "13800138000"})) == ["上海丁建设有限公司"]
    assert count(client.get(URL, {"q": "王芳"})) == 4
    assert count(client.get(URL, {"q": "没有这家"})) == 0
    # The search and a filter together.
    params: dict[str, Any] = {"q": "有限公司", "nature": world.ids["private"]}
    assert count(client.get(URL, params)) == 2


def test_pages_of_fifty_in_a_constant_number_of_queries(
    world: World,  # noqa: F811
    staff: Any,
) -> None:
    client = client_for(staff)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    queries()  # (the dashboards' options are read once and cached)
    before = queries()
    for n in range(50):
        org = Organisation.objects.create(name=f"上海新增{n:02d}有限公司", short_name="新增")
        make_registration(org, world.campaign)
    assert queries() == before
    first = client.get(URL)
    assert count(first) == 55 and len(first.context["rows"]) == 50
    searched = client.get(URL, {"q": "新增"})
    assert count(searched) == 50 and len(searched.context["rows"]) == 50
    last = client.get(URL, {"page": 2})
    assert len(last.context["rows"]) == 5
    # The page links keep the filters.
    params: dict[str, Any] = {"q": "有限公司", "nature": world.ids["state_owned"]}
    filtered = client.get(URL, params)
    assert f"nature={world.ids['state_owned']}" in filtered.content.decode()


def _registered(figures: dict[str, Any]) -> dict[str, Any]:
    return next(step for step in figures["funnel"] if step["key"] == "registered")


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"domain": "services"},
        {"nature": "private"},
        {"industry": "auto", "unit_kind": "district"},
        {"unit": "x"},
        {"team_type": "服务型"},
        {"year": "past"},
    ],
)
def test_the_funnels_registered_figure_is_the_lists_number_of_rows(
    world: World,  # noqa: F811
    staff: Any,
    filters: dict[str, str],
) -> None:
    params: dict[str, Any] = {}
    for key, value in filters.items():
        if key == "unit":
            params[key] = world.x[0].recommending_unit_id
        elif key == "team_type":
            params[key] = TeamType.objects.get(name=value).pk
        elif key == "year":
            params[key] = world.past.year
        elif key == "unit_kind":
            params[key] = value
        else:
            params[key] = world.ids[value]
    client = client_for(staff)
    figures = client.get(reverse("dashboards:staff"), params).context["figures"]
    step = _registered(figures)
    assert urlsplit(step["url"]).path == URL
    response = client.get(step["url"])
    assert count(response) == step["value"] == len(response.context["rows"])
    # The year-over-year chart's 报名 bars too, year by year.
    series = next(s for s in figures["years"]["series"] if s["key"] == "registered")
    for value, url in zip(series["values"], series["urls"], strict=True):
        assert urlsplit(url).path == URL
        assert count(client.get(url)) == value, url


def test_the_funnels_registered_bar_links_to_the_list(world: World, staff: Any) -> None:  # noqa: F811
    page = client_for(staff).get(reverse("dashboards:staff")).content.decode()
    assert (
        f'data-funnel="registered"><span>报名</span><a href="{URL}?year={world.campaign.year}"'
        in (page)
    )


def test_a_units_dashboard_has_no_registrations(
    world: World,  # noqa: F811
    unit_x: Any,
    unit_x_admin: Any,
) -> None:
    page = client_for(unit_x_admin).get(reverse("dashboards:unit", args=[unit_x.pk]))
    assert URL not in page.content.decode()


def test_staff_navigation_links_the_list(
    world: World,  # noqa: F811
    staff: Any,
    unit_x_admin: Any,
) -> None:
    assert URL in client_for(staff).get(reverse("core:home")).content.decode()
    assert URL not in client_for(unit_x_admin).get(reverse("core:home")).content.decode()


def test_what_an_organisation_typed_is_escaped(world: World, staff: Any) -> None:  # noqa: F811
    payload = '<img src=x onerror="alert(1)">'
    org = Organisation.objects.get(name="上海丁建设有限公司")
    org.name = f"{payload}上海丁"
    org.save()
    registration = org.registrations.get()
    # Within each field's length: PostgreSQL refuses longer values (SQLite would not).
    registration.promoter_name = "<script>alert(2)</script>"
    registration.industry_other = payload
    registration.full_clean(exclude=["industries"])
    registration.save()
    html = client_for(staff).get(URL).content.decode()
    assert "<img src=x" not in html and "<script>alert(2)" not in html
    assert "&lt;img src=x" in html
