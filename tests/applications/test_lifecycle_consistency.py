"""The lifecycle's channels agree (docs/rules.md, "The application's lifecycle"): for
every transition of ``TRANSITIONS`` (xinban/applications/lifecycle.py), every persona and
every state, the page shows the action ⇔ the API accepts it (2xx) ⇔ the service accepts
it. The cases are generated from the table and the registry below, which must name every
transition: a new transition without an entry fails ``test_the_registry_covers_the_table``.
Each channel runs inside a savepoint that is rolled back, so all three start from the
same state.

Some actions concern more than the one application (``batch``): filing a unit's 附件5
(``recommend``) and voiding it (``void_recommendation``) act on the unit's report, and an
expert's assignment (``assign_experts``, ``unassign_last_expert``) may be made or withdrawn
while the application stays where it is (a second expert; one of several). For those the
action may be accepted from any state, and the table says whether *this application*
moves: it goes to one of the transition's targets exactly from its sources."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.recommendation.factories import make_application
from xinban.applications import services as application_services
from xinban.applications.lifecycle import DECIDED as DECIDED_STATES
from xinban.applications.lifecycle import TRANSITIONS
from xinban.applications.models import Application, ApplicationState
from xinban.core.errors import ServiceError
from xinban.core.models import AuditEntry
from xinban.evaluation import services as evaluation_services

PERSONAS = ("applicant_a", "applicant_b", "unit_x_admin", "unit_y_admin", "staff", "guide")


@dataclass(frozen=True)
class Page:
    """The page that offers the action and the marker of its form in the HTML."""

    url: Callable[[Application], str]
    marker: Callable[[Application], str]


@dataclass(frozen=True)
class Api:
    method: str
    path: Callable[[Application], str]
    body: dict[str, Any] | Callable[[Application], dict[str, Any]] | None


@dataclass(frozen=True)
class Channels:
    """How one transition is offered: its page, its API operation and its service call.
    ``None`` for a channel that does not exist, with the reason in ``why``. Every
    transition is exercised: there is no way to leave one out."""

    service: Callable[[Any, Application], Any] | None = None
    page: Page | None = None
    api: Api | None = None
    why: str = ""
    #: What the action needs besides the state (e.g. the experts' submitted sheets).
    prepare: Callable[[Application], None] | None = None
    #: The action concerns more than this application (see the module's docstring).
    batch: bool = False


def _action(name: str) -> Callable[[Application], str]:
    return lambda app: f'action="{reverse(name, args=[app.pk])}"'


def _unit_action(name: str) -> Callable[[Application], str]:
    return lambda app: f'action="{reverse(name, args=[app.recommending_unit_id, app.pk])}"'


def _complete(app: Application) -> None:
    """Complete for submission: the factory's content and a stamped 附件6 (an incomplete
    application keeps its button, and submitting lists what is missing)."""
    Application.objects.filter(pk=app.pk).update(stamped_form="stamped/a.pdf")
    app.refresh_from_db()


def _scored(app: Application) -> None:
    """An expert's submitted sheet, and the decision a decided application carries."""
    from tests.evaluation.conftest import make_expert
    from xinban.evaluation.models import Decision, DecisionLevel
    from xinban.scoring.models import ScoreSheet, SheetStatus, Stage

    judge = make_expert(app.campaign, "expert@example.com", "专家甲")
    ScoreSheet.objects.create(
        application=app, judge=judge, stage=Stage.EXPERT, status=SheetStatus.SUBMITTED
    )
    if app.state in DECIDED_STATES:
        level = app.state if app.state in DecisionLevel.values else DecisionLevel.SELECTED
        Decision.objects.create(application=app, level=level, consensus_notes="合议")


def _candidate(app: Application) -> None:
    """A decision, the presentation video and a guiding unit's approval."""
    from xinban.evaluation.models import (
        Decision,
        DecisionLevel,
        GuidingReview,
        GuidingVerdict,
        PresentationVideo,
    )
    from xinban.organisations.models import GuidingUnit

    if app.state in DECIDED_STATES:
        level = app.state if app.state in DecisionLevel.values else DecisionLevel.SELECTED
        Decision.objects.create(application=app, level=level, consensus_notes="合议")
    PresentationVideo.objects.create(application=app, original_name="发表.mp4", sha256="0" * 64)
    GuidingReview.objects.create(
        application=app,
        guiding_unit=GuidingUnit.objects.get(name="上海市总工会"),
        verdict=GuidingVerdict.APPROVE,
    )


