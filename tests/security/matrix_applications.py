"""Permission-matrix entries of applications (附件3), pages and API: ``pk`` and
``{application_id}`` are A's submitted application unless overridden; B's draft must not
be seen by unit X."""

from __future__ import annotations

from tests.security.matrix_kit import (
    ANE,
    EVERYONE_404,
    NOT_A,
    ORGANISATION_PAGE,
    POST_ONLY,
    STAFF_ONLY,
    Op,
    Page,
    Redirect,
    Ref,
    api_row,
    changes_a,
    row,
    sees_a,
)

ENTRIES: dict[str, Page | Op] = {
    "applications:dashboard": Page(get=ORGANISATION_PAGE),
    "applications:create": Page(
        get=row(Redirect("/applications/", exact=True), applicant_a=200, applicant_b=200),
        post=row(Redirect("/applications/", exact=True), applicant_a=200, applicant_b=200),
    ),
    "applications:staff_list": Page(get=STAFF_ONLY),
    "applications:detail": Page(get=sees_a()),
    "applications:detail (B's draft)": Page(
        get=row(404, applicant_b=200, staff=200), kwargs={"pk": Ref("app_b")}
    ),
    # A's application is submitted, so A is sent back to its page; read-only viewers 403.
    "applications:edit": Page(
        get=changes_a(Redirect("/applications/{app_a}/", exact=True)), post=changes_a()
    ),
    "applications:edit (B's draft)": Page(
        get=row(404, applicant_b=200, staff=403),
        post=row(404, applicant_b=ANE, staff=403),
        kwargs={"pk": Ref("app_b")},
    ),
    "applications:attachment_add": Page(get=POST_ONLY, post=changes_a()),
    "applications:attachment_download": Page(get=sees_a()),
    "applications:attachment_download (B's attachment under A's application)": Page(
        get=EVERYONE_404, kwargs={"attachment_pk": Ref("att_b")}
    ),
    "applications:attachment_remove": Page(get=POST_ONLY, post=changes_a()),
    "applications:attachment_remove (B's attachment under A's application)": Page(
        get=POST_ONLY, post=changes_a(404), kwargs={"attachment_pk": Ref("att_b")}
    ),
    "applications:stamped_upload": Page(get=POST_ONLY, post=changes_a()),
    "applications:stamped_download": Page(get=sees_a()),
    "applications:generated_form": Page(get=sees_a()),
    "applications:generated_form (B's draft, docx)": Page(
        get=row(404, applicant_b=200, staff=200), kwargs={"pk": Ref("app_b"), "fmt": "docx"}
    ),
    "applications:generated_form (unknown format)": Page(get=sees_a(404), kwargs={"fmt": "exe"}),
    "applications:submit": Page(get=POST_ONLY, post=changes_a()),
    "applications:submit (B's draft)": Page(
        get=POST_ONLY, post=row(404, applicant_b=ANE, staff=403), kwargs={"pk": Ref("app_b")}
    ),
    "applications:withdraw": Page(get=POST_ONLY, post=changes_a()),
    "applications:revision": Page(get=sees_a()),
    "GET /api/applications": Op(api_row(200), hides_a=NOT_A),
    "POST /api/applications": Op(api_row(404, applicant_a=422, applicant_b=422)),
    "GET /api/applications/{application_id}": Op(sees_a(api=True)),
    "GET /api/applications/{application_id} (B's draft)": Op(
        api_row(404, applicant_b=200, staff=200), kwargs={"application_id": Ref("app_b")}
    ),
    "PUT /api/applications/{application_id}": Op(changes_a(api=True)),
    "PUT /api/applications/{application_id} (B's draft)": Op(
        api_row(404, applicant_b=ANE, staff=403), kwargs={"application_id": Ref("app_b")}
    ),
    "POST /api/applications/{application_id}/attachments": Op(
        changes_a(api=True), body="multipart"
    ),
    "DELETE /api/applications/{application_id}/attachments/{attachment_id}": Op(
        changes_a(api=True)
    ),
    "DELETE /api/applications/{application_id}/attachments/{attachment_id} (B's attachment)": Op(
        changes_a(404, api=True), kwargs={"attachment_id": Ref("att_b")}
    ),
    "POST /api/applications/{application_id}/stamped-form": Op(
        changes_a(api=True), body="multipart"
    ),
    "GET /api/applications/{application_id}/form.docx": Op(sees_a(api=True)),
    "GET /api/applications/{application_id}/form.pdf": Op(sees_a(api=True)),
    "GET /api/applications/{application_id}/submission-problems": Op(changes_a(200, api=True)),
    "POST /api/applications/{application_id}/submit": Op(changes_a(api=True)),
    "POST /api/applications/{application_id}/submit (B's draft)": Op(
        api_row(404, applicant_b=ANE, staff=403), kwargs={"application_id": Ref("app_b")}
    ),
    "POST /api/applications/{application_id}/withdraw": Op(changes_a(api=True)),
}
