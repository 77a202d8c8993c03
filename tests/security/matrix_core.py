"""Permission-matrix entries of core's pages: the home page, the benchmarks' baseline, the
audit log (staff) and the development mailbox (absent without DEBUG)."""

from __future__ import annotations

from tests.security.matrix_kit import (
    PUBLIC,
    STAFF_ONLY,
    Op,
    Page,
    row,
)

ENTRIES: dict[str, Page | Op] = {
    "core:home": Page(get=PUBLIC),
    "core:minimal": Page(get=PUBLIC),
    "core:audit_log": Page(get=STAFF_ONLY),
    # The development mailbox exists only with DEBUG (the matrix runs without it).
    "core:dev_mailbox": Page(get=row(404, anonymous=404)),
    "core:dev_mail": Page(
        get=row(404, anonymous=404), kwargs={"name": "20260101000000000000-abcdef012345"}
    ),
}
