"""Permission-matrix entries of the Excel exports: the same rights as the lists."""

from __future__ import annotations

from tests.security.matrix_kit import ANE, STAFF_ONLY, Op, Page, Ref, api_row, row

# A judge's own sheets: the unit judge and the expert (a judge with no sheets: an empty
# file); everyone else is no judge (404, as the judge's page).
JUDGES = row(404, judge=200, expert=200)

ENTRIES: dict[str, Page | Op] = {
    "exports:download": Page(get=STAFF_ONLY, kwargs={"kind": "applications"}),
    "exports:download (audit log)": Page(get=STAFF_ONLY, kwargs={"kind": "audit"}),
    # Without unit_pk the unit's list is not found (404) for everyone.
    "exports:download (unit inbox without a unit)": Page(
        get=row(404), kwargs={"kind": "unit_inbox"}
    ),
    "exports:download (judge sheets)": Page(get=JUDGES, kwargs={"kind": "judge_sheets"}),
    "exports:download (unknown list)": Page(get=row(404), kwargs={"kind": "nothing"}),
    "exports:task": Page(get=row(404), kwargs={"pk": Ref("task")}),
    # --- API
    "GET /api/exports/{kind}.xlsx": Op(api_row(403, staff=200), kwargs={"kind": "applications"}),
    "GET /api/exports/{kind}.xlsx (audit log)": Op(
        api_row(403, staff=200), kwargs={"kind": "audit"}
    ),
    "GET /api/exports/{kind}.xlsx (judge sheets)": Op(
        api_row(404, judge=200, expert=200), kwargs={"kind": "judge_sheets"}
    ),
    "GET /api/exports/{kind}.xlsx (unit inbox without a unit)": Op(
        api_row(404), kwargs={"kind": "unit_inbox"}
    ),
    "POST /api/exports/{kind}": Op(
        api_row(403, staff=ANE), kwargs={"kind": "applications"}, body="none"
    ),
    "POST /api/exports/{kind} (judge sheets)": Op(
        api_row(404, judge=ANE, expert=ANE), kwargs={"kind": "judge_sheets"}, body="none"
    ),
}
