"""Online learning: the catalogue, choosing a course, one's own progress, lesson files
through a checked view."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.conftest import pdf_bytes
from xinban.core.errors import WrongState
from xinban.learning import services
from xinban.learning.models import Course, Lesson, LessonProgress

pytestmark = pytest.mark.django_db


@pytest.fixture
def course() -> Course:
    item = Course.objects.create(title="质量信得过班组建设准则解读", published=True)
    Lesson.objects.create(
        course=item,
        title="准则全文",
        kind="document",
        file=SimpleUploadedFile("准则.pdf", pdf_bytes("准则"), content_type="application/pdf"),
    )
    Lesson.objects.create(course=item, title="案例视频", kind="link", url="https://example.com/v")
    return item


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_progress_is_each_users_own(course: Course, applicant_a: Any, applicant_b: Any) -> None:
    a = client_for(applicant_a)
    first = course.lessons.first()
    assert first is not None
    a.post(reverse("learning:complete", args=[course.pk, first.pk]))
    assert not LessonProgress.objects.exists()  # not enrolled yet: refused
    a.post(reverse("learning:enrol", args=[course.pk]))
    a.post(reverse("learning:complete", args=[course.pk, first.pk]))
    assert (
        'data-percent="50"' in a.get(reverse("learning:course", args=[course.pk])).content.decode()
    )
    b = client_for(applicant_b)
    html = b.get(reverse("learning:course", args=[course.pk])).content.decode()
    assert "data-percent" not in html  # B has not chosen the course
    a.post(reverse("learning:complete", args=[course.pk, first.pk]), {"done": "0"})
    assert not LessonProgress.objects.exists()


def test_unpublished_courses_do_not_exist_for_users(applicant_a: Any) -> None:
    hidden = Course.objects.create(title="编写中的课程", published=False)
    assert Client().get(reverse("learning:course", args=[hidden.pk])).status_code == 404
    assert "编写中的课程" not in Client().get(reverse("learning:catalogue")).content.decode()
    with pytest.raises(WrongState):
        services.course_enrol(actor=applicant_a, course=hidden)


def test_lesson_file_needs_a_login(course: Course, applicant_a: Any) -> None:
    lesson = course.lessons.get(kind="document")
    url = reverse("learning:lesson_file", args=[course.pk, lesson.pk])
    assert Client().get(url).status_code == 302
    response = client_for(applicant_a).get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
