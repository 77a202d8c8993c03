"""Permission-matrix entries of the Excel exports: the same rights as the lists."""

from __future__ import annotations

from tests.security.matrix_kit import (
    ANE,
    PUBLIC,
    STAFF_ONLY,
    UNIT_X_VIEW,
    Op,
    Page,
    Ref,
    api_row,
    row,
)

# A judge's own sheets: the unit judge and the expert (a judge with no sheets: an empty
# file); everyone else is no judge (404, as the judge's page).
JUDGES = row(404, judge=200, expert=200)
# 我的申报: whoever belongs to an organisation; the others have no such list (404; the
# page sends them to register one).
APPLICANTS = row(404, applicant_a=200, applicant_b=200)

ENTRIES: dict[str, Page | Op] = {
    "exports:download": Page(get=STAFF_ONLY, kwargs={"kind": "applications"}),
    "exports:download (audit log)": Page(get=STAFF_ONLY, kwargs={"kind": "audit"}),
    "exports:download (outbox)": Page(get=STAFF_ONLY, kwargs={"kind": "outbox"}),
    "exports:download (tasks)": Page(get=STAFF_ONLY, kwargs={"kind": "tasks"}),
    # Without unit_pk the unit's list is not found (404) for everyone.
    "exports:download (unit inbox without a unit)": Page(
        get=row(404), kwargs={"kind": "unit_inbox"}
    ),
    "exports:download (judge sheets)": Page(get=JUDGES, kwargs={"kind": "judge_sheets"}),
    "exports:download (my applications)": Page(get=APPLICANTS, kwargs={"kind": "my_applications"}),
    "exports:download (unit ranking without a unit)": Page(
        get=row(404), kwargs={"kind": "unit_ranking"}
    ),
    "exports:download (unit judges without a unit)": Page(
        get=row(404), kwargs={"kind": "unit_judges"}
    ),
    # A unit's lists under the unit (unit_pk: unit X): its members and staff, as its pages.
    "exports:unit_download": Page(get=UNIT_X_VIEW, kwargs={"kind": "unit_ranking"}),
    "exports:unit_download (unit judges)": Page(get=UNIT_X_VIEW, kwargs={"kind": "unit_judges"}),
    "exports:unit_download (unit inbox)": Page(get=UNIT_X_VIEW, kwargs={"kind": "unit_inbox"}),
    "exports:unit_download (unit Y's judges)": Page(
        get=row(404, unit_y_admin=200, staff=200),
        kwargs={"kind": "unit_judges", "unit_pk": Ref("unit_y")},
    ),
    "exports:unit_download (unit Y's ranking)": Page(
        get=row(404, unit_y_admin=200, staff=200),
        kwargs={"kind": "unit_ranking", "unit_pk": Ref("unit_y")},
    ),
    # The association's evaluation lists: staff, as the pages (everyone else 403).
    "exports:download (formal review)": Page(get=STAFF_ONLY, kwargs={"kind": "evaluation_formal"}),
    "exports:download (expert panel)": Page(get=STAFF_ONLY, kwargs={"kind": "evaluation_panel"}),
    "exports:download (per-domain ranking)": Page(
        get=STAFF_ONLY, kwargs={"kind": "evaluation_ranking"}
    ),
    "exports:download (typical-experience candidates)": Page(
        get=STAFF_ONLY, kwargs={"kind": "evaluation_candidates"}
    ),
    # 结果公布: published data, anyone (anonymous too), as the page.
    "exports:download (public results)": Page(get=PUBLIC, kwargs={"kind": "public_results"}),
    # 推荐单位 (recommendation:staff_units): staff, as the page.
    "exports:download (staff units)": Page(get=STAFF_ONLY, kwargs={"kind": "staff_units"}),
    # Only a unit's lists are served under a unit.
    "exports:unit_download (a list that is not a unit's)": Page(
        get=row(404), kwargs={"kind": "audit"}
    ),
    "exports:download (unknown list)": Page(get=row(404), kwargs={"kind": "nothing"}),
    "exports:task": Page(get=row(404), kwargs={"pk": Ref("task")}),
    # --- API
    "GET /api/exports/{kind}.xlsx": Op(api_row(403, staff=200), kwargs={"kind": "applications"}),
    "GET /api/exports/{kind}.xlsx (audit log)": Op(
        api_row(403, staff=200), kwargs={"kind": "audit"}
    ),
    "GET /api/exports/{kind}.xlsx (outbox)": Op(api_row(403, staff=200), kwargs={"kind": "outbox"}),
    "GET /api/exports/{kind}.xlsx (tasks)": Op(api_row(403, staff=200), kwargs={"kind": "tasks"}),
    "GET /api/exports/{kind}.xlsx (judge sheets)": Op(
        api_row(404, judge=200, expert=200), kwargs={"kind": "judge_sheets"}
    ),
    "GET /api/exports/{kind}.xlsx (unit inbox without a unit)": Op(
        api_row(404), kwargs={"kind": "unit_inbox"}
    ),
    "GET /api/exports/{kind}.xlsx (my applications)": Op(
        api_row(404, applicant_a=200, applicant_b=200), kwargs={"kind": "my_applications"}
    ),
    "GET /api/exports/{kind}.xlsx (unit ranking without a unit)": Op(
        api_row(404), kwargs={"kind": "unit_ranking"}
    ),
    "GET /api/exports/{kind}.xlsx (unit judges without a unit)": Op(
        api_row(404), kwargs={"kind": "unit_judges"}
    ),
    "GET /api/exports/{kind}.xlsx (formal review)": Op(
        api_row(403, staff=200), kwargs={"kind": "evaluation_formal"}
    ),
    "GET /api/exports/{kind}.xlsx (expert panel)": Op(
        api_row(403, staff=200), kwargs={"kind": "evaluation_panel"}
    ),
    "GET /api/exports/{kind}.xlsx (per-domain ranking)": Op(
        api_row(403, staff=200), kwargs={"kind": "evaluation_ranking"}
    ),
    "GET /api/exports/{kind}.xlsx (typical-experience candidates)": Op(
        api_row(403, staff=200), kwargs={"kind": "evaluation_candidates"}
    ),
    "GET /api/exports/{kind}.xlsx (public results)": Op(
        api_row(200), kwargs={"kind": "public_results"}
    ),
    "GET /api/exports/{kind}.xlsx (staff units)": Op(
        api_row(403, staff=200), kwargs={"kind": "staff_units"}
    ),
    "GET /api/exports/public/results.xlsx": Op(PUBLIC),
    "GET /api/exports/public/cases.xlsx": Op(PUBLIC),
    "POST /api/exports/{kind}": Op(
        api_row(403, staff=ANE), kwargs={"kind": "applications"}, body="none"
    ),
    "POST /api/exports/{kind} (judge sheets)": Op(
        api_row(404, judge=ANE, expert=ANE), kwargs={"kind": "judge_sheets"}, body="none"
    ),
    "POST /api/exports/{kind} (my applications)": Op(
        api_row(404, applicant_a=ANE, applicant_b=ANE),
        kwargs={"kind": "my_applications"},
        body="none",
    ),
    "POST /api/exports/{kind} (unit judges without a unit)": Op(
        api_row(404), kwargs={"kind": "unit_judges"}, body="none"
    ),
    "POST /api/exports/{kind} (expert panel)": Op(
        api_row(403, staff=ANE), kwargs={"kind": "evaluation_panel"}, body="none"
    ),
}
