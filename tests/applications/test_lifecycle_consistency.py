"""The lifecycle's channels agree (docs/rules.md, "The application's lifecycle"): for
every transition of ``TRANSITIONS`` (xinban/applications/lifecycle.py), every persona and
every state, the page shows the action ⇔ the API accepts it (2xx) ⇔ the service accepts
it. The cases are generated from the table and the registry below, which must name every
transition: a new transition without an entry fails ``test_the_registry_covers_the_table``.
Each channel runs inside a savepoint that is rolled back, so all three start from the
same state."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
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
    body: dict[str, Any] | None


@dataclass(frozen=True)
class Channels:
    """How one transition is offered: its page, its API operation and its service call.
    ``None`` for a channel that does not exist, with the reason in ``why``; a transition
    not yet exercised here has ``pending`` set (its reason)."""

    service: Callable[[Any, Application], Any] | None = None
    page: Page | None = None
    api: Api | None = None
    why: str = ""
    pending: str = ""
    #: What the action needs besides the state (e.g. the experts' submitted sheets).
    prepare: Callable[[Application], None] | None = None


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
        pending="a whole unit's report (附件5, judge sheets) moves many applications at once; "
        "covered by tests/recommendation/test_flow_views.py and test_services.py",
    ),
    "void_recommendation": Channels(
        pending="voids a unit's filed report, not one application; covered by "
        "tests/evaluation/test_rule_void.py",
    ),
    "assign_experts": Channels(
        pending="the automatic engine assigns a batch (no one-application button); the manual "
        "page needs a panel and a round; covered by tests/evaluation/test_assignment.py",
    ),
    "unassign_last_expert": Channels(
        pending="needs an expert sheet; covered by tests/evaluation/test_services.py and "
        "test_rule_expert_conflict.py",
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


def test_the_registry_covers_the_table() -> None:
    assert set(REGISTRY) == set(TRANSITIONS)
    for name, channels in REGISTRY.items():
        if channels.pending:
            continue
        assert channels.service is not None, name
        # A missing page or API operation says why.
        assert (channels.page and channels.api) or channels.why, name


COVERED = sorted(name for name, channels in REGISTRY.items() if not channels.pending)
CASES = [(via, state) for via in COVERED for state in ApplicationState.values]


def _json_body(body: dict[str, Any] | None) -> str:
    return "" if body is None else json.dumps(body)


def _page_shows(client: Client, page: Page, app: Application) -> bool:
    response = client.get(page.url(app))
    assert response.status_code in (200, 403, 404), response.status_code
    return response.status_code == 200 and page.marker(app) in response.content.decode()


def _api_accepts(client: Client, api: Api, app: Application) -> bool:
    with transaction.atomic():
        entries = AuditEntry.objects.count()
        response = getattr(client, api.method)(
            api.path(app), data=_json_body(api.body), content_type="application/json"
        )
        assert response.status_code < 500, response.content
        accepted = 200 <= response.status_code < 300
        if accepted:
            # Written and audited (a decision revised to its own level keeps the state).
            assert AuditEntry.objects.count() > entries, "the API answered 2xx, wrote nothing"
        transaction.set_rollback(True)
    return accepted


def _service_accepts(channels: Channels, actor: Any, app: Application) -> bool:
    assert channels.service is not None
    with transaction.atomic():
        try:
            channels.service(actor, Application.objects.get(pk=app.pk))
        except ServiceError:
            accepted = False
        else:
            accepted = True
        transaction.set_rollback(True)
    return accepted


@pytest.mark.parametrize(("via", "state"), CASES)
def test_page_api_and_service_agree(
    via: str, state: str, request: pytest.FixtureRequest, org_a: Any, unit_x: Any, campaign: Any
) -> None:
    channels = REGISTRY[via]
    application = make_application(organisation=org_a, unit=unit_x, campaign=campaign, state=state)
    if channels.prepare is not None:
        channels.prepare(application)
    accepted_by: dict[str, bool] = {}
    for persona in PERSONAS:
        actor = request.getfixturevalue(persona)
        client = Client()
        client.force_login(actor)
        service = _service_accepts(channels, actor, application)
        seen = {"service": service}
        if channels.page is not None:
            seen["page"] = _page_shows(client, channels.page, application)
        if channels.api is not None:
            seen["api"] = _api_accepts(client, channels.api, application)
        application.refresh_from_db()
        assert application.state == state  # every channel rolled back
        assert len(set(seen.values())) == 1, (via, state, persona, seen)
        accepted_by[persona] = service
    # From the table's sources someone gets through (the campaign opens every window),
    # from any other state nobody does.
    assert any(accepted_by.values()) is (state in TRANSITIONS[via].sources), accepted_by
