"""Permission-matrix entries of the similarity check (pages and API), on applicant A's
submitted application: A, unit X (admin and member) and staff see it (the judge of unit
X is not an expert of the association); staff alone run it again; everyone else 404."""

from __future__ import annotations

from typing import Any

from tests.security.matrix_kit import ANE, POST_ONLY, Op, Page, api_row, row

SIMILARITY_VIEWERS: dict[str, Any] = dict.fromkeys(
    ("applicant_a", "unit_x_admin", "unit_x_member", "staff"), 200
)
RUN: dict[str, Any] = row(
    404, **dict.fromkeys(("applicant_a", "unit_x_admin", "unit_x_member"), 403), staff=ANE
)

ENTRIES: dict[str, Page | Op] = {
    "integrity:similarity": Page(get=row(404, **SIMILARITY_VIEWERS)),
    "integrity:similarity_run": Page(get=POST_ONLY, post=RUN),
    "GET /api/applications/{application_id}/similarity": Op(api_row(404, **SIMILARITY_VIEWERS)),
}
