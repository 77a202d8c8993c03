"""Permission-matrix entries of the Excel exports: the same rights as the lists."""

from __future__ import annotations

from tests.security.matrix_kit import STAFF_ONLY, Op, Page, Ref, row

ENTRIES: dict[str, Page | Op] = {
    "exports:download": Page(get=STAFF_ONLY, kwargs={"kind": "applications"}),
    "exports:download (audit log)": Page(get=STAFF_ONLY, kwargs={"kind": "audit"}),
    # Without unit_pk the unit's list is not found (404) for everyone.
    "exports:download (unit inbox without a unit)": Page(
        get=row(404), kwargs={"kind": "unit_inbox"}
    ),
    "exports:download (unknown list)": Page(get=row(404), kwargs={"kind": "nothing"}),
    "exports:task": Page(get=row(404), kwargs={"pk": Ref("task")}),
}
