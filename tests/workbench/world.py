"""One campaign year with something waiting for every persona (used by the workbench's
Django tests and its browser journeys)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from tests.conftest import application_data
from tests.evaluation.conftest import make_expert, make_org_app
from tests.events.conftest import event_data
from tests.recommendation.conftest import make_judge
from tests.recommendation.factories import make_application
from xinban.applications.models import Application, ApplicationState
from xinban.applications.services import application_create
from xinban.campaigns.models import Campaign
from xinban.evaluation.models import EvaluationRound
from xinban.events import services as events
from xinban.notifications.models import OutboxEmail, OutboxState
from xinban.publication.models import CaseEntry, Level
from xinban.scoring.models import ScoreSheet, SheetStatus, Stage
from xinban.tasks.models import Task, TaskState


@dataclass
class World:
    campaign: Any
    apps: dict[str, Application] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    event: Any = None


# The fixtures a world is built from (tests/conftest.py's personas).
WORLD_FIXTURES = (
    "campaign",
    "org_a",
    "org_b",
    "unit_x",
    "unit_y",
    "applicant_a",
    "applicant_b",
    "unit_x_admin",
    "unit_y_admin",
    "staff",
    "guide",
)


def world_for(request: Any) -> World:
    """The world built from the test's persona fixtures (``request``: pytest's)."""
    return build_world(**{name: request.getfixturevalue(name) for name in WORLD_FIXTURES})


def build_world(
    *,
    campaign: Any,
    org_a: Any,
    org_b: Any,
    unit_x: Any,
    unit_y: Any,
    applicant_a: Any,
    applicant_b: Any,
    unit_x_admin: Any,
    unit_y_admin: Any,
    staff: Any,
    guide: Any,
) -> World:
    w = World(campaign=campaign)
    w.users.update(
        applicant_a=applicant_a,
        applicant_b=applicant_b,
        unit_x_admin=unit_x_admin,
        unit_y_admin=unit_y_admin,
        staff=staff,
        guide=guide,
    )
    # Applicant A: a draft without its stamped form, a returned one, one with unit X.
    w.apps["a_draft"] = application_create(
        actor=applicant_a,
        organisation=org_a,
        campaign=campaign,
        data=application_data(unit_x, team_name="草稿一班"),
    )
    w.apps["a_returned"] = make_application(
        organisation=org_a,
        unit=unit_x,
        campaign=campaign,
        team_name="退回二班",
        team_type="服务型",
        state=ApplicationState.RETURNED,
        return_reason="请补充近三年的质量数据",
    )
    w.apps["a_submitted"] = make_application(
        organisation=org_a,
        unit=unit_x,
        campaign=campaign,
        team_name="待审三班",
        team_type="管理型",
    )
    # Applicant B: a draft and a submitted one with unit Y.
    w.apps["b_draft"] = application_create(
        actor=applicant_b,
        organisation=org_b,
        campaign=campaign,
        data=application_data(unit_y, team_name="乙草稿班"),
    )
    w.apps["b_submitted"] = make_application(
        organisation=org_b,
        unit=unit_y,
        campaign=campaign,
        team_name="乙待审班",
        team_type="服务型",
    )
    # A's published experience of last year: its certificate is ready.
    last_year = Campaign.objects.create(year=campaign.year - 1, title="往年活动")
    last = make_application(
        organisation=org_a,
        unit=unit_x,
        campaign=last_year,
        team_name="往年四班",
        state=ApplicationState.SELECTED,
    )
    CaseEntry.objects.create(
        application=last,
        year=campaign.year - 1,
        level=Level.SELECTED,
        organisation_name=org_a.name,
        team_name=last.team_name,
        unit_name=unit_x.name,
    )
    w.apps["a_published"] = last
    # Unit X's judge with A's submitted application to score.
    judge = make_judge("judge@example.com", "评委甲", unit_x)
    ScoreSheet.objects.create(application=w.apps["a_submitted"], judge=judge, stage=Stage.UNIT)
    w.users["judge"] = judge.user
    # The association: one to check, one to assign, one to score, one to decide,
    # one candidate for the guiding units.
    w.apps["formal"] = make_org_app(campaign, unit_y, "上海形审公司", team_name="形审五班")
    w.apps["unassigned"] = make_org_app(
        campaign,
        unit_y,
        "上海待分配公司",
        team_name="分配六班",
        state=ApplicationState.FORMAL_PASSED,
    )
    EvaluationRound.objects.create(
        campaign=campaign, number=1, deadline=timezone.now() + timedelta(days=5)
    )
    expert = make_expert(campaign, "expert@example.com", "专家甲", tgq_number="TGQ-E-1")
    w.users["expert"] = expert.user
    w.apps["scoring"] = make_org_app(
        campaign,
        unit_y,
        "上海评审公司",
        team_name="评审七班",
        state=ApplicationState.EXPERT_REVIEW,
    )
    ScoreSheet.objects.create(application=w.apps["scoring"], judge=expert, stage=Stage.EXPERT)
    w.apps["decide"] = make_org_app(
        campaign,
        unit_y,
        "上海待决定公司",
        team_name="决定八班",
        state=ApplicationState.EXPERT_REVIEW,
    )
    ScoreSheet.objects.create(
        application=w.apps["decide"],
        judge=expert,
        stage=Stage.EXPERT,
        status=SheetStatus.SUBMITTED,
    )
    w.apps["candidate"] = make_org_app(
        campaign,
        unit_y,
        "上海候选公司",
        team_name="候选九班",
        state=ApplicationState.TYPICAL_CANDIDATE,
    )
    # A briefing applicant A signed up for; a failed e-mail and a failed task.
    event = events.event_create(actor=staff, campaign=campaign, data=event_data())
    w.event = events.event_publish(actor=staff, event=event)
    events.signup_create(actor=applicant_a, event=w.event, name=applicant_a.name)
    OutboxEmail.objects.create(
        recipient="lost@example.com",
        template="t",
        subject="失败",
        body="b",
        state=OutboxState.FAILED,
    )
    Task.objects.create(name="tests.batch", created_by=staff, state=TaskState.FAILED)
    return w
