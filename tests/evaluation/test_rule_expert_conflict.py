"""Rule 8 of docs/rules.md: experts declare a conflict of interest (回避) on their sheets,
as unit judges can: the assignment is withdrawn, staff are told and can reassign."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from tests.api.conftest import api_for
from tests.evaluation.conftest import expert_score, expert_sheets_of
from xinban.applications.models import Application, ApplicationState
from xinban.core.errors import WrongState
from xinban.core.models import AuditEntry
from xinban.evaluation import services
from xinban.scoring.models import ConflictDeclaration, ScoreSheet

pytestmark = pytest.mark.django_db


def test_api_declaration_withdraws_the_sheet_and_tells_staff(
    reviewing_a: Application, staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    sheet, other, _third = expert_sheets_of(reviewing_a)
    expert = api_for(sheet.judge.user)
    missing = expert.post(f"/expert/sheets/{sheet.pk}/conflict", {})
    assert missing.status_code == 422 and "reason" in missing.json()["errors"]
    assert (
        api_for(other.judge.user)
        .post(f"/expert/sheets/{sheet.pk}/conflict", {"reason": "x"})
        .status_code
        == 404
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = expert.post(f"/expert/sheets/{sheet.pk}/conflict", {"reason": "曾在该单位任职"})
    assert answer.status_code == 200, answer.json()
    assert answer.json()["withdrawn"] is True and answer.json()["reason"] == "曾在该单位任职"
    assert not ScoreSheet.objects.filter(pk=sheet.pk).exists()
    assert ConflictDeclaration.objects.filter(
        judge=sheet.judge, organisation=reviewing_a.organisation
    ).exists()
    reviewing_a.refresh_from_db()
    assert reviewing_a.state == ApplicationState.EXPERT_REVIEW  # two experts remain
    assert AuditEntry.objects.filter(action="evaluation.expert_conflict").count() == 1
    (to_staff,) = [m for m in mail.outbox if m.to == [staff.email]]
    assert sheet.judge.name in to_staff.subject and "曾在该单位任职" in to_staff.body
    # Staff can reassign: the engine now excludes the declared expert.
    assert services.expert_conflicts(reviewing_a.campaign, [reviewing_a], [sheet.judge]).get(
        (sheet.judge.pk, reviewing_a.pk)
    )


def test_last_expert_declaring_returns_the_application_to_formal_passed(
    reviewing_a: Application, staff: Any
) -> None:
    sheets = expert_sheets_of(reviewing_a)
    for sheet in sheets:
        services.expert_conflict_declare(actor=sheet.judge.user, sheet=sheet, reason="亲属关系")
    reviewing_a.refresh_from_db()
    assert reviewing_a.state == ApplicationState.FORMAL_PASSED


def test_refused_once_scored(reviewing_a: Application) -> None:
    sheet = expert_score(expert_sheets_of(reviewing_a)[0])
    with pytest.raises(WrongState) as refused:
        services.expert_conflict_declare(actor=sheet.judge.user, sheet=sheet, reason="亲属关系")
    assert refused.value.code == "sheet_submitted"
    answer = api_for(sheet.judge.user).post(
        f"/expert/sheets/{sheet.pk}/conflict", {"reason": "亲属关系"}
    )
    assert answer.status_code == 409
    assert ScoreSheet.objects.filter(pk=sheet.pk).exists()


def test_page_offers_the_declaration_until_scored(reviewing_a: Application) -> None:
    from django.test import Client
    from django.urls import reverse

    sheet = expert_sheets_of(reviewing_a)[0]
    client = Client()
    client.force_login(sheet.judge.user)
    action = reverse("evaluation:expert_conflict", args=[sheet.pk])
    assert (
        action in client.get(reverse("evaluation:expert_sheet", args=[sheet.pk])).content.decode()
    )
    client.post(action, {"reason": ""})
    assert ScoreSheet.objects.filter(pk=sheet.pk).exists()  # a reason is needed
    answer = client.post(action, {"reason": "曾在该单位任职"})
    assert answer.status_code == 302 and not ScoreSheet.objects.filter(pk=sheet.pk).exists()
    scored = expert_score(expert_sheets_of(reviewing_a)[0])
    page = client.get(reverse("evaluation:expert_sheet", args=[scored.pk]))
    assert page.status_code == 404  # another expert's sheet
    client.force_login(scored.judge.user)
    page = client.get(reverse("evaluation:expert_sheet", args=[scored.pk])).content.decode()
    assert reverse("evaluation:expert_conflict", args=[scored.pk]) not in page
