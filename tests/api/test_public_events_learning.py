"""The JSON API of publication, events and learning over the same services."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import make_user
from tests.events.conftest import event_data
from xinban.events import services as event_services
from xinban.learning.models import Course, Lesson
from xinban.publication import services as publication_services

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_public_cases_and_verification_without_login(
    staff: Any, campaign: Any, unit_x: Any, org_a: Any
) -> None:
    from tests.recommendation.factories import make_application

    app = make_application(
        organisation=org_a, unit=unit_x, campaign=campaign, state="selected", team_name="质检一班"
    )
    publication_services.results_publish(
        actor=staff, campaign=campaign, override_reason="测试：阶段外发布"
    )
    certificate = publication_services.certificate_for(app)
    anonymous = Client()
    body = anonymous.get("/api/public/cases", {"q": "检一"}).json()
    assert body["count"] == 1 and body["items"][0]["team_name"] == "质检一班"
    assert anonymous.get(f"/api/public/certificates/{certificate.code}").json()["valid"] is True
    assert anonymous.get("/api/public/certificates/2026-FORGED0000").json()["valid"] is False
    response = client_for(staff).post(f"/api/publication/{campaign.year}/certificates")
    assert response.status_code == 202 and response.json()["task_id"]


def test_event_signup_and_waiting_list(staff: Any, campaign: Any) -> None:
    event = event_services.event_create(actor=staff, campaign=campaign, data=event_data(capacity=1))
    event_services.event_publish(actor=staff, event=event)
    first, second = make_user("a1@example.com", "甲"), make_user("a2@example.com", "乙")
    confirmed = (
        client_for(first)
        .post(f"/api/events/{event.pk}/signup", {}, content_type="application/json")
        .json()
    )
    assert confirmed["status"] == "confirmed" and confirmed["waiting_position"] is None
    waiting = (
        client_for(second)
        .post(f"/api/events/{event.pk}/signup", {}, content_type="application/json")
        .json()
    )
    assert waiting["status"] == "waiting" and waiting["waiting_position"] == 1
    again = client_for(second).post(
        f"/api/events/{event.pk}/signup", {}, content_type="application/json"
    )
    assert again.status_code == 409
    client_for(first).post(f"/api/events/{event.pk}/signup/cancel")
    events = Client().get("/api/events").json()
    assert events[0]["confirmed"] == 1


def test_learning_progress(applicant_a: Any) -> None:
    course = Course.objects.create(title="准则解读", published=True)
    lesson = Lesson.objects.create(course=course, title="第一讲", kind="link", url="https://x.cn")
    client = client_for(applicant_a)
    refused = client.post(f"/api/learning/courses/{course.pk}/lessons/{lesson.pk}/done")
    assert refused.status_code == 409
    client.post(f"/api/learning/courses/{course.pk}/enrol")
    done = client.post(f"/api/learning/courses/{course.pk}/lessons/{lesson.pk}/done").json()
    assert done == {
        "course_id": course.pk,
        "enrolled": True,
        "done": [lesson.pk],
        "total": 1,
        "percent": 100,
    }
