"""Permission-matrix entries of the recommending units' and their judges' pages and API
(``unit_pk``/``{unit_id}``: unit X unless overridden)."""

from __future__ import annotations

from tests.security.matrix_kit import (
    ANE,
    EVERYONE_404,
    HOME,
    LOGGED_IN,
    NOT_UNIT_X_OBJECT,
    NOT_UNIT_X_OBJECT_API,
    PERSONAS,
    POST_ONLY,
    STAFF_ONLY,
    UNIT_X_ADMIN_ACTION,
    UNIT_X_ADMIN_API,
    UNIT_X_STAFF_ACTION,
    UNIT_X_STAFF_API,
    UNIT_X_VIEW,
    UNIT_X_VIEW_API,
    VIA_UNIT_Y_ACTION,
    VIA_UNIT_Y_API,
    Op,
    Page,
    Redirect,
    Ref,
    api_row,
    row,
)

ENTRIES: dict[str, Page | Op] = {
    "recommendation:home": Page(
        get=row(
            404,
            unit_x_admin=Redirect("/unit/{unit_x}/", exact=True),
            unit_x_member=Redirect("/unit/{unit_x}/", exact=True),
            unit_y_admin=Redirect("/unit/{unit_y}/", exact=True),
            staff=Redirect("/unit/all/", exact=True),
        )
    ),
    "recommendation:staff_units": Page(get=STAFF_ONLY),
    "recommendation:inbox": Page(get=UNIT_X_VIEW),
    "recommendation:inbox (unit Y)": Page(
        get=row(404, unit_y_admin=200, staff=200),
        kwargs={"unit_pk": Ref("unit_y")},
        hides_a=frozenset({"unit_y_admin", "staff"}),
    ),
    "recommendation:application": Page(get=UNIT_X_VIEW),
    "recommendation:application (A's application via unit Y)": Page(
        get=EVERYONE_404, kwargs={"unit_pk": Ref("unit_y")}
    ),
    "recommendation:application (B's draft)": Page(get=EVERYONE_404, kwargs={"pk": Ref("app_b")}),
    # Staff may return a submitted application too (return_refusal, docs/rules.md).
    "recommendation:return": Page(
        get=POST_ONLY, post=row(404, unit_x_admin=ANE, unit_x_member=403, staff=ANE)
    ),
    "recommendation:return (via unit Y)": Page(
        get=POST_ONLY, post=EVERYONE_404, kwargs={"unit_pk": Ref("unit_y")}
    ),
    "recommendation:return (B's draft)": Page(
        get=POST_ONLY, post=row(404, unit_x_member=403), kwargs={"pk": Ref("app_b")}
    ),
    "recommendation:on_site": Page(get=POST_ONLY, post=UNIT_X_ADMIN_ACTION),
    "recommendation:on_site (via unit Y)": Page(
        get=POST_ONLY, post=VIA_UNIT_Y_ACTION, kwargs={"unit_pk": Ref("unit_y")}
    ),
    "recommendation:on_site (B's draft)": Page(
        get=POST_ONLY, post=NOT_UNIT_X_OBJECT, kwargs={"pk": Ref("app_b")}
    ),
    "recommendation:assign": Page(get=POST_ONLY, post=UNIT_X_ADMIN_ACTION),
    "recommendation:assign (via unit Y)": Page(
        get=POST_ONLY, post=VIA_UNIT_Y_ACTION, kwargs={"unit_pk": Ref("unit_y")}
    ),
    "recommendation:assign (B's draft)": Page(
        get=POST_ONLY, post=NOT_UNIT_X_OBJECT, kwargs={"pk": Ref("app_b")}
    ),
    "recommendation:recommend": Page(get=POST_ONLY, post=UNIT_X_ADMIN_ACTION),
    "recommendation:recommend (via unit Y)": Page(
        get=POST_ONLY, post=VIA_UNIT_Y_ACTION, kwargs={"unit_pk": Ref("unit_y")}
    ),
    "recommendation:recommend (B's draft)": Page(
        get=POST_ONLY, post=NOT_UNIT_X_OBJECT, kwargs={"pk": Ref("app_b")}
    ),
    "recommendation:unassign": Page(get=POST_ONLY, post=UNIT_X_ADMIN_ACTION),
    "recommendation:unassign (via unit Y)": Page(
        get=POST_ONLY, post=VIA_UNIT_Y_ACTION, kwargs={"unit_pk": Ref("unit_y")}
    ),
    "recommendation:spread": Page(get=POST_ONLY, post=UNIT_X_ADMIN_ACTION),
    "recommendation:judges": Page(get=UNIT_X_VIEW, post=UNIT_X_ADMIN_ACTION),
    "recommendation:judge_remove": Page(get=POST_ONLY, post=UNIT_X_ADMIN_ACTION),
    "recommendation:judge_remove (via unit Y)": Page(
        get=POST_ONLY, post=VIA_UNIT_Y_ACTION, kwargs={"unit_pk": Ref("unit_y")}
    ),
    "recommendation:judge_remove (a judge not on the panel)": Page(
        get=POST_ONLY, post=NOT_UNIT_X_OBJECT, kwargs={"judge_pk": Ref("expert_judge")}
    ),
    # Staff may invite a unit's people (its first admin).
    "recommendation:invite": Page(
        get=POST_ONLY, post=row(404, unit_x_admin=ANE, unit_x_member=403, staff=ANE)
    ),
    "recommendation:ranking": Page(get=UNIT_X_VIEW),
    "recommendation:report": Page(get=UNIT_X_VIEW, post=UNIT_X_ADMIN_ACTION),
    "recommendation:report_scan": Page(get=POST_ONLY, post=UNIT_X_ADMIN_ACTION),
    "recommendation:report_scan_download": Page(get=UNIT_X_VIEW),
    "recommendation:report_submit": Page(get=POST_ONLY, post=UNIT_X_ADMIN_ACTION),
    "recommendation:report_void": Page(get=POST_ONLY, post=UNIT_X_STAFF_ACTION),
    "recommendation:quota": Page(get=POST_ONLY, post=UNIT_X_STAFF_ACTION),
    "recommendation:report_download": Page(get=UNIT_X_VIEW, kwargs={"fmt": "xlsx"}),
    "recommendation:report_download (docx)": Page(get=UNIT_X_VIEW, kwargs={"fmt": "docx"}),
    "recommendation:unrecommend": Page(get=POST_ONLY, post=UNIT_X_ADMIN_ACTION),
    "recommendation:unrecommend (via unit Y)": Page(
        get=POST_ONLY, post=VIA_UNIT_Y_ACTION, kwargs={"unit_pk": Ref("unit_y")}
    ),
    "recommendation:move": Page(get=POST_ONLY, post=UNIT_X_ADMIN_ACTION),
    "recommendation:move (via unit Y)": Page(
        get=POST_ONLY, post=VIA_UNIT_Y_ACTION, kwargs={"unit_pk": Ref("unit_y")}
    ),
    # The invitation is for someone who is none of the personas: every POST is refused
    # (back home with a message) and nobody joins unit X.
    "recommendation:accept_invitation": Page(get=LOGGED_IN, post=row(HOME)),
    "recommendation:judge_home": Page(get=row(404, judge=200, expert=200)),
    "recommendation:judge_sheet": Page(
        get=row(404, judge=200), post=row(404, judge=ANE), kwargs={"pk": Ref("sheet")}
    ),
    "recommendation:judge_conflict": Page(
        get=POST_ONLY, post=row(404, judge=ANE), kwargs={"pk": Ref("sheet")}
    ),
    "GET /api/units": Op(api_row(200)),
    "GET /api/units/{unit_id}/applications": Op(UNIT_X_VIEW_API),
    "GET /api/units/{unit_id}/applications (unit Y)": Op(
        api_row(404, unit_y_admin=200, staff=200),
        kwargs={"unit_id": Ref("unit_y")},
        hides_a=frozenset({"unit_y_admin", "staff"}),
    ),
    "GET /api/units/{unit_id}/applications/{application_id}": Op(UNIT_X_VIEW_API),
    "GET /api/units/{unit_id}/applications/{application_id} (via unit Y)": Op(
        api_row(404), kwargs={"unit_id": Ref("unit_y")}
    ),
    "GET /api/units/{unit_id}/applications/{application_id} (B's draft)": Op(
        api_row(404), kwargs={"application_id": Ref("app_b")}
    ),
    "POST /api/units/{unit_id}/applications/{application_id}/return": Op(
        api_row(404, unit_x_admin=ANE, unit_x_member=403, staff=ANE)
    ),
    "POST /api/units/{unit_id}/applications/{application_id}/return (via unit Y)": Op(
        api_row(404), kwargs={"unit_id": Ref("unit_y")}, body={"reason": "退回"}
    ),
    "POST /api/units/{unit_id}/applications/{application_id}/return (B's draft)": Op(
        api_row(404, unit_x_member=403),
        kwargs={"application_id": Ref("app_b")},
        body={"reason": "退回"},
    ),
    "PUT /api/units/{unit_id}/applications/{application_id}/on-site": Op(UNIT_X_ADMIN_API),
    "PUT /api/units/{unit_id}/applications/{application_id}/on-site (via unit Y)": Op(
        VIA_UNIT_Y_API, kwargs={"unit_id": Ref("unit_y")}
    ),
    "PUT /api/units/{unit_id}/applications/{application_id}/on-site (B's draft)": Op(
        NOT_UNIT_X_OBJECT_API, kwargs={"application_id": Ref("app_b")}
    ),
    "POST /api/units/{unit_id}/applications/{application_id}/assignments": Op(UNIT_X_ADMIN_API),
    "POST /api/units/{unit_id}/applications/{application_id}/assignments (via unit Y)": Op(
        VIA_UNIT_Y_API, kwargs={"unit_id": Ref("unit_y")}, body={"judge_id": Ref("judge")}
    ),
    "POST /api/units/{unit_id}/applications/{application_id}/assignments (B's draft)": Op(
        NOT_UNIT_X_OBJECT_API,
        kwargs={"application_id": Ref("app_b")},
        body={"judge_id": Ref("judge")},
    ),
    "DELETE /api/units/{unit_id}/assignments/{sheet_id}": Op(UNIT_X_ADMIN_API),
    "DELETE /api/units/{unit_id}/assignments/{sheet_id} (via unit Y)": Op(
        VIA_UNIT_Y_API, kwargs={"unit_id": Ref("unit_y")}
    ),
    "POST /api/units/{unit_id}/assign-evenly": Op(UNIT_X_ADMIN_API),
    "GET /api/units/{unit_id}/judges": Op(UNIT_X_VIEW_API),
    "POST /api/units/{unit_id}/judges": Op(UNIT_X_ADMIN_API),
    "DELETE /api/units/{unit_id}/judges/{judge_id}": Op(UNIT_X_ADMIN_API),
    "DELETE /api/units/{unit_id}/judges/{judge_id} (via unit Y)": Op(
        VIA_UNIT_Y_API, kwargs={"unit_id": Ref("unit_y")}
    ),
    "DELETE /api/units/{unit_id}/judges/{judge_id} (a judge not on the panel)": Op(
        NOT_UNIT_X_OBJECT_API, kwargs={"judge_id": Ref("expert_judge")}
    ),
    # Staff may invite a unit's people (its first admin), as on the page.
    "POST /api/units/{unit_id}/invitations": Op(
        api_row(404, unit_x_admin=ANE, unit_x_member=403, staff=ANE)
    ),
    "GET /api/units/{unit_id}/ranking": Op(UNIT_X_VIEW_API),
    "POST /api/units/{unit_id}/recommendations": Op(UNIT_X_ADMIN_API),
    # Unit Y's admin naming A's application: the same 422 "not a valid choice" as for an
    # id that does not exist (nothing revealed), and nothing recommended.
    "POST /api/units/{unit_id}/recommendations (A's application via unit Y)": Op(
        api_row(404, unit_y_admin=422, staff=403),
        kwargs={"unit_id": Ref("unit_y")},
        body={"application_id": Ref("app_a"), "opinion": "同意推荐"},
    ),
    # B's draft through unit X: the same 422 as for an id that does not exist.
    "POST /api/units/{unit_id}/recommendations (B's draft)": Op(
        api_row(404, unit_x_admin=422, unit_x_member=403, staff=403),
        body={"application_id": Ref("app_b"), "opinion": "同意推荐"},
    ),
    "DELETE /api/units/{unit_id}/recommendations/{recommendation_id}": Op(UNIT_X_ADMIN_API),
    "DELETE /api/units/{unit_id}/recommendations/{recommendation_id} (via unit Y)": Op(
        VIA_UNIT_Y_API, kwargs={"unit_id": Ref("unit_y")}
    ),
    "PUT /api/units/{unit_id}/recommendations/order": Op(UNIT_X_ADMIN_API),
    "GET /api/units/{unit_id}/report": Op(UNIT_X_VIEW_API),
    "PUT /api/units/{unit_id}/report": Op(UNIT_X_ADMIN_API),
    "POST /api/units/{unit_id}/report/scan": Op(UNIT_X_ADMIN_API, body="multipart"),
    "POST /api/units/{unit_id}/report/submit": Op(UNIT_X_ADMIN_API),
    "POST /api/units/{unit_id}/report/void": Op(UNIT_X_STAFF_API),
    "PUT /api/units/{unit_id}/quota": Op(UNIT_X_STAFF_API),
    "GET /api/units/{unit_id}/report.xlsx": Op(UNIT_X_VIEW_API),
    "GET /api/units/{unit_id}/report.docx": Op(UNIT_X_VIEW_API),
    "GET /api/judge/sheets": Op(api_row(200), hides_a=frozenset(PERSONAS) - {"judge"}),
    "GET /api/judge/sheets/{sheet_id}": Op(api_row(404, judge=200)),
    "PUT /api/judge/sheets/{sheet_id}": Op(api_row(404, judge=ANE)),
    "POST /api/judge/sheets/{sheet_id}/conflict": Op(api_row(404, judge=ANE)),
    # The invitation is for someone else: 403 (invitation_other_email), nobody joins.
    "POST /api/invitations/{token}/accept": Op(api_row(403)),
}
