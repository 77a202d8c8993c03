"""The demo's team history (xinban/applications/demo.py): a past year's team re-applies
this year under a new name and its history shows; every demo application has its team;
one organisation's 首次参加 disagrees with the records."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from xinban.accounts.models import User
from xinban.applications.history import participation_check, team_history
from xinban.applications.models import Application, ApplicationState
from xinban.organisations.models import Participation, Registration


@pytest.fixture
def demo(db: Any) -> None:
    call_command("seed_demo", organisations=40, stdout=io.StringIO())


def test_a_past_years_team_reapplies_and_its_history_shows(demo: None) -> None:
    assert not Application.objects.filter(team__isnull=True).exists()
    current = Application.objects.get(
        team_name="总装一班", organisation__members__email="applicant-a@demo.saq"
    )
    history = team_history(current)
    assert [(e.team_name, e.result) for e in history.entries] == [
        ("精密装配组", ApplicationState.SELECTED)
    ]
    staff = User.objects.get(email="staff@demo.saq")
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("applications:detail", args=[current.pk]))
    assert f'data-history="{history.entries[0].number}"'.encode() in page.content


def test_one_organisation_says_first_time_against_the_records(demo: None) -> None:
    first = Registration.objects.filter(
        participation=Participation.FIRST_TIME, organisation__applications__isnull=False
    ).values_list("organisation_id", "campaign_id")
    flagged = [
        a
        for org, campaign in first
        for a in Application.objects.filter(organisation_id=org, campaign_id=campaign)
        if participation_check(a) is not None
    ]
    assert flagged
