"""Permission-matrix entries of resumable uploads: only the owner reaches a session."""

from __future__ import annotations

from tests.security.matrix_kit import (
    ANE,
    Op,
    Page,
    Ref,
    row,
)

ENTRIES: dict[str, Page | Op] = {
    "uploads_resumable:start": Page(get=row(405, anonymous=401), post=row(ANE, anonymous=401)),
    "uploads_resumable:session": Page(
        get=row(404, anonymous=401, applicant_a=200),
        post=row(404, anonymous=401, applicant_a=405),
        kwargs={"pk": Ref("upload_a")},
    ),
}
