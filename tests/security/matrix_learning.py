"""Permission-matrix entries of online learning: a published course with a document."""

from __future__ import annotations

from typing import Any

from tests.security.matrix_kit import LOGGED_IN, POST_ONLY, PUBLIC, Op, Page, Redirect, Ref, row

COURSE = {"pk": Ref("course")}
TO_COURSE = Redirect("/learning/{course}/", exact=True)

ENTRIES: dict[str, Page | Op] = {
    "learning:catalogue": Page(get=PUBLIC),
    "learning:course": Page(get=PUBLIC, kwargs=COURSE),
    "learning:enrol": Page(get=POST_ONLY, post=row(TO_COURSE), kwargs=COURSE),
    "learning:complete": Page(
        get=POST_ONLY, post=row(TO_COURSE), kwargs={**COURSE, "lesson_pk": Ref("lesson")}
    ),
    "learning:lesson_file": Page(get=LOGGED_IN, kwargs={**COURSE, "lesson_pk": Ref("lesson")}),
}


def extend_world(fx: dict[str, Any], users: dict[str, Any], ids: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import pdf_bytes
    from xinban.learning.models import Course, Lesson

    course = Course.objects.create(title="准则解读", published=True)
    lesson = Lesson.objects.create(
        course=course,
        title="准则全文",
        kind="document",
        file=SimpleUploadedFile("准则.pdf", pdf_bytes("准则"), content_type="application/pdf"),
    )
    ids.update(course=course.pk, lesson=lesson.pk)