def _unit_admin(app: Application) -> Any:
    from xinban.organisations.models import UnitMembership, UnitRole

    return (
        UnitMembership.objects.filter(unit_id=app.recommending_unit_id, role=UnitRole.ADMIN)
        .select_related("user")
        .first()
        .user  # type: ignore[union-attr]
    )


def _report(app: Application) -> Any:
    from xinban.recommendation import services as recommendation_services

    return recommendation_services.report_for(unit=app.recommending_unit, campaign=app.campaign)


def _report_ready(app: Application) -> None:
    """The unit's 附件5 complete but for its list: another team of the organisation,
    submitted and reviewed by the unit's judges, recommended; ``app`` reviewed too and
    recommended whenever the unit may recommend it (the service decides)."""
    from tests.recommendation.factories import reviewed
    from xinban.recommendation import services as recommendation_services
    from xinban.recommendation.models import UnitRecommendationReport

    admin = _unit_admin(app)
    other = make_application(
        organisation=app.organisation,
        unit=app.recommending_unit,
        campaign=app.campaign,
        team_type="管理型",
        team_name="质检二班",
        state=ApplicationState.SUBMITTED,
    )
    for team in (other, app):
        reviewed(team)
        try:
            recommendation_services.recommend(actor=admin, application=team, opinion="推荐")
        except ServiceError:
            assert team is app  # only the application under test may be refused
    UnitRecommendationReport.objects.filter(pk=_report(app).pk).update(
        filler_name="张三",
        filler_phone="021-12345678",
        fill_date=date(app.campaign.year, 6, 1),
        no_fee_declared=True,
        declaration_accepted=True,
        stamped_scan="unit_reports/stamped.pdf",
    )


def _report_filed(app: Application) -> None:
    """The unit's 附件5 filed, ``app`` on its list (whatever its state)."""
    from xinban.recommendation.models import Recommendation, ReportStatus

    report = _report(app)
    Recommendation.objects.create(
        report=report, application=app, opinion="推荐", position=1, created_by=_unit_admin(app)
    )
    type(report).objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)


def _round_open(app: Application) -> Any:
    from datetime import timedelta

    from django.utils import timezone

    from xinban.evaluation.models import EvaluationRound

    return EvaluationRound.objects.get_or_create(
        campaign=app.campaign, number=1, defaults={"deadline": timezone.now() + timedelta(days=7)}
    )[0]


def _panel_expert(app: Application) -> None:
    """An expert on the year's panel, free of conflicts, and an open round."""
    from tests.evaluation.conftest import make_expert

    _round_open(app)
    make_expert(app.campaign, "expert@example.com", "专家甲")


def _assigned_expert(app: Application) -> None:
    """One expert assigned, the sheet not yet submitted."""
    from tests.evaluation.conftest import make_expert
    from xinban.scoring.models import ScoreSheet, Stage

    _round_open(app)
    judge = make_expert(app.campaign, "expert@example.com", "专家甲")
    ScoreSheet.objects.create(application=app, judge=judge, stage=Stage.EXPERT, round=1)


def _expert_id(app: Application) -> int:
    from xinban.scoring.models import Judge

    return Judge.objects.get(email="expert@example.com").pk


def _expert_sheet(app: Application) -> Any:
    from xinban.scoring.models import ScoreSheet, Stage

    return ScoreSheet.objects.get(application=app, stage=Stage.EXPERT)


