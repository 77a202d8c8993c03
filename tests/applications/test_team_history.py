"""Each team's history (docs/rules.md, "Each team's history", and rule 5): a team is
recognised across years by organisation + normalised name or linked by the applicant when
renamed, staff merge and split it (audited), its earlier applications, results and
certificates show on its application to whoever may see it, and the 附件2 answer
首次参加/持续参加 is checked against the platform's records."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import application_data, make_registration
from tests.recommendation.conftest import make_judge
from tests.recommendation.factories import make_application, make_organisation
from xinban.applications import services, teams
from xinban.applications.history import participation_check, team_history
from xinban.applications.models import Application, ApplicationState, Team
from xinban.campaigns.models import Campaign
from xinban.core.errors import NotAllowed, ServiceError
from xinban.core.models import AuditEntry
from xinban.evaluation.models import Decision, DecisionLevel
from xinban.organisations.models import Participation, Registration
from xinban.publication.models import Certificate, Level
from xinban.scoring.models import ScoreSheet, Stage

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def last_year(campaign: Campaign) -> Campaign:
    return Campaign.objects.create(year=campaign.year - 1, title="往年活动", results_published=True)


def past_application(
    last_year: Campaign, organisation: Any, unit: Any, team_name: str, **extra: Any
) -> Application:
    app = make_application(
        organisation=organisation,
        unit=unit,
        campaign=last_year,
        team_name=team_name,
        state=extra.pop("state", ApplicationState.SELECTED),
        **extra,
    )
    teams.team_recognise(app)
    return app


@pytest.fixture
def past_a(last_year: Campaign, org_a: Any, unit_x: Any, staff: Any) -> Application:
    """Org A's team of last year, 建设经验 recommended to the national level, certified.
    Its name differs from this year's only by a full-width space."""
    app = past_application(last_year, org_a, unit_x, "质检\u3000一班")
    Decision.objects.create(
        application=app, level=DecisionLevel.SELECTED, national=True, decided_by=staff
    )
    Certificate.objects.create(
        application=app,
        code="XB-PAST-0001",
        year=last_year.year,
        level=Level.SELECTED,
        organisation_name=org_a.name,
        team_name=app.team_name,
    )
    return app


# --- recognised by name ------------------------------------------------------------------


def test_a_team_is_recognised_across_years_by_organisation_and_normalised_name(
    past_a: Application, draft_a: Application
) -> None:
    draft_a.refresh_from_db()
    assert draft_a.team_id is not None and draft_a.team_id == past_a.team_id
    history = team_history(draft_a)
    [entry] = history.entries
    assert entry.number == past_a.number
    assert entry.result == ApplicationState.SELECTED
    assert entry.national is True
    assert entry.certificate_code == "XB-PAST-0001"
    assert entry.certificate_url == reverse("publication:verify_code", args=["XB-PAST-0001"])
    # The team takes this year's name.
    assert Team.objects.get(pk=draft_a.team_id).name == "质检一班"


def test_another_organisations_team_of_the_same_name_is_not_this_team(
    last_year: Campaign, org_b: Any, unit_x: Any, draft_a: Application
) -> None:
    other = past_application(last_year, org_b, unit_x, "质检一班")
    draft_a.refresh_from_db()
    assert draft_a.team_id != other.team_id
    assert team_history(draft_a).entries == []


def test_an_unpublished_years_result_is_not_shown(
    past_a: Application, last_year: Campaign, draft_a: Application
) -> None:
    Campaign.objects.filter(pk=last_year.pk).update(results_published=False)
    draft_a.refresh_from_db()
    [entry] = team_history(draft_a).entries
    assert (entry.result, entry.national) == ("", False)


def test_renaming_a_draft_moves_it_out_of_a_team_it_was_only_recognised_in(
    past_a: Application, draft_a: Application, applicant_a: Any, unit_x: Any
) -> None:
    draft_a.refresh_from_db()
    services.application_update(
        actor=applicant_a,
        application=draft_a,
        data=application_data(unit_x, team_name="装配二班"),
        expected_version=draft_a.version,
    )
    draft_a.refresh_from_db()
    assert draft_a.team_id != past_a.team_id
    assert team_history(draft_a).entries == []


# --- the applicant's link of a renamed team ----------------------------------------------


@pytest.fixture
def renamed_a(applicant_a: Any, org_a: Any, campaign: Campaign, unit_x: Any) -> Application:
    return services.application_create(
        actor=applicant_a,
        organisation=org_a,
        campaign=campaign,
        data=application_data(unit_x, team_name="精益质检班"),
    )


