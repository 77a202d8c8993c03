"""A visitor, without an account, on a phone: the home page's notices, the published
results filtered by year, the case library searched by a fragment from the middle of a
name, an experience's page, and a certificate verified by its code (a forged one denied)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_applicant_journey import PHONE, click_button, open_campaign, visit
from tests.browser_fixtures import new_context
from tests.recommendation.factories import make_application, make_organisation
from xinban.applications.models import ApplicationState
from xinban.campaigns.models import Campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["open_campaign"]


@pytest.fixture
def published(open_campaign: Any) -> dict[str, Any]:
    from tests.conftest import make_user
    from xinban.organisations.models import RecommendingUnit, UnitKind
    from xinban.publication import services
    from xinban.publication.models import Notice

    staff = make_user("staff@example.com", "质协", is_association_staff=True)
    unit = RecommendingUnit.objects.create(name="浦东新区", kind=UnitKind.DISTRICT)
    past = Campaign.objects.create(year=open_campaign.year - 1, title="往年活动")
    teams = [
        ("上海浦江智能装备股份有限公司", "质检一班"),
        ("上海外滩数字信息服务有限公司", "客服二组"),
    ]
    apps = [
        make_application(
            organisation=make_organisation(org),
            unit=unit,
            campaign=past,
            state=ApplicationState.SELECTED,
            team_name=team,
        )
        for org, team in teams
    ]
    services.results_publish(actor=staff, campaign=past, override_reason="往年结果补录")
    Notice.objects.create(title="成果发布通知", body="往年成果名单已发布。")
    return {"certificate": services.certificate_for(apps[0]), "year": past.year}


def test_visitor_browses_searches_and_verifies(
    live_server: Any, browser: Any, published: dict[str, Any], js_errors: list[str]
) -> None:
    base = live_server.url
    context = new_context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.on("pageerror", lambda error: js_errors.append(str(error)))
    visit(page, f"{base}/")
    expect(page.locator("#main")).to_contain_text("成果发布通知")
    page.locator("#main").get_by_role("link", name="结果公布").click()
    page.select_option("select[name=year]", str(published["year"]))
    click_button(page, "查询")
    expect(page.locator("#main")).to_contain_text("质检一班")
    expect(page.locator("#main")).to_contain_text("客服二组")
    # Fits a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    visit(page, f"{base}/cases/")
    page.fill("input[name=q]", "外滩数字")  # from the middle of the organisation's name
    click_button(page, "查询")
    expect(page.locator("#main .list-group")).to_contain_text("客服二组")
    expect(page.locator("#main .list-group")).not_to_contain_text("质检一班")
    page.fill("input[name=q]", "一班")  # two characters, the end of a team's name
    click_button(page, "查询")
    expect(page.locator("#main .list-group")).to_contain_text("质检一班")
    expect(page.locator("#main .list-group")).not_to_contain_text("客服二组")
    page.fill("input[name=q]", "外滩数字")
    click_button(page, "查询")
    page.locator("#main .list-group").get_by_role("link").first.click()
    expect(page.locator("h1")).to_have_text("客服二组")

    code = published["certificate"].code
    visit(page, f"{base}/verify/")
    page.fill("#id_code", code)
    click_button(page, "查验")
    expect(page.locator("[data-verified=yes]")).to_contain_text("质检一班")
    page.fill("#id_code", "2025-FORGED0000")
    click_button(page, "查验")
    expect(page.locator("[data-verified=no]")).to_be_visible()
    context.close()
    assert js_errors == []
