"""Learning pages: the public catalogue, choosing a course and one's own progress, lesson
files through the checked view, staff managing the catalogue (upload refused with the
input kept), 403 for others."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.conftest import pdf_bytes
from tests.learning.conftest import client_for
from xinban.learning import selectors, services
from xinban.learning.models import Course, Lesson, LessonProgress

pytestmark = pytest.mark.django_db


def test_catalogue_and_course_are_public(course: Course, staff: Any) -> None:
    hidden = services.course_create(actor=staff, data={"title": "编写中的课程"})
    html = Client().get(reverse("learning:catalogue")).content.decode()
    assert course.title in html and "编写中的课程" not in html
    page = Client().get(reverse("learning:course", args=[course.pk])).content.decode()
    assert "准则全文" in page and "登录后选课" in page and "登录后下载" in page
    assert Client().get(reverse("learning:course", args=[hidden.pk])).status_code == 404
    # Staff preview an unpublished course.
    preview = client_for(staff).get(reverse("learning:course", args=[hidden.pk]))
    assert preview.status_code == 200 and "未上线" in preview.content.decode()


def test_choose_a_course_and_keep_ones_own_progress(
    course: Course, applicant_a: Any, applicant_b: Any
) -> None:
    a = client_for(applicant_a)
    first = selectors.lessons(course)[0]
    a.post(reverse("learning:complete", args=[course.pk, first.pk]))
    assert not LessonProgress.objects.exists()  # not chosen yet: refused with a message
    a.post(reverse("learning:enrol", args=[course.pk]))
    a.post(reverse("learning:complete", args=[course.pk, first.pk]))
    page = a.get(reverse("learning:course", args=[course.pk])).content.decode()
    assert 'data-percent="50"' in page and "已完成 1 / 2" in page
    catalogue = a.get(reverse("learning:catalogue")).content.decode()
    assert "我的课程" in catalogue and "已完成 1 / 2" in catalogue
    b = client_for(applicant_b)
    html = b.get(reverse("learning:course", args=[course.pk])).content.decode()
    assert "data-percent" not in html and "选择该课程" in html
    a.post(reverse("learning:complete", args=[course.pk, first.pk]), {"done": "0"})
    assert not LessonProgress.objects.exists()


def test_lesson_file_needs_a_login_and_a_visible_course(
    course: Course, applicant_a: Any, staff: Any
) -> None:
    lesson = course.lessons.get(kind="document")
    url = reverse("learning:lesson_file", args=[course.pk, lesson.pk])
    assert Client().get(url).status_code == 302
    response = client_for(applicant_a).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    link = course.lessons.get(kind="link")
    assert (
        client_for(applicant_a)
        .get(reverse("learning:lesson_file", args=[course.pk, link.pk]))
        .status_code
        == 404
    )
    services.course_publish(actor=staff, course=course, published=False)
    assert client_for(applicant_a).get(url).status_code == 404
    assert client_for(staff).get(url).status_code == 200


def test_staff_manage_the_catalogue_through_the_pages(staff: Any) -> None:
    client = client_for(staff)
    assert client.get(reverse("learning:manage")).status_code == 200
    response = client.post(reverse("learning:manage"), {"title": "", "description": "简介"})
    assert response.status_code == 200 and "简介" in response.content.decode()
    client.post(reverse("learning:manage"), {"title": "QC 工具入门", "position": "2"})
    course = Course.objects.get()
    edit = reverse("learning:course_edit", args=[course.pk])
    # A fake PDF: refused at the file field, the title kept.
    fake = SimpleUploadedFile("讲义.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(
        reverse("learning:lesson_add", args=[course.pk]),
        {"lesson-title": "排列图讲义", "lesson-kind": "document", "lesson-file": fake},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "文件内容不是有效的 PDF 文件" in html and 'value="排列图讲义"' in html
    assert not Lesson.objects.exists()
    good = SimpleUploadedFile("讲义.pdf", pdf_bytes("QC"), content_type="application/pdf")
    client.post(
        reverse("learning:lesson_add", args=[course.pk]),
        {"lesson-title": "排列图讲义", "lesson-kind": "document", "lesson-file": good},
    )
    client.post(
        reverse("learning:lesson_add", args=[course.pk]),
        {"lesson-title": "练习", "lesson-kind": "link", "lesson-url": "https://example.com/qc"},
    )
    handout, exercise = selectors.lessons(course)
    assert handout.original_name == "讲义.pdf" and exercise.url == "https://example.com/qc"
    client.post(reverse("learning:lesson_move", args=[course.pk, exercise.pk, "up"]))
    assert selectors.lessons(course)[0].pk == exercise.pk
    client.post(reverse("learning:publish", args=[course.pk]))
    course.refresh_from_db()
    assert course.published
    response = client.post(
        reverse("learning:lesson_edit", args=[course.pk, exercise.pk]),
        {"title": "练习：排列图", "kind": "link", "url": ""},
    )
    assert response.status_code == 200 and "请填写链接地址" in response.content.decode()
    client.post(
        reverse("learning:lesson_edit", args=[course.pk, exercise.pk]),
        {"title": "练习：排列图", "kind": "link", "url": "https://example.com/qc2"},
    )
    exercise.refresh_from_db()
    assert exercise.title == "练习：排列图"
    client.post(reverse("learning:lesson_remove", args=[course.pk, exercise.pk]))
    assert list(course.lessons.values_list("title", flat=True)) == ["排列图讲义"]
    client.post(
        edit,
        {"course-title": "QC 工具入门（修订）", "course-description": "", "course-position": "1"},
    )
    course.refresh_from_db()
    assert (course.title, course.position) == ("QC 工具入门（修订）", 1)


def test_others_may_not_manage(course: Course, applicant_a: Any, unit_x_admin: Any) -> None:
    lesson = course.lessons.first()
    assert lesson is not None
    for user in (applicant_a, unit_x_admin):
        client = client_for(user)
        assert client.get(reverse("learning:manage")).status_code == 403
        assert client.get(reverse("learning:course_edit", args=[course.pk])).status_code == 403
        assert client.post(reverse("learning:publish", args=[course.pk])).status_code == 403
        assert (
            client.post(reverse("learning:lesson_remove", args=[course.pk, lesson.pk])).status_code
            == 403
        )
    assert course.lessons.count() == 2