REGISTRY: dict[str, Channels] = {
    "withdraw": Channels(
        service=lambda actor, app: application_services.application_withdraw(
            actor=actor, application=app, reason="不再参加"
        ),
        page=Page(
            url=lambda app: reverse("applications:detail", args=[app.pk]),
            marker=_action("applications:withdraw"),
        ),
        api=Api("post", lambda app: f"/api/applications/{app.pk}/withdraw", None),
    ),
    "return": Channels(
        service=lambda actor, app: application_services.application_return_for_correction(
            actor=actor, application=app, reason="请补充数据"
        ),
        page=Page(
            url=lambda app: reverse(
                "recommendation:application", args=[app.recommending_unit_id, app.pk]
            ),
            marker=_unit_action("recommendation:return"),
        ),
        api=Api(
            "post",
            lambda app: f"/api/units/{app.recommending_unit_id}/applications/{app.pk}/return",
            {"reason": "请补充数据"},
        ),
    ),
    "formal_review": Channels(
        service=lambda actor, app: evaluation_services.formal_review_record(
            actor=actor, application=app, outcome="failed", checks={}, reason="材料不全"
        ),
        page=Page(
            url=lambda app: reverse("evaluation:formal_review", args=[app.pk]),
            marker=lambda app: 'name="outcome"',
        ),
        api=Api(
            "post",
            lambda app: f"/api/evaluation/applications/{app.pk}/formal-review",
            {"outcome": "failed", "reason": "材料不全", "checks": {}},
        ),
    ),
    "submit": Channels(
        service=lambda actor, app: application_services.application_submit(
            actor=actor, application=app
        ),
        page=Page(
            url=lambda app: reverse("applications:detail", args=[app.pk]),
            marker=_action("applications:submit"),
        ),
        api=Api("post", lambda app: f"/api/applications/{app.pk}/submit", None),
        prepare=_complete,
    ),
    "recommend": Channels(
        service=lambda actor, app: _recommendation_services().report_submit(
            actor=actor, report=_report(app)
        ),
        page=Page(
            url=lambda app: reverse("recommendation:report", args=[app.recommending_unit_id]),
            marker=lambda app: 'action="{}"'.format(
                reverse("recommendation:report_submit", args=[app.recommending_unit_id])
            ),
        ),
        api=Api("post", lambda app: f"/api/units/{app.recommending_unit_id}/report/submit", None),
        prepare=_report_ready,
        batch=True,
    ),
    "void_recommendation": Channels(
        service=lambda actor, app: _recommendation_services().report_void(
            actor=actor, report=_report(app), reason="向班组收费"
        ),
        page=Page(
            url=lambda app: reverse("recommendation:report", args=[app.recommending_unit_id]),
            marker=lambda app: 'action="{}"'.format(
                reverse("recommendation:report_void", args=[app.recommending_unit_id])
            ),
        ),
        api=Api(
            "post",
            lambda app: f"/api/units/{app.recommending_unit_id}/report/void",
            {"reason": "向班组收费"},
        ),
        prepare=_report_filed,
        batch=True,
    ),
    "assign_experts": Channels(
        # One application at a time (the manual assignment); the automatic engine assigns
        # a whole round through the same precondition (tests/evaluation/test_assignment.py).
        service=lambda actor, app: evaluation_services.expert_assign_manual(
            actor=actor, application=app, judge=_expert(app), round=_round_open(app)
        ),
        page=Page(
            url=lambda app: reverse("evaluation:application", args=[app.pk]),
            marker=_action("evaluation:assign_manual"),
        ),
        api=Api(
            "post",
            lambda app: f"/api/evaluation/applications/{app.pk}/experts",
            lambda app: {"judge_id": _expert_id(app), "round": 1},
        ),
        prepare=_panel_expert,
        batch=True,
    ),
    "unassign_last_expert": Channels(
        # Staff withdraw the assignment; the expert's own 回避 takes the same step
        # (tests/evaluation/test_rule_expert_conflict.py; no persona here is an expert).
        service=lambda actor, app: evaluation_services.expert_unassign(
            actor=actor, sheet=_expert_sheet(app), reason=""
        ),
        page=Page(
            url=lambda app: reverse("evaluation:application", args=[app.pk]),
            marker=lambda app: 'action="{}"'.format(
                reverse("evaluation:unassign", args=[_expert_sheet(app).pk])
            ),
        ),
        api=Api(
            "delete",
            lambda app: f"/api/evaluation/applications/{app.pk}/experts/{_expert_sheet(app).pk}",
            None,
        ),
        prepare=_assigned_expert,
        batch=True,
    ),
    "decide": Channels(
        service=lambda actor, app: evaluation_services.decision_set(
            actor=actor,
            application=app,
            level="selected",
            consensus_notes="合议通过",
            reason="复核",
        ),
        page=Page(
            url=lambda app: reverse("evaluation:application", args=[app.pk]),
            marker=_action("evaluation:decide"),
        ),
        api=Api(
            "put",
            lambda app: f"/api/evaluation/applications/{app.pk}/decision",
            {"level": "selected", "consensus_notes": "合议通过", "reason": "复核"},
        ),
        prepare=_scored,
    ),
    "confirm_typical": Channels(
        service=lambda actor, app: evaluation_services.typical_confirm(
            actor=actor, application=app, reason=""
        ),
        page=Page(
            url=lambda app: reverse("evaluation:candidates"),
            marker=_action("evaluation:confirm"),
        ),
        api=Api("post", lambda app: f"/api/evaluation/applications/{app.pk}/confirm", {}),
        prepare=_candidate,
    ),
}


