"""Staff open the dashboard (统计看板) in a real browser, click a chart's bar and land on
the list behind it: the bar's position is read from the Chart.js instance the page keeps
(``window.xinbanCharts``), the click is a real mouse click on the canvas."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.test_applicant_journey import visit
from tests.browser.test_unit_journey import log_in
from tests.dashboards.conftest import World
from tests.dashboards.conftest import world as world  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dashboard_world(taxonomies: None, world: World, staff: Any) -> World:  # noqa: F811
    """The dashboards' known world (its taxonomies re-seeded first: transactional test)."""
    return world


BAR_CENTRE = """({id, label, dataset}) => {
    const chart = window.xinbanCharts[id];
    chart.canvas.scrollIntoView({block: "center", behavior: "instant"});
    const index = chart.data.labels.indexOf(label);
    const bar = chart.getDatasetMeta(dataset).data[index];
    const centre = bar.getCenterPoint(true);
    const box = chart.canvas.getBoundingClientRect();
    const value = chart.data.datasets[dataset].data[index];
    return {x: box.left + centre.x, y: box.top + centre.y, value: value};
}"""


def click_bar(page: Any, chart_id: str, label: str, dataset: int = 0) -> int:
    """Click the bar of ``label`` in ``dataset`` of the chart; returns the bar's value."""
    point = page.evaluate(BAR_CENTRE, {"id": chart_id, "label": label, "dataset": dataset})
    page.mouse.click(point["x"], point["y"])
    return int(point["value"])


def listed_numbers(page: Any) -> list[str]:
    return page.locator("#main table tbody tr td:first-child").all_inner_texts()


def test_staff_click_a_bar_and_land_on_its_list(
    page: Any, live_server: Any, dashboard_world: World, js_errors: list[str]
) -> None:
    w = dashboard_world
    log_in(page, live_server.url, "staff@example.com")
    page.get_by_role("link", name="统计看板", exact=True).click()
    expect(page).to_have_url(re.compile(r"/dashboards/$"))
    expect(page.locator("html[data-charts-ready]")).to_have_count(1)
    expect(page.get_by_role("heading", name=re.compile("统计看板"))).to_be_visible()

    # 重点领域 “制造”, series 申报: 3 applications (甲's two, 丙's one).
    value = click_bar(page, "chart-domain", "制造", dataset=0)
    page.wait_for_url(re.compile(r"/applications/all/\?"))
    query = parse_qs(urlsplit(page.url).query)
    assert query["domain"] == [str(w.ids["manufacturing"])]
    assert query["stage"] == ["applied"] and query["year"] == [str(w.campaign.year)]
    expected = sorted(a.number for a in (w.x[0], w.x[1], w.y[0]))
    assert value == 3 and sorted(listed_numbers(page)) == expected
    expect(page.locator("[data-drilldown]")).to_contain_text("制造")

    # Back on the dashboard, with a filter: 推荐单位 浦东新区 only, then the funnel's
    # 建设经验 bar (series 0 of the funnel) opens the one 建设经验 of 浦东新区.
    visit(page, f"{live_server.url}/dashboards/?unit={w.x[0].recommending_unit_id}")
    expect(page.locator("html[data-charts-ready]")).to_have_count(1)
    assert click_bar(page, "chart-funnel", "建设经验") == 1
    page.wait_for_url(re.compile(r"stage=selected"))
    assert listed_numbers(page) == [w.x[0].number]

    # The year-over-year chart: last year's 申报 bar opens last year's list.
    visit(page, f"{live_server.url}/dashboards/")
    expect(page.locator("html[data-charts-ready]")).to_have_count(1)
    applied = 1  # registered, applied, …: series 1 is 申报
    assert click_bar(page, "chart-years", str(w.past.year), dataset=applied) == 3
    page.wait_for_url(re.compile(rf"year={w.past.year}"))
    assert sorted(listed_numbers(page)) == sorted(a.number for a in w.past_apps)

    # The funnel's 报名 bar, narrowed to 重点领域 “制造”: the registrations of 甲, 丙 and 戊
    # (戊 has filed no application) on the staff list of registrations.
    manufacturing = w.ids["manufacturing"]
    visit(page, f"{live_server.url}/dashboards/?domain={manufacturing}")
    expect(page.locator("html[data-charts-ready]")).to_have_count(1)
    assert click_bar(page, "chart-funnel", "报名") == 3
    page.wait_for_url(re.compile(r"/organisation/registrations/\?"))
    query = parse_qs(urlsplit(page.url).query)
    assert query["domain"] == [str(manufacturing)] and query["year"] == [str(w.campaign.year)]
    assert sorted(listed_numbers(page)) == sorted(
        ["上海甲制造有限公司", "上海丙外资有限公司", "上海戊未申报有限公司"]
    )
    expect(page.get_by_role("link", name="导出 Excel")).to_have_attribute(
        "href", re.compile(rf"registrations\.xlsx\?.*domain={manufacturing}")
    )
    assert js_errors == []
