"""One definition of "recommended" (docs/rules.md, "Counts"): the teams on a unit's 附件5
list count as recommended everywhere — the unit's dashboard, the staff's progress table
and 推荐单位 list, the JSON API, the lists behind the numbers, 附件5 and 附件6 — while
the list is being filled in and once filed; after 推荐无效, nowhere."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.recommendation.factories import complete_report, make_application, reviewed
from xinban.campaigns.models import Campaign
from xinban.recommendation import services
from xinban.recommendation.models import ReportStatus
from xinban.recommendation.selectors import recommendation_form_data, units_for_staff
from xinban.reports.selectors import platform_figures

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def steps(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {step["key"]: step for step in figures["funnel"]}


def everywhere(staff: Any, unit_admin: Any, unit: Any, campaign: Any) -> dict[str, int]:
    """The unit's recommended count as every page, list, document and the API give it."""
    staff_client, unit_client = client_for(staff), client_for(unit_admin)
    own = unit_client.get(reverse("dashboards:unit", args=[unit.pk])).context["figures"]
    board = staff_client.get(reverse("dashboards:staff")).context["figures"]
    row = next(r for r in board["progress"]["units"] if r["unit_id"] == unit.pk)
    behind = staff_client.get(row["recommended_url"]).context["page"].paginator.count
    api_unit = unit_client.get(f"/api/dashboards/units/{unit.pk}").json()
    api_staff = staff_client.get("/api/dashboards/staff").json()
    api_row = next(r for r in api_staff["progress"]["units"] if r["unit_id"] == unit.pk)
    listed = next(u for u, _report in units_for_staff(campaign=campaign) if u.pk == unit.pk)
    next_year = Campaign.objects.get_or_create(year=campaign.year + 1, defaults={"title": "次年"})
    return {
        "unit dashboard": steps(own)["recommended"]["value"],
        "staff funnel": steps(board)["recommended"]["value"],
        "staff progress": row["recommended"],
        "list behind it": behind,
        "api unit": steps(api_unit)["recommended"]["value"],
        "api staff progress": api_row["recommended"],
        "staff units": listed.recommended,  # type: ignore[attr-defined]
        "附件6": platform_figures(unit=unit, campaign=next_year[0]).recommended,
    }


def test_the_teams_on_the_list_count_as_recommended_filed_or_not_and_not_once_void(
    campaign: Any,
    unit_x: Any,
    unit_x_admin: Any,
    staff: Any,
    org_a: Any,
    org_b: Any,
    settings: Any,
) -> None:
    settings.XINBAN_DASHBOARD_CACHE_SECONDS = 0
    chosen = [
        make_application(organisation=org_a, unit=unit_x, campaign=campaign),
        make_application(
            organisation=org_a,
            unit=unit_x,
            campaign=campaign,
            team_type="服务型",
            team_name="客服班",
        ),
        make_application(organisation=org_b, unit=unit_x, campaign=campaign),
    ]
    passed_over = make_application(
        organisation=org_b, unit=unit_x, campaign=campaign, team_type="服务型", team_name="后勤班"
    )
    before = everywhere(staff, unit_x_admin, unit_x, campaign)
    assert set(before.values()) == {0}, before

    for application in chosen:
        reviewed(application)
        services.recommend(actor=unit_x_admin, application=application, opinion="同意推荐")
    n = len(chosen)
    # On the draft 附件5 (填写中): the unit has not filed it, the states are still 已提交.
    drafted = everywhere(staff, unit_x_admin, unit_x, campaign)
    assert drafted == dict.fromkeys(drafted, n), drafted
    assert len(recommendation_form_data(unit=unit_x, campaign=campaign).rows) == n
    own = client_for(unit_x_admin).get(reverse("dashboards:unit", args=[unit_x.pk]))
    assert steps(own.context["figures"])["recommended"]["note"] == "附件5：填写中"
    assert "附件5：填写中" in own.content.decode()
    board = client_for(staff).get(reverse("dashboards:staff")).context["figures"]
    assert steps(board)["recommended"]["note"] == "附件5 已报送 0 家，填写中 1 家"
    row = next(r for r in board["progress"]["units"] if r["unit_id"] == unit_x.pk)
    assert (row["report"], row["report_status"]) == ("填写中", ReportStatus.DRAFT)
    api = client_for(unit_x_admin).get(f"/api/dashboards/units/{unit_x.pk}").json()
    assert steps(api)["recommended"]["note"] == "附件5：填写中"

    report = complete_report(unit_x_admin, unit_x, campaign)
    services.report_submit(actor=unit_x_admin, report=report)
    filed = everywhere(staff, unit_x_admin, unit_x, campaign)
    assert filed == dict.fromkeys(filed, n), filed
    assert len(recommendation_form_data(unit=unit_x, campaign=campaign).rows) == n
    own = client_for(unit_x_admin).get(reverse("dashboards:unit", args=[unit_x.pk]))
    assert steps(own.context["figures"])["recommended"]["note"] == "附件5：已报送"
    passed_over.refresh_from_db()
    assert passed_over.state == "not_recommended"

    report.refresh_from_db()
    services.report_void(actor=staff, report=report, reason="违规收取费用")
    voided = everywhere(staff, unit_x_admin, unit_x, campaign)
    assert set(voided.values()) == {0}, voided
    own = client_for(unit_x_admin).get(reverse("dashboards:unit", args=[unit_x.pk]))
    assert steps(own.context["figures"])["recommended"]["note"] == "附件5：推荐无效"


def test_submitted_is_counted_alike_by_the_staff_units_list_and_the_dashboard(
    campaign: Any, unit_x: Any, staff: Any, org_a: Any, org_b: Any, settings: Any
) -> None:
    settings.XINBAN_DASHBOARD_CACHE_SECONDS = 0
    make_application(organisation=org_a, unit=unit_x, campaign=campaign)
    make_application(
        organisation=org_a, unit=unit_x, campaign=campaign, team_type="服务型", state="withdrawn"
    )
    make_application(organisation=org_b, unit=unit_x, campaign=campaign, state="draft")
    listed = next(u for u, _report in units_for_staff(campaign=campaign) if u.pk == unit_x.pk)
    board = client_for(staff).get(reverse("dashboards:staff")).context["figures"]
    row = next(r for r in board["progress"]["units"] if r["unit_id"] == unit_x.pk)
    assert listed.received == row["applied"] == steps(board)["applied"]["value"] == 1  # type: ignore[attr-defined]
