"""Who sees the similarity check, through the page and the API (xinban/integrity/rules.py):
staff everything; the recommending unit its own inbox; an assigned expert the share and
passages without unpublished names; the applicant the figures without others' text;
everyone else 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.integrity.conftest import random_text
from tests.integrity.test_check import own_materials
from tests.recommendation.conftest import make_judge
from tests.recommendation.factories import make_application
from xinban.applications.models import Application, ApplicationState
from xinban.integrity import services
from xinban.scoring.models import ScoreSheet, Stage

pytestmark = pytest.mark.django_db

SOURCE_TEXT = random_text(1600, 21)


@pytest.fixture
def pair(campaign: Any, org_a: Any, org_b: Any, unit_x: Any, unit_y: Any) -> dict[str, Any]:
    """Applicant B's application (unit Y) and applicant A's (unit X) copying from it."""
    source = make_application(
        organisation=org_b,
        unit=unit_y,
        campaign=campaign,
        team_name="来源班组",
        **own_materials(31, material_skills=SOURCE_TEXT),
    )
    copy = make_application(
        organisation=org_a,
        unit=unit_x,
        campaign=campaign,
        state=ApplicationState.EXPERT_REVIEW,
        **own_materials(32, material_skills=random_text(400, 22) + SOURCE_TEXT[200:1000]),
    )
    services.similarity_check_run(application_id=source.pk)
    services.similarity_check_run(application_id=copy.pk)
    return {"source": source, "copy": copy}


@pytest.fixture
def expert(pair: dict[str, Any]) -> Any:
    judge = make_judge("expert@example.com", "专家甲")
    ScoreSheet.objects.create(application=pair["copy"], judge=judge, stage=Stage.EXPERT)
    return judge.user


def _page(user: Any, app: Application) -> Any:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(reverse("integrity:similarity", args=[app.pk]))


def _api(user: Any, app: Application) -> Any:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(f"/api/applications/{app.pk}/similarity")


def test_staff_see_everything(pair: dict[str, Any], staff: Any) -> None:
    page = _page(staff, pair["copy"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "来源班组" in html and SOURCE_TEXT[300:320] in html
    body = _api(staff, pair["copy"]).json()
    assert body["status"] == "done"
    assert body["checked_at"]
    [match] = body["matches"]
    assert match["application_id"] == pair["source"].pk
    assert match["team"] == "来源班组"
    assert match["organisation"] == pair["source"].organisation.name
    assert match["share"] == pytest.approx(body["overall"], abs=0.01)
    assert any(SOURCE_TEXT[300:320] in p["source_text"] for p in match["passages"])
    assert body["flagged"] is (body["overall"] * 100 >= body["threshold"])


def test_recommending_unit_sees_its_inbox_without_other_units_names(
    pair: dict[str, Any], unit_x_admin: Any, unit_y_admin: Any
) -> None:
    body = _api(unit_x_admin, pair["copy"]).json()
    [match] = body["matches"]
    assert match["team"] is None and match["organisation"] is None
    assert match["application_id"] is None
    assert match["passages"][0]["source_text"]
    page = _page(unit_x_admin, pair["copy"]).content.decode()
    assert "来源班组" not in page
    assert "（未公开的申报）" in page
    # Unit Y sees its own application's check (with unit X's names hidden) but not A's.
    assert _page(unit_y_admin, pair["copy"]).status_code == 404
    assert _api(unit_y_admin, pair["copy"]).status_code == 404
    assert _api(unit_y_admin, pair["source"]).status_code == 200


def test_expert_sees_share_and_passages_not_unpublished_names(
    pair: dict[str, Any], expert: Any
) -> None:
    body = _api(expert, pair["copy"]).json()
    [match] = body["matches"]
    assert match["share"] > 0.3
    assert match["team"] is None and match["organisation"] is None
    assert any(SOURCE_TEXT[300:320] in p["source_text"] for p in match["passages"])
    assert _page(expert, pair["copy"]).status_code == 200
    # Not assigned to the source: an outsider there.
    assert _api(expert, pair["source"]).status_code == 404


def test_published_source_is_named_for_the_expert(pair: dict[str, Any], expert: Any) -> None:
    from xinban.publication.models import CaseEntry, Level

    source = pair["source"]
    CaseEntry.objects.create(
        application=source,
        year=source.campaign.year,
        level=Level.SELECTED,
        organisation_name=source.organisation.name,
        team_name=source.team_name,
        unit_name="杨浦区",
    )
    [match] = _api(expert, pair["copy"]).json()["matches"]
    assert match["team"] == "来源班组"


def test_applicant_never_sees_others_text(
    pair: dict[str, Any], applicant_a: Any, applicant_b: Any
) -> None:
    body = _api(applicant_a, pair["copy"]).json()
    [match] = body["matches"]
    assert match["team"] is None and match["organisation"] is None
    assert all(p["source_text"] == "" for p in match["passages"])
    assert all(p["text"] for p in match["passages"])
    page = _page(applicant_a, pair["copy"]).content.decode()
    assert SOURCE_TEXT[300:320] in page  # their own text, copied
    assert SOURCE_TEXT[1100:1120] not in page  # the source's text they did not copy
    assert "来源" not in page.split("<thead>")[1].split("</thead>")[0]
    # The source's owner is an outsider to A's application.
    assert _page(applicant_b, pair["copy"]).status_code == 404
    assert _api(applicant_b, pair["copy"]).status_code == 404


def test_outsiders_get_404_and_anonymous_log_in(pair: dict[str, Any], guide: Any) -> None:
    assert _page(guide, pair["copy"]).status_code == 404
    assert _api(guide, pair["copy"]).status_code == 404
    assert _api(guide, Application(pk=999999)).status_code == 404
    assert _page(None, pair["copy"]).status_code == 302
    assert _api(None, pair["copy"]).status_code == 401


def test_formal_review_shows_the_figure_beside_commitment_3(
    pair: dict[str, Any], staff: Any
) -> None:
    from xinban.campaigns.models import Campaign

    copy = pair["copy"]
    Application.objects.filter(pk=copy.pk).update(state=ApplicationState.RECOMMENDED)
    Campaign.objects.filter(pk=copy.campaign_id).update(similarity_threshold=10)
    client = Client()
    client.force_login(staff)
    html = client.get(reverse("evaluation:formal_review", args=[copy.pk])).content.decode()
    commitments = html.index("四项组织承诺均已确认")
    panel = html.index("data-similarity")
    assert commitments < panel
    assert "data-flag" in html
    assert reverse("integrity:similarity", args=[copy.pk]) in html


def test_rerun_by_staff_from_the_page_and_refused_to_others(
    pair: dict[str, Any], staff: Any, unit_x_admin: Any
) -> None:
    from xinban.tasks.models import Task

    url = reverse("integrity:similarity_run", args=[pair["copy"].pk])
    client = Client()
    client.force_login(unit_x_admin)
    assert client.post(url).status_code == 403
    client.force_login(staff)
    assert client.post(url).status_code == 302
    assert Task.objects.filter(name="integrity.check").count() == 1