def test_the_applicant_links_a_renamed_team_to_its_earlier_team_and_it_is_audited(
    past_a: Application, renamed_a: Application, applicant_a: Any, unit_x: Any
) -> None:
    assert team_history(renamed_a).entries == []
    page = client_for(applicant_a).get(reverse("applications:detail", args=[renamed_a.pk]))
    assert b'id="team-link-form"' in page.content
    response = client_for(applicant_a).post(
        reverse("applications:team_link", args=[renamed_a.pk]), {"team": past_a.team_id}
    )
    assert response.status_code == 302
    renamed_a.refresh_from_db()
    assert renamed_a.team_id == past_a.team_id and renamed_a.team_linked
    assert [e.number for e in team_history(renamed_a).entries] == [past_a.number]
    entry = AuditEntry.objects.get(action="application.team_link")
    assert entry.object_id == str(renamed_a.pk)
    assert entry.changes["team"][1] == "精益质检班"  # the team takes the newest name
    # A later change of name keeps the link the applicant made.
    services.application_update(
        actor=applicant_a,
        application=renamed_a,
        data=application_data(unit_x, team_name="精益质检二班"),
        expected_version=renamed_a.version,
    )
    renamed_a.refresh_from_db()
    assert renamed_a.team_id == past_a.team_id


def test_a_link_to_another_organisations_team_is_refused(
    last_year: Campaign, org_b: Any, unit_x: Any, renamed_a: Application, applicant_a: Any
) -> None:
    other = past_application(last_year, org_b, unit_x, "营业厅服务班")
    assert other.team is not None
    with pytest.raises(ServiceError) as refused:
        teams.team_link(actor=applicant_a, application=renamed_a, team=other.team)
    assert refused.value.code == "team_not_earlier"
    renamed_a.refresh_from_db()
    assert renamed_a.team_id != other.team_id


def test_another_organisation_cannot_link_and_gets_404(
    past_a: Application, renamed_a: Application, applicant_b: Any
) -> None:
    response = client_for(applicant_b).post(
        reverse("applications:team_link", args=[renamed_a.pk]), {"team": past_a.team_id}
    )
    assert response.status_code == 404
    assert past_a.team is not None
    with pytest.raises(NotAllowed):
        teams.team_link(actor=applicant_b, application=renamed_a, team=past_a.team)