def _recommendation_services() -> Any:
    from xinban.recommendation import services as recommendation_services

    return recommendation_services


def _expert(app: Application) -> Any:
    from xinban.scoring.models import Judge

    return Judge.objects.get(pk=_expert_id(app))


def test_the_registry_covers_the_table() -> None:
    assert set(REGISTRY) == set(TRANSITIONS)
    for name, channels in REGISTRY.items():
        assert channels.service is not None, name
        # A missing page or API operation says why.
        assert (channels.page and channels.api) or channels.why, name


CASES = [(via, state) for via in sorted(REGISTRY) for state in ApplicationState.values]


def _json_body(body: Any, app: Application) -> str:
    if callable(body):
        body = body(app)
    return "" if body is None else json.dumps(body)


def _page_shows(client: Client, page: Page, app: Application) -> bool:
    response = client.get(page.url(app))
    assert response.status_code in (200, 403, 404), response.status_code
    return response.status_code == 200 and page.marker(app) in response.content.decode()


def _state_now(app: Application) -> str:
    return Application.objects.values_list("state", flat=True).get(pk=app.pk)


def _api_accepts(client: Client, api: Api, app: Application) -> tuple[bool, str]:
    """Whether the API answered 2xx, and the application's state it left (rolled back)."""
    with transaction.atomic():
        entries = AuditEntry.objects.count()
        response = getattr(client, api.method)(
            api.path(app), data=_json_body(api.body, app), content_type="application/json"
        )
        assert response.status_code < 500, response.content
        accepted = 200 <= response.status_code < 300
        if accepted:
            # Written and audited (a decision revised to its own level keeps the state).
            assert AuditEntry.objects.count() > entries, "the API answered 2xx, wrote nothing"
        after = _state_now(app)
        transaction.set_rollback(True)
    return accepted, after


def _service_accepts(channels: Channels, actor: Any, app: Application) -> tuple[bool, str]:
    assert channels.service is not None
    with transaction.atomic():
        try:
            channels.service(actor, Application.objects.get(pk=app.pk))
        except ServiceError:
            accepted = False
        else:
            accepted = True
        after = _state_now(app)
        transaction.set_rollback(True)
    return accepted, after


@pytest.mark.parametrize(("via", "state"), CASES)
def test_page_api_and_service_agree(
    via: str, state: str, request: pytest.FixtureRequest, org_a: Any, unit_x: Any, campaign: Any
) -> None:
    channels = REGISTRY[via]
    step = TRANSITIONS[via]
    actors = {persona: request.getfixturevalue(persona) for persona in PERSONAS}
    application = make_application(organisation=org_a, unit=unit_x, campaign=campaign, state=state)
    if channels.prepare is not None:
        channels.prepare(application)
    moved_by: dict[str, bool] = {}
    for persona, actor in actors.items():
        client = Client()
        client.force_login(actor)
        service, after = _service_accepts(channels, actor, application)
        seen = {"service": service}
        left = {"service": after}
        if channels.page is not None:
            seen["page"] = _page_shows(client, channels.page, application)
        if channels.api is not None:
            seen["api"], left["api"] = _api_accepts(client, channels.api, application)
        application.refresh_from_db()
        assert application.state == state  # every channel rolled back
        assert len(set(seen.values())) == 1, (via, state, persona, seen)
        if not channels.batch:
            moved_by[persona] = service
            continue
        # The action may be accepted whatever this application's state; the table says
        # whether it moves this one: to a target exactly from a source, else not at all.
        assert len(set(left.values())) == 1, (via, state, persona, left)
        moved = after != state
        if moved:
            assert after in step.targets, (via, state, persona, after)
        moved_by[persona] = moved
    # From the table's sources someone gets through (the campaign opens every window),
    # from any other state nobody does.
    assert any(moved_by.values()) is (state in step.sources), moved_by
