"""Permission-matrix entries of 附件6/附件7 (xinban.reports): a unit's members and staff
look (others 404), only the unit's admin writes (member and staff 403); the staff overview,
reminders and roll-up are staff-only (403)."""

from __future__ import annotations

from typing import Any

from tests.security.matrix_kit import (
    ANE,
    POST_ONLY,
    STAFF_ONLY,
    UNIT_X_ADMIN_ACTION,
    UNIT_X_ADMIN_API,
    UNIT_X_VIEW,
    UNIT_X_VIEW_API,
    Op,
    Page,
    Redirect,
    api_row,
    row,
)

STAFF_API = api_row(403, staff=200)
STAFF_ACTION_API = api_row(403, staff=ANE)

ENTRIES: dict[str, Page | Op] = {
    "reports:home": Page(
        get=row(
            404,
            unit_x_admin=Redirect("/reports/unit/{unit_x}/", exact=True),
            unit_x_member=Redirect("/reports/unit/{unit_x}/", exact=True),
            unit_y_admin=Redirect("/reports/unit/{unit_y}/", exact=True),
            staff=Redirect("/reports/staff/", exact=True),
        )
    ),
    "reports:unit": Page(get=UNIT_X_VIEW),
    "reports:statistics": Page(get=UNIT_X_VIEW, post=UNIT_X_ADMIN_ACTION),
    "reports:statistics_download": Page(get=UNIT_X_VIEW, kwargs={"fmt": "xlsx"}),
    "reports:statistics_download (docx)": Page(get=UNIT_X_VIEW, kwargs={"fmt": "docx"}),
    "reports:statistics_scan": Page(get=POST_ONLY, post=UNIT_X_ADMIN_ACTION),
    # No stamped 附件6 in this world: nobody finds one (rule 11).
    "reports:statistics_scan_download": Page(get=row(404)),
    "reports:summary": Page(get=UNIT_X_VIEW, post=UNIT_X_ADMIN_ACTION),
    "reports:summary_download": Page(get=UNIT_X_VIEW),
    "reports:staff": Page(get=STAFF_ONLY),
    "reports:remind": Page(get=POST_ONLY, post=row(403, staff=ANE)),
    "reports:rollup": Page(get=STAFF_ONLY),
    "reports:rollup_download": Page(get=STAFF_ONLY),
    "exports:download (report filings)": Page(get=STAFF_ONLY, kwargs={"kind": "report_filings"}),
    # --- API
    "GET /api/units/{unit_id}/statistics-report": Op(UNIT_X_VIEW_API),
    "PUT /api/units/{unit_id}/statistics-report": Op(UNIT_X_ADMIN_API),
    "POST /api/units/{unit_id}/statistics-report/submit": Op(UNIT_X_ADMIN_API),
    "POST /api/units/{unit_id}/statistics-report/scan": Op(UNIT_X_ADMIN_API),
    "GET /api/units/{unit_id}/statistics-report.xlsx": Op(UNIT_X_VIEW_API),
    "GET /api/units/{unit_id}/statistics-report.docx": Op(UNIT_X_VIEW_API),
    "GET /api/units/{unit_id}/work-summary": Op(UNIT_X_VIEW_API),
    "PUT /api/units/{unit_id}/work-summary": Op(UNIT_X_ADMIN_API),
    "POST /api/units/{unit_id}/work-summary/submit": Op(UNIT_X_ADMIN_API),
    "GET /api/units/{unit_id}/work-summary.docx": Op(UNIT_X_VIEW_API),
    "GET /api/reports/filings": Op(STAFF_API),
    "POST /api/reports/reminders": Op(STAFF_ACTION_API),
    "GET /api/reports/statistics-rollup": Op(STAFF_API),
    "GET /api/reports/statistics-rollup.xlsx": Op(STAFF_API),
    "GET /api/exports/{kind}.xlsx (report filings)": Op(
        STAFF_API, kwargs={"kind": "report_filings"}
    ),
}


def extend_world(fx: dict[str, Any], users: dict[str, Any], ids: dict[str, Any]) -> None:
    """Unit X has a 附件6 draft and a 附件7 draft with one event."""
    from xinban.reports import services

    unit_x, admin = fx["unit_x"], fx["unit_x_admin"]
    report = services.statistics_report_for(unit=unit_x, campaign=fx["campaign"])
    services.statistics_save(actor=admin, report=report, data={"teams": 3, "enterprises": 2})
    summary = services.work_summary_for(unit=unit_x, campaign=fx["campaign"])
    services.summary_save(
        actor=admin,
        summary=summary,
        data={"overview": "全年开展标准宣贯和骨干培训。"},
        events=[
            {
                "held_on": "2025年3月15日",
                "place": "浦东新区市民中心",
                "name": "准则宣贯会",
                "content": "标准解读",
                "participants": 80,
            }
        ],
    )


def fingerprint() -> dict[str, Any]:
    from xinban.reports.models import StatisticsReport, SummaryEvent, WorkSummary

    return {
        "statistics": sorted(StatisticsReport.objects.values_list("pk", "status", "version")),
        "summaries": sorted(WorkSummary.objects.values_list("pk", "status", "version")),
        "summary_events": SummaryEvent.objects.count(),
    }
