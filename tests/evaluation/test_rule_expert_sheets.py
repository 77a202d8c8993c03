"""Rule 7 of docs/rules.md: an evaluation decision needs every expert sheet assigned in
the round submitted or withdrawn; the refusal names the missing experts."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import api_for
from tests.evaluation.conftest import expert_score, expert_sheets_of
from xinban.applications.models import Application, ApplicationState
from xinban.core.errors import WrongState
from xinban.evaluation import services
from xinban.evaluation.models import Decision

pytestmark = pytest.mark.django_db


def test_service_names_the_experts_still_scoring_then_accepts_after_withdrawal(
    reviewing_a: Application, staff: Any
) -> None:
    first, *pending = expert_sheets_of(reviewing_a)
    expert_score(first)
    with pytest.raises(WrongState) as refused:
        services.decision_set(
            actor=staff, application=reviewing_a, level="selected", consensus_notes="合议"
        )
    assert refused.value.code == "expert_sheets_pending"
    for sheet in pending:
        assert sheet.judge.name in refused.value.message
    assert first.judge.name not in refused.value.message
    assert not Decision.objects.filter(application=reviewing_a).exists()
    for sheet in pending:
        services.expert_unassign(actor=staff, sheet=sheet, reason="专家出差，撤回分配")
    services.decision_set(
        actor=staff, application=reviewing_a, level="selected", consensus_notes="合议"
    )
    reviewing_a.refresh_from_db()
    assert reviewing_a.state == ApplicationState.SELECTED


def test_api_refuses_with_the_names(reviewing_a: Application, staff: Any) -> None:
    first, second, third = expert_sheets_of(reviewing_a)
    expert_score(first)
    expert_score(second)
    answer = api_for(staff).put(
        f"/evaluation/applications/{reviewing_a.pk}/decision",
        {"level": "not_selected", "consensus_notes": "合议"},
    )
    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "expert_sheets_pending" and third.judge.name in body["detail"]
    expert_score(third)
    accepted = api_for(staff).put(
        f"/evaluation/applications/{reviewing_a.pk}/decision",
        {"level": "not_selected", "consensus_notes": "合议"},
    )
    assert accepted.status_code == 200
