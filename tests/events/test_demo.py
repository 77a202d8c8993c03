"""The demo's events and courses: every kind of event, a full training with a waiting
list, presenting teams of the right year (and, for 浦东新区's session, of the unit), a
past event; courses with real PDF handouts and demo users' progress."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from xinban.events.models import Event, Presenter, Signup
from xinban.events.rules import presenter_refusal
from xinban.learning.models import Course, Enrollment, Lesson, LessonProgress


def test_demo_events_and_courses(db: Any) -> None:
    call_command("seed_demo", organisations=30, stdout=io.StringIO())
    kinds = list(Event.objects.values_list("kind", flat=True))
    assert {"briefing", "exchange", "presentation"} <= set(kinds)
    assert kinds.count("training") == 2
    assert Signup.objects.filter(user__email="applicant-a@demo.saq").exists()
    training = Event.objects.get(title__startswith="班组成果材料撰写辅导")
    assert training.signups.filter(status="confirmed").count() == training.capacity
    assert training.signups.filter(status="waiting", user__email="unit-x@demo.saq").exists()
    session = Event.objects.get(kind="presentation")
    assert session.unit is not None and session.unit.name == "浦东新区"
    assert session.created_by is not None and session.created_by.email == "unit-x@demo.saq"
    presenting = Presenter.objects.filter(event=session).select_related("application")
    assert presenting.exists()
    assert all(p.application.recommending_unit_id == session.unit_id for p in presenting)
    for event in Event.objects.filter(kind="exchange"):
        rows = list(Presenter.objects.filter(event=event).select_related("application"))
        assert rows and all(p.application.campaign_id == event.campaign_id for p in rows)
        assert [p.position for p in rows] == list(range(1, len(rows) + 1))
    # Rule 10 holds for the demo's presenters too.
    for presenter in Presenter.objects.select_related("event", "application"):
        assert presenter_refusal(presenter.event, presenter.application) is None
    html = Client().get(reverse("events:list")).content.decode()
    assert "说明会" in html and "往期活动" in html

    assert Course.objects.filter(published=True).count() >= 3
    handout = Lesson.objects.filter(kind="document").exclude(file="").first()
    assert handout is not None and handout.file.read().startswith(b"%PDF-")
    assert Enrollment.objects.filter(user__email="applicant-a@demo.saq").count() == 2
    assert LessonProgress.objects.filter(user__email="applicant-a@demo.saq").exists()
