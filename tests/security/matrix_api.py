"""Permission-matrix entries of the API's own additions: the API-token page, and the
operations added for token clients and for completeness (downloads, submitted versions,
the staff list, the organisation's members, campaign years, window extensions).

The world adds an API token of applicant A's: only A may revoke it (everyone else 404)."""

from __future__ import annotations

from typing import Any

from tests.security.matrix_kit import (
    ANE,
    LOGGED_IN,
    POST_ONLY,
    PUBLIC,
    UNIT_X_VIEW_API,
    Op,
    Page,
    Ref,
    api_row,
    row,
    sees_a,
)

ENTRIES: dict[str, Page | Op] = {
    # --- the token page: everyone manages their own tokens (an empty form: shown again)
    "api:tokens": Page(get=LOGGED_IN, post=LOGGED_IN),
    "api:token_revoke": Page(
        get=POST_ONLY, post=row(404, applicant_a=ANE), kwargs={"pk": Ref("token_a")}
    ),
    # --- one's own tokens as JSON: everyone lists theirs; creating answers 422 to the empty
    # body (session only; bearer requests are refused in tests/api/test_token_operations.py);
    # only A may revoke A's token
    "GET /api/tokens": Op(api_row(200)),
    "POST /api/tokens": Op(api_row(422)),
    "DELETE /api/tokens/{token_id}": Op(api_row(404, applicant_a=ANE)),
    # --- one's own tokens as Excel (never a secret): everyone signed in, as the page
    "exports:download (API tokens)": Page(get=LOGGED_IN, kwargs={"kind": "api_tokens"}),
    "GET /api/exports/{kind}.xlsx (API tokens)": Op(api_row(200), kwargs={"kind": "api_tokens"}),
    # --- downloads and history of an application: whoever may see it
    "GET /api/applications/{application_id}/attachments/{attachment_id}": Op(sees_a(api=True)),
    "GET /api/applications/{application_id}/attachments/{attachment_id} (B's attachment)": Op(
        api_row(404), kwargs={"attachment_id": Ref("att_b")}
    ),
    "GET /api/applications/{application_id}/stamped-form": Op(sees_a(api=True)),
    "GET /api/applications/{application_id}/stamped-form (B's draft has none)": Op(
        api_row(404), kwargs={"application_id": Ref("app_b")}
    ),
    "GET /api/applications/{application_id}/revisions/{number}": Op(sees_a(api=True)),
    "GET /api/applications/{application_id}/revisions/{number} (B's draft)": Op(
        api_row(404), kwargs={"application_id": Ref("app_b")}
    ),
    # --- the association's list of every application
    "GET /api/staff/applications": Op(api_row(403, staff=200)),
    # --- my organisation: applicants only; nobody else has one (404 no_organisation)
    "GET /api/organisation": Op(api_row(404, applicant_a=200, applicant_b=200)),
    "POST /api/organisation/members": Op(api_row(404, applicant_a=422, applicant_b=422)),
    "POST /api/organisation/rename": Op(api_row(404, applicant_a=422, applicant_b=422)),
    # --- the unit's stamped 附件5
    "GET /api/units/{unit_id}/report/scan": Op(UNIT_X_VIEW_API),
    "GET /api/units/{unit_id}/report/scan (unit Y has none)": Op(
        api_row(404, unit_y_admin=404, staff=404), kwargs={"unit_id": Ref("unit_y")}
    ),
    # --- campaign years: everyone reads; staff extend a window ({} is invalid: 422)
    "GET /api/campaigns": Op(api_row(200)),
    "POST /api/campaigns/{year}/phases/{kind}/extensions": Op(
        api_row(403, staff=422), kwargs={"year": Ref("campaign_year"), "kind": "application"}
    ),
    "api:openapi-json": Page(get=PUBLIC),
    "api:openapi-view": Page(get=PUBLIC),
    "api:api-root": Page(get=row(404, anonymous=404)),
}


def extend_world(fx: dict[str, Any], users: dict[str, Any], ids: dict[str, Any]) -> None:
    from xinban.api.services import token_create

    token, _secret = token_create(actor=users["applicant_a"], name="甲的集成", scopes=["read"])
    ids.update(token_a=token.pk, campaign_year=fx["campaign"].year)


KWARGS = {"token_id": Ref("token_a")}


def fingerprint() -> dict[str, Any]:
    from xinban.api.models import ApiToken
    from xinban.campaigns.models import WindowExtension
    from xinban.organisations.models import OrganisationMembership

    return {
        "tokens": sorted(ApiToken.objects.values_list("pk", "revoked_at")),
        "extensions": WindowExtension.objects.count(),
        "organisation_members": OrganisationMembership.objects.count(),
    }
