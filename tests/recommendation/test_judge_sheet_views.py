"""The unit judge's 回避 on a sheet (xinban/recommendation/views/judge_sheets.py, the
shared xinban.scoring.sheet_page.ConflictView): a reason is required and the judge is
sent back to the sheet with the message; once declared the sheet is withdrawn."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from xinban.applications.models import Application
from xinban.recommendation import services
from xinban.scoring.models import ConflictDeclaration, Judge, ScoreSheet

pytestmark = pytest.mark.django_db


def test_conflict_needs_a_reason_then_withdraws_the_sheet(
    submitted_x: Application, unit_x_admin: Any, judge_1: Judge
) -> None:
    sheet = services.assignment_add(actor=unit_x_admin, application=submitted_x, judge=judge_1)
    client = Client()
    client.force_login(judge_1.user)
    action = reverse("recommendation:judge_conflict", args=[sheet.pk])
    page = client.get(reverse("recommendation:judge_sheet", args=[sheet.pk])).content.decode()
    assert action in page

    refused = client.post(action, {"reason": "  "})
    assert refused.status_code == 302
    assert refused["Location"] == reverse("recommendation:judge_sheet", args=[sheet.pk])
    assert [str(m) for m in get_messages(refused.wsgi_request)] == ["请填写回避原因。"]
    assert ScoreSheet.objects.filter(pk=sheet.pk).exists()
    assert not ConflictDeclaration.objects.exists()

    declared = client.post(action, {"reason": "曾在该单位任职"})
    assert declared["Location"] == reverse("recommendation:judge_home")
    assert not ScoreSheet.objects.filter(pk=sheet.pk).exists()
    declaration = ConflictDeclaration.objects.get()
    assert (declaration.judge, declaration.organisation_id) == (
        judge_1,
        submitted_x.organisation_id,
    )
    assert client.get(action).status_code == 405  # a POST only
