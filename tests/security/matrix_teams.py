"""Permission-matrix entries of each team's history (docs/rules.md, "Each team's
history"): the history is seen by whoever sees the application, the link is the
applicant's, merge and split are staff's."""

from __future__ import annotations

from typing import Any

from tests.security.matrix_kit import (
    A_READ_ONLY,
    ANE,
    POST_ONLY,
    STAFF_ONLY,
    Op,
    Page,
    Ref,
    api_row,
    changes_a,
    row,
    sees_a,
)

TEAM = {"pk": Ref("team_a")}

ENTRIES: dict[str, Page | Op] = {
    "applications:team_link": Page(get=POST_ONLY, post=changes_a()),
    "applications:team": Page(get=STAFF_ONLY, kwargs=TEAM),
    "applications:team_merge": Page(get=POST_ONLY, post=row(403, staff=ANE), kwargs=TEAM),
    "applications:team_split": Page(get=POST_ONLY, post=row(403, staff=ANE), kwargs=TEAM),
    # --- API
    "GET /api/applications/{application_id}/history": Op(sees_a(api=True)),
    "GET /api/applications/{application_id}/team-candidates": Op(
        api_row(404, applicant_a=200, **dict.fromkeys(A_READ_ONLY, 403))
    ),
    "POST /api/applications/{application_id}/team-link": Op(
        changes_a(api=True), body={"team_id": Ref("team_a")}
    ),
    "GET /api/staff/teams/{team_id}": Op(api_row(403, staff=200)),
    "POST /api/staff/teams/{team_id}/merge": Op(
        api_row(403, staff=ANE), body={"source_team_id": Ref("team_a")}
    ),
    "POST /api/staff/teams/{team_id}/split": Op(
        api_row(403, staff=ANE), body={"application_ids": []}
    ),
}
KWARGS = {"team_id": Ref("team_a")}


def extend_world(fx: dict[str, Any], users: dict[str, Any], ids: dict[str, Any]) -> None:
    from xinban.applications.models import Application
    from xinban.applications.teams import team_recognise

    app_a = Application.objects.get(pk=ids["app_a"])
    ids["team_a"] = app_a.team_id or team_recognise(app_a).pk
