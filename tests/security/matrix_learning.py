"""Permission-matrix entries of online learning: a published course with a document and a
link. Everyone browses; signed-in users choose courses and keep their own progress; only
staff manage the catalogue (others 403: the course is public, so it is not hidden)."""

from __future__ import annotations

from typing import Any

from tests.security.matrix_kit import (
    ANE,
    LOGGED_IN,
    POST_ONLY,
    PUBLIC,
    STAFF_ONLY,
    Op,
    Page,
    Redirect,
    Ref,
    api_row,
    row,
)

COURSE = {"pk": Ref("course")}
LESSON = {**COURSE, "lesson_pk": Ref("lesson")}
TO_COURSE = Redirect("/learning/{course}/", exact=True)
STAFF_ACTS = row(403, staff=ANE)

ENTRIES: dict[str, Page | Op] = {
    "learning:catalogue": Page(get=PUBLIC),
    "learning:course": Page(get=PUBLIC, kwargs=COURSE),
    "learning:enrol": Page(get=POST_ONLY, post=row(ANE), kwargs=COURSE),
    # Nobody has chosen the course: marking a lesson is refused with a message.
    "learning:complete": Page(get=POST_ONLY, post=row(TO_COURSE), kwargs=LESSON),
    "learning:lesson_file": Page(get=LOGGED_IN, kwargs=LESSON),
    # Staff: an empty form comes back with its errors (200).
    "learning:manage": Page(get=STAFF_ONLY, post=STAFF_ONLY),
    "learning:course_edit": Page(get=STAFF_ONLY, post=STAFF_ONLY, kwargs=COURSE),
    "learning:publish": Page(get=POST_ONLY, post=STAFF_ACTS, kwargs=COURSE),
    "learning:lesson_add": Page(get=POST_ONLY, post=STAFF_ONLY, kwargs=COURSE),
    "learning:lesson_edit": Page(get=STAFF_ONLY, post=STAFF_ONLY, kwargs=LESSON),
    "learning:lesson_remove": Page(get=POST_ONLY, post=STAFF_ACTS, kwargs=LESSON),
    "learning:lesson_move": Page(
        get=POST_ONLY, post=STAFF_ACTS, kwargs={**LESSON, "direction": "down"}
    ),
    # The lists' Excel, as their pages: the catalogue (anyone), one's own courses (anyone
    # signed in), the managed courses (staff).
    "exports:download (courses)": Page(get=PUBLIC, kwargs={"kind": "courses"}),
    "exports:download (my courses)": Page(get=LOGGED_IN, kwargs={"kind": "my_courses"}),
    "exports:download (courses manage)": Page(get=STAFF_ONLY, kwargs={"kind": "courses_manage"}),
    # --- API
    "GET /api/learning/courses": Op(row(200, anonymous=200)),
    "GET /api/learning/courses/{course_id}": Op(row(200, anonymous=200)),
    "GET /api/learning/my": Op(api_row(200)),
    "GET /api/learning/courses/{course_id}/progress": Op(api_row(200)),
    "POST /api/learning/courses/{course_id}/enrol": Op(api_row(ANE), body="none"),
    # Each user's own progress: allowed to everyone signed in.
    "POST /api/learning/courses/{course_id}/lessons/{lesson_id}/done": Op(
        api_row(ANE), body="none"
    ),
    "DELETE /api/learning/courses/{course_id}/lessons/{lesson_id}/done": Op(
        api_row(ANE), body="none"
    ),
    # --- API: the catalogue's management (staff; the course is public, so others 403;
    # an empty body or form is invalid: 422, nothing changes)
    "GET /api/learning/manage/courses": Op(api_row(403, staff=200)),
    "POST /api/learning/courses": Op(api_row(403, staff=422)),
    "PUT /api/learning/courses/{course_id}": Op(api_row(403, staff=422)),
    "POST /api/learning/courses/{course_id}/publish": Op(api_row(403, staff=409), body="none"),
    "POST /api/learning/courses/{course_id}/unpublish": Op(api_row(403, staff=ANE), body="none"),
    "POST /api/learning/courses/{course_id}/lessons": Op(api_row(403, staff=422), body="multipart"),
    "POST /api/learning/courses/{course_id}/lessons/{lesson_id}": Op(
        api_row(403, staff=422), body="multipart"
    ),
    "DELETE /api/learning/courses/{course_id}/lessons/{lesson_id}": Op(api_row(403, staff=ANE)),
    "POST /api/learning/courses/{course_id}/lessons/{lesson_id}/move": Op(api_row(403, staff=422)),
    "GET /api/exports/{kind}.xlsx (courses)": Op(api_row(200), kwargs={"kind": "courses"}),
    "GET /api/exports/{kind}.xlsx (my courses)": Op(api_row(200), kwargs={"kind": "my_courses"}),
    "GET /api/exports/{kind}.xlsx (courses manage)": Op(
        api_row(403, staff=200), kwargs={"kind": "courses_manage"}
    ),
}
KWARGS = {"course_id": Ref("course"), "lesson_id": Ref("lesson")}


def extend_world(fx: dict[str, Any], users: dict[str, Any], ids: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import pdf_bytes
    from xinban.learning import services

    staff = fx["staff"]
    course = services.course_create(actor=staff, data={"title": "准则解读"})
    lesson = services.lesson_add(
        actor=staff,
        course=course,
        data={"title": "准则全文", "kind": "document"},
        file=SimpleUploadedFile("准则.pdf", pdf_bytes("准则"), content_type="application/pdf"),
    )
    services.lesson_add(
        actor=staff,
        course=course,
        data={"title": "案例", "kind": "link", "url": "https://example.com/case"},
    )
    services.course_publish(actor=staff, course=course)
    ids.update(course=course.pk, lesson=lesson.pk)


def fingerprint() -> dict[str, Any]:
    from xinban.learning.models import Course, Enrollment, Lesson, LessonProgress

    return {
        "courses": sorted(Course.objects.values_list("pk", "title", "published", "position")),
        "lessons": sorted(Lesson.objects.values_list("pk", "title", "position", "file", "url")),
        "enrollments": sorted(Enrollment.objects.values_list("course_id", "user_id")),
        "progress": sorted(LessonProgress.objects.values_list("lesson_id", "user_id")),
    }
