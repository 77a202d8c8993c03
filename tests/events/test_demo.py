from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from xinban.events.models import Event, Presenter, Signup
from xinban.learning.models import Course, Enrollment


def test_demo_events_and_courses(db: Any) -> None:
    call_command("seed_demo", organisations=30, stdout=io.StringIO())
    assert set(Event.objects.values_list("kind", flat=True)) == {
        "briefing",
        "training",
        "exchange",
        "presentation",
    }
    assert Signup.objects.filter(user__email="applicant-a@demo.saq").count() == 2
    session = Event.objects.get(kind="presentation")
    assert session.unit is not None and session.unit.name == "浦东新区"
    assert Presenter.objects.filter(event=session).exists()
    assert Course.objects.filter(published=True).count() == 3
    assert Enrollment.objects.filter(user__email="applicant-a@demo.saq").exists()
    html = Client().get(reverse("events:list")).content.decode()
    assert "说明会" in html