def test_the_link_through_the_api(
    past_a: Application, renamed_a: Application, applicant_a: Any
) -> None:
    client = client_for(applicant_a)
    candidates = client.get(f"/api/applications/{renamed_a.pk}/team-candidates").json()
    assert [c["id"] for c in candidates] == [past_a.team_id]
    response = client.post(
        f"/api/applications/{renamed_a.pk}/team-link",
        data=json.dumps({"team_id": past_a.team_id}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert [e["number"] for e in response.json()["entries"]] == [past_a.number]


# --- staff merge and split ---------------------------------------------------------------


def test_staff_merge_two_teams_and_split_them_again_both_audited(
    past_a: Application, renamed_a: Application, staff: Any, applicant_a: Any
) -> None:
    source, target = renamed_a.team, past_a.team
    assert source is not None and target is not None
    with pytest.raises(NotAllowed):
        teams.team_merge(actor=applicant_a, source=source, target=target)
    response = client_for(staff).post(
        reverse("applications:team_merge", args=[target.pk]), {"source": source.pk}
    )
    assert response.status_code == 302
    renamed_a.refresh_from_db()
    assert renamed_a.team_id == target.pk
    assert not Team.objects.filter(pk=source.pk).exists()
    merged = AuditEntry.objects.get(action="team.merge")
    assert merged.changes["applications"] == [renamed_a.number]

    response = client_for(staff).post(
        reverse("applications:team_split", args=[target.pk]), {"applications": [renamed_a.pk]}
    )
    assert response.status_code == 302
    renamed_a.refresh_from_db()
    assert renamed_a.team_id not in (None, target.pk)
    assert team_history(renamed_a).entries == []
    split = AuditEntry.objects.get(action="team.split")
    assert split.changes["applications"] == [renamed_a.number]
    assert split.object_id == str(renamed_a.team_id)


def test_a_split_must_leave_an_application_in_the_team(
    past_a: Application, draft_a: Application, staff: Any
) -> None:
    draft_a.refresh_from_db()
    assert draft_a.team is not None
    with pytest.raises(ServiceError) as refused:
        teams.team_split(actor=staff, team=draft_a.team, application_ids=[draft_a.pk, past_a.pk])
    assert refused.value.code == "split_all"
    assert not AuditEntry.objects.filter(action="team.split").exists()


def test_merge_and_split_through_the_api(
    past_a: Application, renamed_a: Application, staff: Any, applicant_a: Any
) -> None:
    assert renamed_a.team_id is not None and past_a.team_id is not None
    body = json.dumps({"source_team_id": renamed_a.team_id})
    path = f"/api/staff/teams/{past_a.team_id}/merge"
    refused = client_for(applicant_a).post(path, data=body, content_type="application/json")
    assert refused.status_code == 403
    response = client_for(staff).post(path, data=body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert {a["number"] for a in response.json()["applications"]} == {
        past_a.number,
        renamed_a.number,
    }
    response = client_for(staff).post(
        f"/api/staff/teams/{past_a.team_id}/split",
        data=json.dumps({"application_ids": [renamed_a.pk]}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert [a["number"] for a in response.json()["applications"]] == [renamed_a.number]


def test_staff_team_page_is_refused_to_others(past_a: Application, applicant_a: Any) -> None:
    response = client_for(applicant_a).get(reverse("applications:team", args=[past_a.team_id]))
    assert response.status_code == 403


# --- who sees the history ----------------------------------------------------------------


@pytest.fixture
def submitted_with_history(past_a: Application, submitted_a: Application) -> Application:
    submitted_a.refresh_from_db()
    assert submitted_a.team_id == past_a.team_id
    return submitted_a


def _shows_history(response: Any, past: Application) -> bool:
    assert response.status_code == 200
    return f'data-history="{past.number}"'.encode() in response.content


def test_the_units_judge_the_expert_staff_and_the_unit_see_the_history(
    submitted_with_history: Application,
    past_a: Application,
    staff: Any,
    unit_x: Any,
    unit_x_admin: Any,
) -> None:
    app = submitted_with_history
    judge = make_judge("judge-h@example.com", "评委", unit_x)
    expert = make_judge("expert-h@example.com", "专家", None, tgq_number="TGQ-2024-099")
    judge_sheet = ScoreSheet.objects.create(application=app, judge=judge, stage=Stage.UNIT)
    expert_sheet = ScoreSheet.objects.create(application=app, judge=expert, stage=Stage.EXPERT)
    assert _shows_history(
        client_for(judge.user).get(reverse("recommendation:judge_sheet", args=[judge_sheet.pk])),
        past_a,
    )
    assert _shows_history(
        client_for(expert.user).get(reverse("evaluation:expert_sheet", args=[expert_sheet.pk])),
        past_a,
    )
    assert _shows_history(
        client_for(staff).get(reverse("applications:detail", args=[app.pk])), past_a
    )
    assert _shows_history(
        client_for(unit_x_admin).get(
            reverse("recommendation:application", args=[unit_x.pk, app.pk])
        ),
        past_a,
    )
    for user in (judge.user, expert.user, staff):
        response = client_for(user).get(f"/api/applications/{app.pk}/history")
        assert response.status_code == 200
        assert [e["number"] for e in response.json()["entries"]] == [past_a.number]
    detail = client_for(staff).get(f"/api/applications/{app.pk}").json()
    assert detail["history"]["entries"][0]["certificate_code"] == "XB-PAST-0001"


def test_another_applicant_gets_404_for_the_history(
    submitted_with_history: Application, applicant_b: Any
) -> None:
    app = submitted_with_history
    client = client_for(applicant_b)
    assert client.get(f"/api/applications/{app.pk}/history").status_code == 404
    assert client.get(reverse("applications:detail", args=[app.pk])).status_code == 404


# --- 首次参加 checked against the history (rule 5) ----------------------------------------


def _first_time(org: Any, campaign: Campaign) -> None:
    Registration.objects.filter(organisation=org, campaign=campaign).update(
        participation=Participation.FIRST_TIME
    )


def test_first_time_with_an_earlier_application_warns_the_applicant_and_flags_the_unit(
    submitted_with_history: Application,
    last_year: Campaign,
    campaign: Campaign,
    org_a: Any,
    applicant_a: Any,
    unit_x: Any,
    unit_x_admin: Any,
) -> None:
    app = submitted_with_history
    assert participation_check(app) is None  # 持续参加: agrees with the records
    _first_time(org_a, campaign)
    finding = participation_check(app)
    assert finding is not None
    assert (finding.code, finding.years) == ("first_but_history", [last_year.year])
    page = client_for(applicant_a).get(reverse("applications:detail", args=[app.pk]))
    assert b'id="participation-warning"' in page.content
    assert b'id="participation-flag"' not in page.content
    unit_page = client_for(unit_x_admin).get(
        reverse("recommendation:application", args=[unit_x.pk, app.pk])
    )
    assert b'id="participation-flag"' in unit_page.content
    api = client_for(unit_x_admin).get(f"/api/applications/{app.pk}/history").json()
    assert api["participation"]["code"] == "first_but_history"


def test_first_time_counts_another_team_of_the_organisation_but_not_a_withdrawn_one(
    last_year: Campaign, campaign: Campaign, org_a: Any, unit_x: Any, draft_a: Application
) -> None:
    _first_time(org_a, campaign)
    withdrawn = past_application(
        last_year, org_a, unit_x, "计划调度室", state=ApplicationState.WITHDRAWN
    )
    assert withdrawn.team_id != draft_a.team_id
    assert participation_check(draft_a) is None
    past_application(last_year, org_a, unit_x, "质量管理室", team_type="管理型")
    assert participation_check(draft_a) is not None


def test_first_time_without_history_is_not_flagged(
    campaign: Campaign, unit_x: Any, applicant_a: Any, org_a: Any
) -> None:
    _first_time(org_a, campaign)
    app = services.application_create(
        actor=applicant_a, organisation=org_a, campaign=campaign, data=application_data(unit_x)
    )
    assert participation_check(app) is None


# --- 暂无建设经验申报 (rule 5) ------------------------------------------------------------


@pytest.fixture
def no_experience(campaign: Campaign, unit_x: Any) -> tuple[Any, Any]:
    from tests.conftest import make_user
    from xinban.organisations.models import OrganisationMembership

    org = make_organisation("上海丙物流有限公司", "丙物流")
    make_registration(org, campaign, applies_with_experience=False)
    user = make_user("c@example.com", "申报人丙")
    OrganisationMembership.objects.create(organisation=org, user=user)
    return org, user


def test_no_experience_registration_refuses_a_new_application_in_the_service(
    no_experience: tuple[Any, Any], campaign: Campaign, unit_x: Any
) -> None:
    org, user = no_experience
    with pytest.raises(ServiceError) as refused:
        services.application_create(
            actor=user, organisation=org, campaign=campaign, data=application_data(unit_x)
        )
    assert refused.value.code == "registration_without_experience"
    assert refused.value.status == 409
    assert not Application.objects.filter(organisation=org).exists()


def test_no_experience_registration_is_shown_on_the_page_with_the_registration_link(
    no_experience: tuple[Any, Any],
) -> None:
    _org, user = no_experience
    client = client_for(user)
    page = client.get(reverse("applications:dashboard"))
    assert b'id="create-refused"' in page.content
    assert reverse("applications:create").encode() not in page.content
    assert reverse("organisations:registration").encode() in page.content
    assert client.get(reverse("applications:create")).status_code == 302


def test_no_experience_registration_refused_through_the_api_with_the_link(
    no_experience: tuple[Any, Any], unit_x: Any
) -> None:
    org, user = no_experience
    from xinban.campaigns.models import TeamType

    body = {
        "recommending_unit": unit_x.pk,
        "team_name": "仓储一班",
        "team_type": TeamType.objects.get(name="生产操作型").pk,
        "team_size": 8,
    }
    response = client_for(user).post(
        "/api/applications", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 409, response.content
    answer = response.json()
    assert answer["code"] == "registration_without_experience"
    assert answer["links"]["registration_page"] == reverse("organisations:registration")
    assert answer["links"]["registration_api"] == "/api/registration"
    assert not Application.objects.filter(organisation=org).exists()


def test_updating_the_registration_lets_the_organisation_apply(
    no_experience: tuple[Any, Any], campaign: Campaign, unit_x: Any
) -> None:
    org, user = no_experience
    Registration.objects.filter(organisation=org).update(applies_with_experience=True)
    app = services.application_create(
        actor=user, organisation=org, campaign=campaign, data=application_data(unit_x)
    )
    assert app.team is not None and app.team.organisation_id == org.pk
    assert timezone.now() >= app.created_at


def test_the_data_migration_gives_existing_rows_their_team_by_normalised_name(
    last_year: Campaign, org_a: Any, org_b: Any, unit_x: Any, draft_a: Application
) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("xinban.applications.migrations.0005_teams_from_names")
    earlier = make_application(
        organisation=org_a, unit=unit_x, campaign=last_year, team_name="质检 一班"
    )
    other = make_application(
        organisation=org_b, unit=unit_x, campaign=last_year, team_name="质检一班"
    )
    Application.objects.update(team=None)
    Team.objects.all().delete()
    migration.forwards(apps, None)
    draft_a.refresh_from_db()
    earlier.refresh_from_db()
    other.refresh_from_db()
    assert draft_a.team_id is not None and draft_a.team_id == earlier.team_id
    assert other.team_id not in (None, draft_a.team_id)
    assert Team.objects.get(pk=draft_a.team_id).name == "质检一班"  # the newest name
