"""Audit actions come from one registry (``xinban/<area>/audit_actions.py``), each entry
records its channel, and the audit log reads as sentences (docs/architecture.md, "The audit
log")."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from xinban.core.audit import audit_record
from xinban.core.audit_registry import UnknownAuditAction, registered_actions
from xinban.core.models import AuditEntry

SOURCE = Path(settings.BASE_DIR) / "xinban"
ACTION_NAME = re.compile(r"^[a-z_]+\.[a-z_]+$")


def _constants(node: ast.AST) -> list[str]:
    return [
        n.value
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and ACTION_NAME.match(n.value)
    ]


def actions_written_in_code() -> dict[str, str]:
    """Every action name the code passes to the audit log: the ``action=`` argument of any
    call (conditional expressions included) and the string arguments of the areas' own
    audit helpers (``_decision_audit(...)``), and the actions an audited admin names
    (``audit_save = "…"``, xinban/core/admin_audit.py)."""
    found: dict[str, str] = {}
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts or path.name == "audit_actions.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            values: list[str] = []
            for keyword in call.keywords:
                if keyword.arg == "action":
                    values += _constants(keyword.value)
            name = getattr(call.func, "id", getattr(call.func, "attr", ""))
            if "audit" in name:
                for arg in call.args:
                    values += _constants(arg)
            for value in values:
                found.setdefault(value, f"{path.relative_to(SOURCE.parent)}:{call.lineno}")
        for assign in (n for n in ast.walk(tree) if isinstance(n, ast.Assign)):
            names = [getattr(t, "id", "") for t in assign.targets]
            if any(n.startswith("audit_") for n in names):
                for value in _constants(assign.value):
                    where = f"{path.relative_to(SOURCE.parent)}:{assign.lineno}"
                    found.setdefault(value, where)
    return found


def test_every_action_the_code_writes_is_declared_with_a_sentence() -> None:
    written = actions_written_in_code()
    assert len(written) > 90  # the scan finds the code's actions (it would pass empty)
    missing = {name: where for name, where in written.items() if name not in registered_actions()}
    assert not missing, f"declare these in the area's audit_actions.py: {missing}"


def test_every_declared_action_is_written_somewhere() -> None:
    unused = set(registered_actions()) - set(actions_written_in_code())
    assert not unused, f"declared but never written (remove them): {sorted(unused)}"


def test_an_undeclared_action_is_refused_and_nothing_is_written(applicant_a: Any) -> None:
    with pytest.raises(UnknownAuditAction):
        audit_record(actor=applicant_a, action="application.tpyo", obj=applicant_a)
    assert not AuditEntry.objects.filter(action="application.tpyo").exists()


def test_a_service_called_from_code_records_the_command_channel(applicant_a: Any) -> None:
    entry = audit_record(actor=applicant_a, action="application.update", obj=applicant_a)
    assert entry.channel == "command"


def test_each_channel_is_recorded(staff: Any, applicant_a: Any) -> None:
    from xinban.api.services import token_create
    from xinban.tasks.models import Task, TaskState
    from xinban.tasks.testing import drain

    # A web page.
    page = Client()
    page.force_login(staff)
    created = page.post(reverse("api:tokens"), {"name": "集成", "scopes": ["read"]})
    assert created.status_code in (200, 302)
    assert AuditEntry.objects.get(action="api_token.create").channel == "page"

    # The API with a token, and with the browser session.
    token, secret = token_create(actor=staff, name="脚本", scopes=["staff:write"])
    failed = Task.objects.create(name="tests.batch", created_by=staff, state=TaskState.FAILED)
    with_token = Client().post(
        f"/api/tasks/{failed.pk}/retry", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert with_token.status_code == 200, with_token.content
    assert AuditEntry.objects.get(action="task.retry").channel == f"api-token:{token.pk}"
    Task.objects.filter(pk=failed.pk).update(state=TaskState.FAILED)
    session = Client(enforce_csrf_checks=False)
    session.force_login(staff)
    assert session.post(f"/api/tasks/{failed.pk}/retry").status_code == 200
    assert AuditEntry.objects.filter(action="task.retry").latest("id").channel == "api"
    Task.objects.filter(pk=failed.pk).delete()

    # A background task.
    from tests.tasks.handlers import audit_channel

    queued = audit_channel.enqueue(actor_id=staff.pk, application_owner_id=applicant_a.pk)
    assert drain() == 1
    entry = AuditEntry.objects.filter(action="application.update").latest("id")
    assert entry.channel == f"task:tests.tasks.handlers.audit_channel#{queued.id}"


def _entries(response: Any) -> str:
    """The log's entries on the page (the action filter lists every sentence too)."""
    html = response.content.decode()
    start = html.index('<ol class="list-unstyled audit-log">')
    return html[start : html.index("</ol>", start)]


def test_the_audit_log_reads_as_sentences_and_filters(staff: Any, applicant_a: Any) -> None:
    audit_record(
        actor=applicant_a,
        action="api_token.revoke",
        obj=staff,
        changes={"is_active": [True, False], "reason": "不再使用"},
    )
    audit_record(actor=staff, action="application.update", obj=applicant_a)
    client = Client()
    client.force_login(staff)
    page = _entries(client.get(reverse("core:audit_log")))
    assert "撤销了 API 令牌" in page and "修改了申报" in page
    assert "→" in page and "不再使用" in page
    assert "{&#x27;" not in page and "{'" not in page  # no raw dictionaries

    mine = _entries(client.get(reverse("core:audit_log"), {"action": "api_token.revoke"}))
    assert "撤销了 API 令牌" in mine and "修改了申报" not in mine
    by_person = _entries(client.get(reverse("core:audit_log"), {"actor": applicant_a.name}))
    assert "撤销了 API 令牌" in by_person and "修改了申报" not in by_person
    by_object = _entries(client.get(reverse("core:audit_log"), {"obj": str(staff)}))
    assert "撤销了 API 令牌" in by_object and "修改了申报" not in by_object

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = _entries(client.get(reverse("core:audit_log")))
    assert "revoked an API token" in english
