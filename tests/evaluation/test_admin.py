"""Staff configure the evaluation in the admin: the yearly checklist, the panel, experts'
employment history and the rounds; outcomes written by the services are read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from xinban.evaluation import services
from xinban.evaluation.models import ChecklistItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(staff: Any) -> Client:
    staff.is_staff = True
    staff.is_superuser = True
    staff.save()
    client = Client()
    client.force_login(staff)
    return client


@pytest.mark.parametrize(
    "model",
    [
        "evaluation_checklistitem",
        "evaluation_expertpanelmember",
        "evaluation_evaluationround",
        "evaluation_formalreview",
        "evaluation_decision",
        "evaluation_presentationvideo",
        "evaluation_guidingreview",
        "scoring_judgeemployment",
    ],
)
def test_changelists_render(admin_client: Client, candidate_with_video: Any, model: str) -> None:
    response = admin_client.get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == 200


def test_staff_edit_the_checklist(admin_client: Client, campaign: Any) -> None:
    item = services.checklist_for(campaign)[0]
    response = admin_client.post(
        reverse("admin:evaluation_checklistitem_change", args=[item.pk]),
        {"campaign": campaign.pk, "text": "六个方面材料齐全", "position": 3, "active": ""},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.text, item.position, item.active, item.key) == (
        "六个方面材料齐全",
        3,
        False,
        "materials",
    )
    assert item.pk not in [i.pk for i in services.checklist_for(campaign)]
    assert ChecklistItem.objects.filter(campaign=campaign, key="materials").count() == 1


def test_outcomes_are_read_only(admin_client: Client, passed_a: Any) -> None:
    assert admin_client.get(reverse("admin:evaluation_formalreview_add")).status_code == 403
    assert admin_client.get(reverse("admin:evaluation_decision_add")).status_code == 403
