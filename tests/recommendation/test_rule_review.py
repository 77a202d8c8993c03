"""Rule 2 of docs/rules.md: a unit recommends on the basis of its own review (附件5) — the
year's minimum of submitted judge sheets before recommending; a score for every
recommended row and a TGQ number for every listed judge before filing; one recommended
team for an organisation is warned about. Through the service, the API and the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.api.conftest import api_for
from tests.recommendation.conftest import make_judge
from tests.recommendation.factories import (
    complete_report,
    make_application,
    make_organisation,
    reviewed,
)
from xinban.core.errors import WrongState
from xinban.recommendation import services
from xinban.recommendation.models import Recommendation, ReportStatus
from xinban.scoring.models import ScoreSheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def app(org_a: Any, unit_x: Any, campaign: Any) -> Any:
    return make_application(organisation=org_a, unit=unit_x, campaign=campaign)


def test_the_minimum_defaults_to_three(campaign: Any) -> None:
    assert campaign.min_unit_judge_sheets == 3


def test_service_refuses_below_the_minimum_and_names_the_count(app: Any, unit_x_admin: Any) -> None:
    reviewed(app, n=2)
    with pytest.raises(WrongState) as exc:
        services.recommend(actor=unit_x_admin, application=app, opinion="同意")
    assert exc.value.code == "judge_sheets_short"
    assert "3" in exc.value.message and "2" in exc.value.message
    assert not Recommendation.objects.exists()
    reviewed(app, n=1)
    assert services.recommend(actor=unit_x_admin, application=app, opinion="同意").pk


def test_the_minimum_is_a_campaign_setting(app: Any, unit_x_admin: Any, campaign: Any) -> None:
    campaign.min_unit_judge_sheets = 1
    campaign.save()
    reviewed(app, n=1)
    assert services.recommend(actor=unit_x_admin, application=app, opinion="同意").pk


def test_api_refuses_with_the_code_and_tells_why_on_the_ranking(
    app: Any, unit_x: Any, unit_x_admin: Any
) -> None:
    api = api_for(unit_x_admin)
    row = api.get(f"/units/{unit_x.pk}/ranking").json()["rows"][0]
    assert "3" in row["review_refusal"]
    refused = api.post(
        f"/units/{unit_x.pk}/recommendations", {"application_id": app.pk, "opinion": "同意"}
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "judge_sheets_short"
    reviewed(app)
    assert api.get(f"/units/{unit_x.pk}/ranking").json()["rows"][0]["review_refusal"] is None
    ok = api.post(
        f"/units/{unit_x.pk}/recommendations", {"application_id": app.pk, "opinion": "同意"}
    )
    assert ok.status_code == 201, ok.json()


def test_ranking_page_shows_the_reason_instead_of_the_button(
    app: Any, unit_x: Any, unit_x_admin: Any
) -> None:
    client = Client()
    client.force_login(unit_x_admin)
    url = reverse("recommendation:ranking", args=[unit_x.pk])
    page = client.get(url).content.decode()
    assert f"/{app.pk}/recommend/" not in page
    assert "推荐须以本单位评审为依据" in page
    reviewed(app)
    page = client.get(url).content.decode()
    assert f"/{app.pk}/recommend/" in page
    assert "推荐须以本单位评审为依据" not in page


def test_filing_needs_a_score_for_every_recommended_row(
    app: Any, unit_x: Any, unit_x_admin: Any, campaign: Any
) -> None:
    campaign.min_unit_judge_sheets = 0
    campaign.save()
    services.recommend(actor=unit_x_admin, application=app, opinion="同意")
    report = complete_report(unit_x_admin, unit_x, campaign)
    with pytest.raises(services.ReportIncomplete) as exc:
        services.report_submit(actor=unit_x_admin, report=report)
    assert app.team_name in exc.value.problems["scores"]
    api_problems = api_for(unit_x_admin).get(f"/units/{unit_x.pk}/report").json()["problems"]
    assert app.team_name in api_problems["scores"]
    reviewed(app, n=1)
    assert services.report_submit(actor=unit_x_admin, report=report).status == (
        ReportStatus.SUBMITTED
    )


def test_filing_needs_a_tgq_number_for_every_listed_judge(
    app: Any, unit_x: Any, unit_x_admin: Any, campaign: Any
) -> None:
    reviewed(app)
    services.recommend(actor=unit_x_admin, application=app, opinion="同意")
    make_judge("notgq@example.com", "无证评委", unit_x, tgq_number="")
    report = complete_report(unit_x_admin, unit_x, campaign)
    with pytest.raises(services.ReportIncomplete) as exc:
        services.report_submit(actor=unit_x_admin, report=report)
    assert "无证评委" in exc.value.problems["judges"]
    api = api_for(unit_x_admin)
    assert "无证评委" in api.get(f"/units/{unit_x.pk}/report").json()["problems"]["judges"]
    refused = api.post(f"/units/{unit_x.pk}/report/submit")
    assert refused.status_code in (400, 409, 422)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert ScoreSheet.objects.filter(application=app).count() == 3


def test_one_team_for_an_organisation_is_allowed_but_warned(
    app: Any, unit_x: Any, unit_x_admin: Any, campaign: Any
) -> None:
    other = make_application(
        organisation=make_organisation("上海丙制造有限公司", "丙制造"),
        unit=unit_x,
        campaign=campaign,
    )
    second = make_application(
        organisation=other.organisation,
        unit=unit_x,
        campaign=campaign,
        team_name="客服二组",
        team_type="服务型",
    )
    for a in (app, other, second):
        reviewed(a)
        services.recommend(actor=unit_x_admin, application=a, opinion="同意")
    warnings = api_for(unit_x_admin).get(f"/units/{unit_x.pk}/report").json()["warnings"]
    assert len(warnings) == 1 and app.organisation.name in warnings[0]
    client = Client()
    client.force_login(unit_x_admin)
    page = client.get(reverse("recommendation:report", args=[unit_x.pk])).content.decode()
    assert "report-warnings" in page and app.organisation.name in page
    report = complete_report(unit_x_admin, unit_x, campaign)
    assert services.report_submit(actor=unit_x_admin, report=report).status == (
        ReportStatus.SUBMITTED
    )
