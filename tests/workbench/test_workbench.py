"""工作台 (/workbench/): where every log-in lands, and what it lists for each persona —
counts and links read from the same selectors as the pages they open; nothing of
anyone else."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.conftest import make_user
from tests.workbench.world import World, world_for
from xinban.applications.models import ApplicationState
from xinban.evaluation.selectors import (
    decisions_waiting,
    formal_review_queue,
    guiding_to_review,
    unassigned_applications,
)
from xinban.recommendation.selectors import judges_behind, unit_applications
from xinban.workbench.selectors import Item, workbench_for

pytestmark = pytest.mark.django_db
URL = "/workbench/"


@pytest.fixture(autouse=True)
def _chinese() -> Any:
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def world(request: pytest.FixtureRequest) -> World:
    return world_for(request)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_of(user: Any) -> str:
    response = client_for(user).get(URL)
    assert response.status_code == 200
    return response.content.decode()


def item(user: Any, section: str, key: str) -> Item:
    found = workbench_for(user).section(section)
    assert found is not None, section
    return next(i for i in found.items if i.key == key)


def links_of(it: Item) -> list[str]:
    return [line.url for line in it.lines]


# --------------------------------------------------------------------------- log-in


def test_every_log_in_lands_on_the_workbench(applicant_a: Any, staff: Any) -> None:
    for user in (applicant_a, staff):
        response = Client().post(
            reverse("accounts:login"), {"username": user.email, "password": "pw-for-tests-123"}
        )
        assert response.status_code == 302
        assert response["Location"] == URL


def test_next_still_wins(applicant_a: Any) -> None:
    target = reverse("events:list")
    response = Client().post(
        reverse("accounts:login") + f"?next={target}",
        {"username": applicant_a.email, "password": "pw-for-tests-123", "next": target},
    )
    assert response["Location"] == target


def test_anonymous_is_sent_to_log_in(db: Any) -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_brand_leads_to_the_public_home_and_the_menu_to_the_workbench(applicant_a: Any) -> None:
    html = page_of(applicant_a)
    assert re.search(r'class="navbar-brand" href="/"', html)
    assert f'href="{URL}"' in html


# --------------------------------------------------------------------------- applicant


def test_applicant_sees_drafts_returned_certificates_and_events(world: World) -> None:
    a = world.users["applicant_a"]
    drafts = item(a, "applicant", "drafts")
    assert drafts.count == 1
    assert links_of(drafts) == [reverse("applications:detail", args=[world.apps["a_draft"].pk])]
    # What is missing before it can be submitted: the stamped form, as the form says.
    notes = " ".join(drafts.lines[0].notes)
    assert "盖章" in notes and "截止" in notes
    returned = item(a, "applicant", "returned")
    assert returned.count == 1
    assert "请补充近三年的质量数据" in " ".join(returned.lines[0].notes)
    certificates = item(a, "applicant", "certificates")
    assert links_of(certificates) == [
        reverse("publication:certificate", args=[world.apps["a_published"].pk])
    ]
    events = item(a, "applicant", "events")
    assert links_of(events) == [reverse("events:detail", args=[world.event.pk])]
    assert item(a, "applicant", "registration").count == 0  # org A has filed 附件2

    html = page_of(a)
    for name in ("草稿一班", "退回二班", "往年四班", world.event.title):
        assert name in html
    assert 'data-item="applicant-drafts" data-count="1"' in html
    # The certificate link really answers with the PDF.
    pdf = client_for(a).get(certificates.lines[0].url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_applicant_sees_nothing_of_another_organisation(world: World) -> None:
    b = world.users["applicant_b"]
    html = page_of(b)
    assert "乙草稿班" in html
    for name in ("草稿一班", "退回二班", "待审三班", "往年四班", "评委甲"):
        assert name not in html
    assert item(b, "applicant", "certificates").count == 0
    assert item(b, "applicant", "events").count == 0
    assert workbench_for(b).section("unit") is None
    assert workbench_for(b).section("staff") is None


# --------------------------------------------------------------------------- unit


def test_unit_admin_sees_its_review_judges_filings_and_window(world: World, unit_x: Any) -> None:
    x = world.users["unit_x_admin"]
    review = item(x, "unit", "review")
    expected = unit_applications(
        unit=unit_x, campaign=world.campaign, state=ApplicationState.SUBMITTED
    )
    assert review.count == expected.count() == 1
    assert links_of(review) == [
        reverse("recommendation:application", args=[unit_x.pk, a.pk]) for a in expected
    ]
    assert review.url == reverse("recommendation:inbox", args=[unit_x.pk]) + "?state=submitted"
    # The inbox behind the link lists the same applications.
    listed = client_for(x).get(review.url).context["applications"]
    assert [a.pk for a in listed] == [a.pk for a in expected]
    judges = item(x, "unit", "judges")
    assert [line.text for line in judges.lines] == [
        b.judge.name for b in judges_behind(unit=unit_x, campaign=world.campaign)
    ]
    assert judges.count == 1 and "已提交 0 / 已分配 1" in judges.lines[0].notes
    for key in ("report", "statistics", "summary"):
        assert item(x, "unit", key).status == "未开始"
    window = item(x, "unit", "window")
    assert window.status.startswith("开放中") and not window.urgent


def test_unit_admin_sees_nothing_of_another_unit(world: World) -> None:
    html = page_of(world.users["unit_y_admin"])
    assert "乙待审班" in html
    for name in ("待审三班", "评委甲", "草稿一班", "乙草稿班"):
        assert name not in html  # unit X's, and nobody's drafts


# --------------------------------------------------------------------------- judges


def test_judge_and_expert_see_their_sheets_with_deadlines(world: World) -> None:
    judge = item(world.users["judge"], "judge", "sheets")
    assert judge.count == 1 and judge.lines[0].text == "待审三班"
    assert any(note.startswith("截止") for note in judge.lines[0].notes)
    html = page_of(world.users["judge"])
    assert judge.lines[0].url in html
    assert client_for(world.users["judge"]).get(judge.lines[0].url).status_code == 200

    expert = item(world.users["expert"], "judge", "expert_sheets")
    assert expert.count == 1 and expert.lines[0].text == "评审七班"  # 决定八班 is submitted
    assert "第 1 轮" in expert.lines[0].notes
    assert any(note.startswith("截止") for note in expert.lines[0].notes)
    assert client_for(world.users["expert"]).get(expert.lines[0].url).status_code == 200
    assert "待审三班" not in page_of(world.users["expert"])


def test_guiding_unit_sees_candidates_to_review(world: World) -> None:
    guide = world.users["guide"]
    candidates = item(guide, "guiding", "candidates")
    expected = guiding_to_review(user=guide, campaign=world.campaign)
    assert candidates.count == len(expected) == 1
    assert links_of(candidates) == [
        reverse("evaluation:guiding_candidate", args=[world.apps["candidate"].pk])
    ]
    assert "草稿一班" not in page_of(guide)


# --------------------------------------------------------------------------- staff


def test_staff_sees_the_phase_and_what_waits_for_the_association(world: World) -> None:
    staff = world.users["staff"]
    campaign = world.campaign
    phase = item(staff, "staff", "phase")
    assert "成果申报" in [line.text for line in phase.lines]  # every phase is open
    assert phase.status == f"{len(phase.lines)} 个阶段开放中"
    formal = item(staff, "staff", "formal")
    assert formal.count == len(formal_review_queue(campaign=campaign)) == 1
    assert formal.lines[0].text.endswith("形审五班")
    unassigned = item(staff, "staff", "unassigned")
    assert (
        [line.text.split(" ")[1] for line in unassigned.lines]
        == [a.team_name for a in unassigned_applications(campaign=campaign)]
        == ["分配六班"]
    )
    decisions = item(staff, "staff", "decisions")
    assert (
        [line.text.split(" ")[1] for line in decisions.lines]
        == [a.team_name for a in decisions_waiting(campaign=campaign)]
        == ["决定八班"]
    )
    assert item(staff, "staff", "mail").count == 1
    assert item(staff, "staff", "tasks").count == 1
    html = page_of(staff)
    for key in ("formal", "unassigned", "decisions", "mail", "tasks"):
        assert f'data-item="staff-{key}" data-count="1"' in html
    # Each list behind a link answers.
    client = client_for(staff)
    for key in ("formal", "unassigned", "decisions", "mail", "tasks"):
        assert client.get(item(staff, "staff", key).url).status_code == 200


def test_a_decision_stops_waiting_once_made(world: World) -> None:
    from xinban.evaluation.models import Decision, DecisionLevel

    Decision.objects.create(application=world.apps["decide"], level=DecisionLevel.SELECTED)
    assert item(world.users["staff"], "staff", "decisions").count == 0


# --------------------------------------------------------------------------- outsider


def test_outsider_sees_only_how_to_start(world: World) -> None:
    outsider = make_user("nobody@example.com", "路人")
    sections = workbench_for(outsider).sections
    assert [s.key for s in sections] == ["newcomer"]
    html = page_of(outsider)
    assert reverse("organisations:create") in html
    for app in world.apps.values():
        assert app.team_name not in html
    assert "评委甲" not in html and "lost@example.com" not in html


def test_a_judge_menu_shows_only_the_panels_it_serves_on(world: World) -> None:
    judge_page = page_of(world.users["judge"])  # unit X's panel only
    assert reverse("recommendation:judge_home") in judge_page
    assert reverse("evaluation:expert_home") not in judge_page
    expert_page = page_of(world.users["expert"])  # the association's panel only
    assert reverse("evaluation:expert_home") in expert_page
    assert reverse("recommendation:judge_home") not in expert_page
    section = workbench_for(world.users["expert"]).section("judge")
    assert section is not None and [i.key for i in section.items] == ["expert_sheets"]


def test_api_tokens_are_in_the_user_menu_not_the_bar(world: World) -> None:
    html = page_of(world.users["applicant_a"])
    menu = html[html.index('data-menu="user"') :]
    bar = html[: html.index('data-menu="user"')]
    assert reverse("api:tokens") in menu and reverse("api:tokens") not in bar
