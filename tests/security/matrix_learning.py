"""Permission-matrix entries of online learning: a published course with a document."""

from __future__ import annotations

from typing import Any

from tests.security.matrix_kit import (
    ANE,
    LOGGED_IN,
    POST_ONLY,
    PUBLIC,
    Op,
    Page,
    Redirect,
    Ref,
    api_row,
    row,
)

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
    # --- API
    "GET /api/learning/courses": Op(row(200, anonymous=200)),
    "GET /api/learning/courses/{course_id}/progress": Op(api_row(200)),
    "POST /api/learning/courses/{course_id}/enrol": Op(api_row(ANE), body="none"),
    # Each user's own progress: allowed to everyone signed in.
    "POST /api/learning/courses/{course_id}/lessons/{lesson_id}/done": Op(
        api_row(ANE), body="none"
    ),
}
KWARGS = {"course_id": Ref("course"), "lesson_id": Ref("lesson")}


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
