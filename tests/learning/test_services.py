"""Learning services: staff keep the catalogue (uploads type-checked, order, online and
offline, audit), users choose courses and keep their own progress."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.learning.conftest import pdf_upload
from xinban.core.errors import NotAllowed, ServiceError, WrongState
from xinban.core.models import AuditEntry
from xinban.learning import selectors, services
from xinban.learning.models import Course, Lesson, LessonProgress

pytestmark = pytest.mark.django_db


def test_only_staff_manage_the_catalogue(
    applicant_a: Any, unit_x_admin: Any, course: Course
) -> None:
    lesson = course.lessons.first()
    assert lesson is not None
    for user in (applicant_a, unit_x_admin):
        with pytest.raises(NotAllowed):
            services.course_create(actor=user, data={"title": "x"})
        with pytest.raises(NotAllowed):
            services.course_publish(actor=user, course=course, published=False)
        with pytest.raises(NotAllowed):
            services.lesson_add(
                actor=user, course=course, data={"title": "x", "kind": "link", "url": "https://a.b"}
            )
        with pytest.raises(NotAllowed):
            services.lesson_remove(actor=user, lesson=lesson)
    assert Course.objects.count() == 1 and course.lessons.count() == 2


def test_a_course_goes_online_only_with_lessons(staff: Any) -> None:
    empty = services.course_create(actor=staff, data={"title": "空课程"})
    assert not empty.published
    with pytest.raises(WrongState) as excinfo:
        services.course_publish(actor=staff, course=empty)
    assert excinfo.value.code == "no_lessons"
    services.lesson_add(
        actor=staff, course=empty, data={"title": "链接", "kind": "link", "url": "https://a.cn"}
    )
    assert services.course_publish(actor=staff, course=empty).published
    with pytest.raises(WrongState):
        services.course_publish(actor=staff, course=empty)
    assert not services.course_publish(actor=staff, course=empty, published=False).published
    actions = list(
        AuditEntry.objects.filter(object_type="learning.course")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "learning.course_create",
        "learning.lesson_add",
        "learning.course_publish",
        "learning.course_unpublish",
    ]


def test_lesson_content_fits_its_kind(staff: Any, course: Course) -> None:
    cases = [
        ({"title": "无文件", "kind": "document"}, None, "file_required"),
        ({"title": "无链接", "kind": "link"}, None, "url_required"),
        ({"title": "视频", "kind": "video"}, None, "file_required"),
        ({"title": "链接带文件", "kind": "link", "url": "https://a.cn"}, pdf_upload(), "no_file"),
    ]
    for data, file, code in cases:
        with pytest.raises(ServiceError) as excinfo:
            services.lesson_add(actor=staff, course=course, data=data, file=file)
        assert excinfo.value.code == code
    # A video may be a link to a video site.
    services.lesson_add(
        actor=staff, course=course, data={"title": "视频", "kind": "video", "url": "https://v.cn"}
    )
    assert course.lessons.count() == 3


def test_uploads_are_type_checked_and_nothing_is_left_behind(staff: Any, course: Course) -> None:
    before = course.lessons.count()
    fake = SimpleUploadedFile("讲义.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ServiceError) as excinfo:
        services.lesson_add(
            actor=staff, course=course, data={"title": "讲义", "kind": "document"}, file=fake
        )
    assert excinfo.value.field == "file" and "PDF" in excinfo.value.message
    with pytest.raises(ServiceError):  # a PDF is not a video
        services.lesson_add(
            actor=staff, course=course, data={"title": "视频", "kind": "video"}, file=pdf_upload()
        )
    assert course.lessons.count() == before
    _dirs, files = default_storage.listdir(f"learning/{course.created_at:%Y}")
    assert len(files) == 1  # only the fixture's document


def test_replacing_and_removing_files(
    staff: Any, course: Course, django_capture_on_commit_callbacks: Any
) -> None:
    lesson = course.lessons.get(kind="document")
    old_name = lesson.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_update(
            actor=staff,
            lesson=lesson,
            data={"title": "准则全文（2024 修订）", "kind": "document"},
            file=pdf_upload("修订版.pdf", "修订"),
        )
    lesson.refresh_from_db()
    assert lesson.title == "准则全文（2024 修订）" and lesson.original_name == "修订版.pdf"
    assert lesson.file.name != old_name and not default_storage.exists(old_name)
    # Keeping the file: only the text changes.
    services.lesson_update(
        actor=staff, lesson=lesson, data={"title": "准则全文", "kind": "document"}
    )
    lesson.refresh_from_db()
    assert default_storage.exists(lesson.file.name)
    name = lesson.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_remove(actor=staff, lesson=lesson)
    assert not default_storage.exists(name)
    with pytest.raises(WrongState):
        services.lesson_remove(actor=staff, lesson=lesson)


def test_removing_the_last_lesson_takes_the_course_offline(staff: Any, course: Course) -> None:
    for lesson in list(course.lessons.all()):
        services.lesson_remove(actor=staff, lesson=lesson)
    course.refresh_from_db()
    assert not course.published


def test_lessons_move_up_and_down(staff: Any, course: Course) -> None:
    first, second = selectors.lessons(course)
    services.lesson_move(actor=staff, lesson=second, direction="up")
    assert [lesson.pk for lesson in selectors.lessons(course)] == [second.pk, first.pk]
    services.lesson_move(actor=staff, lesson=second, direction="up")  # already first
    assert [lesson.pk for lesson in selectors.lessons(course)] == [second.pk, first.pk]
    with pytest.raises(ServiceError):
        services.lesson_move(actor=staff, lesson=first, direction="left")


def test_progress_is_each_users_own(course: Course, applicant_a: Any, applicant_b: Any) -> None:
    first, second = selectors.lessons(course)
    with pytest.raises(WrongState) as excinfo:
        services.lesson_complete(actor=applicant_a, lesson=first)
    assert excinfo.value.code == "not_enrolled"
    services.course_enrol(actor=applicant_a, course=course)
    services.course_enrol(actor=applicant_a, course=course)  # again: nothing changes
    services.lesson_complete(actor=applicant_a, lesson=first)
    services.lesson_complete(actor=applicant_a, lesson=first)  # idempotent
    assert selectors.progress_of(applicant_a, course) == (True, {first.pk})
    assert selectors.progress_of(applicant_b, course) == (False, set())
    assert selectors.my_courses(applicant_a)[0] | {"course": None} == {
        "course": None,
        "total": 2,
        "done": 1,
        "percent": 50,
    }
    assert selectors.my_courses(applicant_b) == []
    services.lesson_complete(actor=applicant_a, lesson=first, done=False)
    assert not LessonProgress.objects.exists()
    actions = list(
        AuditEntry.objects.filter(actor=applicant_a).order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["learning.enrol", "learning.lesson_done", "learning.lesson_undone"]


def test_unpublished_courses_cannot_be_joined(staff: Any, applicant_a: Any, course: Course) -> None:
    services.course_enrol(actor=applicant_a, course=course)
    services.course_publish(actor=staff, course=course, published=False)
    lesson = course.lessons.first()
    assert lesson is not None
    with pytest.raises(WrongState):
        services.lesson_complete(actor=applicant_a, lesson=lesson)
    hidden = services.course_create(actor=staff, data={"title": "编写中"})
    with pytest.raises(WrongState):
        services.course_enrol(actor=applicant_a, course=hidden)
    assert selectors.my_courses(applicant_a) == []  # offline courses leave "my courses"
    assert Lesson.objects.filter(course=course).count() == 2


def test_a_zip_bomb_document_is_refused_and_nothing_is_stored(staff: Any, course: Course) -> None:
    from tests.core.test_uploads import MIB, bomb_docx

    data = bomb_docx(12 * MIB)
    before = (Lesson.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ServiceError) as excinfo:
        services.lesson_add(
            actor=staff,
            course=course,
            data={"title": "准则全文", "kind": "document"},
            file=SimpleUploadedFile("准则.docx", data),
        )
    assert excinfo.value.code == "archive_ratio" and excinfo.value.field == "file"
    assert (Lesson.objects.count(), AuditEntry.objects.count()) == before
