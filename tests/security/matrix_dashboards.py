"""Permission-matrix entries of the dashboards (统计看板): the association's is staff's
(403 for everyone else); a unit's is for its members and staff (404 for everyone
else)."""

from __future__ import annotations

from tests.security.matrix_kit import (
    STAFF_ONLY,
    UNIT_X_VIEW,
    UNIT_X_VIEW_API,
    Op,
    Page,
    Ref,
    api_row,
    row,
)

ENTRIES: dict[str, Page | Op] = {
    "dashboards:staff": Page(get=STAFF_ONLY),
    "dashboards:unit": Page(get=UNIT_X_VIEW),
    "dashboards:unit (unit Y)": Page(
        get=row(404, unit_y_admin=200, staff=200),
        kwargs={"unit_pk": Ref("unit_y")},
        hides_a=frozenset({"unit_y_admin", "staff"}),
    ),
    # --- API
    "GET /api/dashboards/staff": Op(api_row(403, staff=200)),
    "GET /api/dashboards/units/{unit_id}": Op(UNIT_X_VIEW_API),
    "GET /api/dashboards/units/{unit_id} (unit Y)": Op(
        api_row(404, unit_y_admin=200, staff=200),
        kwargs={"unit_id": Ref("unit_y")},
        hides_a=frozenset({"unit_y_admin", "staff"}),
    ),
}
