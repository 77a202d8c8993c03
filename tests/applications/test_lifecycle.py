"""The application's lifecycle (xinban/applications/lifecycle.py, docs/rules.md): every
transition of the table, from every state, is allowed exactly from its sources; it bumps
the version, audits the state's before → after and queues its e-mail after commit; and
no service writes an application's state any other way."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from tests.recommendation.factories import make_application
from xinban.applications.lifecycle import TRANSITIONS, Notice, transition, transition_refusal
from xinban.applications.models import ApplicationState
from xinban.core.errors import WrongState
from xinban.core.models import AuditEntry

CASES = [(via, state) for via in sorted(TRANSITIONS) for state in ApplicationState.values]


@pytest.mark.parametrize(("via", "state"), CASES)
def test_each_transition_from_each_state(
    via: str, state: str, org_a: Any, unit_x: Any, campaign: Any, staff: Any
) -> None:
    step = TRANSITIONS[via]
    application = make_application(organisation=org_a, unit=unit_x, campaign=campaign, state=state)
    version = application.version
    to = sorted(step.targets)[0]
    allowed = state in step.sources
    assert (transition_refusal(application, via, to) is None) is allowed
    if not allowed:
        with pytest.raises(WrongState) as excinfo:
            transition(application, via=via, to=to, actor=staff, action="application.update")
        assert excinfo.value.code == "wrong_state"
        application.refresh_from_db()
        assert (application.state, application.version) == (state, version)
        assert not AuditEntry.objects.filter(action="application.update").exists()
        return
    previous = transition(application, via=via, to=to, actor=staff, action="application.update")
    application.refresh_from_db()
    assert (previous, application.state, application.version) == (state, to, version + 1)
    entry = AuditEntry.objects.get(action="application.update")
    assert entry.changes["state"] == [state, to] and entry.actor == staff


def test_a_target_outside_the_transition_is_a_programming_error(
    org_a: Any, unit_x: Any, campaign: Any
) -> None:
    application = make_application(organisation=org_a, unit=unit_x, campaign=campaign)
    with pytest.raises(ValueError):
        transition(application, via="withdraw", to=ApplicationState.TYPICAL)


def test_the_notice_leaves_after_commit(
    org_a: Any, unit_x: Any, campaign: Any, django_capture_on_commit_callbacks: Any
) -> None:
    application = make_application(organisation=org_a, unit=unit_x, campaign=campaign)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        transition(
            application,
            via="return",
            to=ApplicationState.RETURNED,
            notice=Notice(
                to=["a@example.com"],
                template="application_returned",
                context={"application": application},
            ),
        )
    assert callbacks and not mail.outbox  # queued, not sent inside the transaction


def test_every_state_is_reachable_and_every_target_is_a_state() -> None:
    targets = set().union(*(t.targets for t in TRANSITIONS.values()))
    sources = set().union(*(t.sources for t in TRANSITIONS.values()))
    assert targets <= set(ApplicationState.values) and sources <= set(ApplicationState.values)
    # Every state but the first is reached by some transition; every state but the
    # end states is left by one.
    assert set(ApplicationState.values) - targets == {ApplicationState.DRAFT}
    assert set(ApplicationState.values) - sources == {
        ApplicationState.WITHDRAWN,
        ApplicationState.NOT_RECOMMENDED,
    }


# Where an application's state may be written directly: the lifecycle itself, and
# loading history or demo and bench data (not transitions of a live application).
ALLOWED = {"applications/lifecycle.py", "imports/services/batches.py"}
SKIPPED_PARTS = {"ops", "migrations"}


def _writes_state(node: ast.AST) -> bool:
    if isinstance(node, ast.Assign):
        return any(
            isinstance(t, ast.Attribute)
            and t.attr == "state"
            and "ApplicationState" in ast.unparse(node.value)
            for t in node.targets
        )
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "update" and any(
            k.arg == "state" and "ApplicationState" in ast.unparse(k.value) for k in node.keywords
        )
    return False


def test_no_service_writes_an_applications_state_around_the_lifecycle() -> None:
    root = Path(__file__).resolve().parents[2] / "xinban"
    offenders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if str(relative) in ALLOWED or SKIPPED_PARTS & set(relative.parts):
            continue
        if relative.name in {"demo.py", "bench.py", "bench_assignment.py", "demo_video.py"}:
            continue
        tree = ast.parse(path.read_text())
        offenders += [f"{relative}:{n.lineno}" for n in ast.walk(tree) if _writes_state(n)]
    assert offenders == []
    # The check itself finds such a write.
    assert _writes_state(ast.parse("a.state = ApplicationState.SUBMITTED").body[0])
    assert _writes_state(ast.parse("qs.update(state=ApplicationState.SUBMITTED)").body[0].value)  # type: ignore[attr-defined]
