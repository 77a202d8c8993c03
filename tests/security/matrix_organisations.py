"""Permission-matrix entries of the organisations' staff pages: 全部报名 (every
organisation's 附件2 registration of a year) and its Excel export are staff's, 403 for
everyone else, as the other staff lists (applications:staff_list)."""

from __future__ import annotations

from tests.security.matrix_kit import (
    ANE,
    LOGGED_IN,
    ORGANISATION_PAGE,
    POST_ONLY,
    STAFF_ONLY,
    Op,
    Page,
    api_row,
)

ENTRIES: dict[str, Page | Op] = {
    "organisations:staff_registrations": Page(get=STAFF_ONLY),
    "exports:download (registrations)": Page(get=STAFF_ONLY, kwargs={"kind": "registrations"}),
    # --- API
    "GET /api/exports/{kind}.xlsx (registrations)": Op(
        api_row(403, staff=200), kwargs={"kind": "registrations"}
    ),
    "POST /api/exports/{kind} (registrations)": Op(
        api_row(403, staff=ANE), kwargs={"kind": "registrations"}, body="none"
    ),
    "organisations:create": Page(get=LOGGED_IN, post=LOGGED_IN),  # anyone may register one
    "organisations:registration": Page(get=ORGANISATION_PAGE, post=ORGANISATION_PAGE),
    "organisations:members": Page(get=ORGANISATION_PAGE, post=ORGANISATION_PAGE),
    "organisations:rename": Page(get=POST_ONLY, post=ORGANISATION_PAGE),
    "POST /api/organisations": Op(api_row(422)),  # anyone may register one; {} is invalid
    "GET /api/registration": Op(api_row(404, applicant_a=200, applicant_b=200)),
    "PUT /api/registration": Op(api_row(404, applicant_a=422, applicant_b=422)),
}
