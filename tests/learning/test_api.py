"""The learning API: the catalogue and a course without login, my courses and progress,
choosing a course, marking lessons done and undone (409 before choosing)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.learning.conftest import client_for
from xinban.learning import selectors, services
from xinban.learning.models import Course

pytestmark = pytest.mark.django_db


def test_catalogue_and_course_without_login(course: Course, staff: Any) -> None:
    hidden = services.course_create(actor=staff, data={"title": "编写中"})
    listed = Client().get("/api/learning/courses").json()
    assert listed == [
        {"id": course.pk, "title": course.title, "description": "逐条解读", "lessons": 2}
    ]
    detail = Client().get(f"/api/learning/courses/{course.pk}").json()
    document, link = detail["items"]
    assert document["file_url"] == f"/learning/{course.pk}/lessons/{document['id']}/file/"
    assert link["file_url"] is None and link["url"] == "https://example.com/v"
    assert Client().get(f"/api/learning/courses/{hidden.pk}").status_code == 404
    assert client_for(staff).get(f"/api/learning/courses/{hidden.pk}").status_code == 200


def test_progress_through_the_api(course: Course, applicant_a: Any) -> None:
    client = client_for(applicant_a)
    first = selectors.lessons(course)[0]
    done_url = f"/api/learning/courses/{course.pk}/lessons/{first.pk}/done"
    refused = client.post(done_url)
    assert refused.status_code == 409 and refused.json()["code"] == "not_enrolled"
    assert client.post(f"/api/learning/courses/{course.pk}/enrol").json()["enrolled"] is True
    progress = client.post(done_url).json()
    assert progress == {
        "course_id": course.pk,
        "enrolled": True,
        "done": [first.pk],
        "total": 2,
        "percent": 50,
    }
    assert client.get("/api/learning/my").json() == [
        {"course_id": course.pk, "title": course.title, "done": 1, "total": 2, "percent": 50}
    ]
    assert client.delete(done_url).json()["done"] == []
    assert Client().get("/api/learning/my").status_code == 401
    assert client.get(f"/api/learning/courses/{course.pk}/lessons/999999/done").status_code == 405
    assert client.post(f"/api/learning/courses/{course.pk}/lessons/999999/done").status_code == 404
