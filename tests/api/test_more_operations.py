"""The operations added so that a token client can do everything the pages do: file
downloads, submitted versions, the association's list, the organisation's members, the
unit's stamped 附件5, campaign years and window extensions. Persona by persona."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from tests.api.conftest import Api, pdf_upload
from xinban.accounts.models import User
from xinban.api.services import token_create
from xinban.campaigns.models import Campaign, Phase, PhaseKind, WindowExtension
from xinban.core.models import AuditEntry
from xinban.organisations.models import RecommendingUnit


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_attachment_and_stamped_form_downloads_for_whoever_may_see_them(
    api_a: Api, api_b: Api, api_unit_x: Api, new_application: Any, unit_x: RecommendingUnit
) -> None:
    application = new_application()
    pk = application["id"]
    added = api_a.upload(f"/applications/{pk}/attachments", area=1, file=pdf_upload("制度.pdf"))
    assert added.status_code == 201, added.json()
    attachment = added.json()["id"]

    download = api_a.get(f"/applications/{pk}/attachments/{attachment}")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert _body(download).startswith(b"%PDF")
    assert api_b.get(f"/applications/{pk}/attachments/{attachment}").status_code == 404
    # A draft is not the unit's to see.
    assert api_unit_x.get(f"/applications/{pk}/attachments/{attachment}").status_code == 404

    assert api_a.get(f"/applications/{pk}/stamped-form").status_code == 404  # none yet
    api_a.upload(f"/applications/{pk}/stamped-form", file=pdf_upload("盖章.pdf"))
    stamped = api_a.get(f"/applications/{pk}/stamped-form")
    assert stamped.status_code == 200 and _body(stamped).startswith(b"%PDF")
    assert api_b.get(f"/applications/{pk}/stamped-form").status_code == 404


def test_a_submitted_version_is_readable_field_by_field(
    api_a: Api, api_b: Api, api_unit_x: Api, submitted_a: dict[str, Any]
) -> None:
    pk = submitted_a["id"]
    revision = api_a.get(f"/applications/{pk}/revisions/1")
    assert revision.status_code == 200, revision.json()
    body = revision.json()
    assert body["number"] == 1 and body["submitted_by"] == "申报人甲"
    values = {item["label"]: item["value"] for item in body["fields"]}
    assert "质检一班" in values.values()
    assert api_unit_x.get(f"/applications/{pk}/revisions/1").status_code == 200
    assert api_b.get(f"/applications/{pk}/revisions/1").status_code == 404
    assert api_a.get(f"/applications/{pk}/revisions/2").status_code == 404


def test_staff_list_every_application_with_filters_and_pages(
    api_staff: Api, api_a: Api, api_unit_x: Api, submitted_a: dict[str, Any], submitted_b: Any
) -> None:
    everything = api_staff.get("/staff/applications")
    assert everything.status_code == 200
    assert everything.json()["count"] == 2
    page = api_staff.get("/staff/applications", limit=1, offset=1).json()
    assert page["count"] == 2 and len(page["items"]) == 1
    found = api_staff.get("/staff/applications", q="质检").json()
    assert [item["id"] for item in found["items"]] == [submitted_a["id"]]
    assert found["items"][0]["state_label"]
    assert api_staff.get("/staff/applications", state="draft").json()["count"] == 0
    assert api_staff.get("/staff/applications", year=1999).json()["count"] == 0
    assert api_staff.get("/staff/applications", state="nonsense").status_code == 422
    for other in (api_a, api_unit_x):
        refused = other.get("/staff/applications")
        assert refused.status_code == 403 and refused.json()["code"] == "not_staff"


def test_my_organisation_and_adding_a_colleague(api_a: Api, api_unit_x: Api, db: None) -> None:
    mine = api_a.get("/organisation")
    assert mine.status_code == 200
    assert [m["email"] for m in mine.json()["members"]] == ["a@example.com"]

    unknown = api_a.post("/organisation/members", {"email": "nobody@example.com"})
    assert unknown.status_code == 400 and unknown.json()["code"] == "no_such_user"
    assert api_a.post("/organisation/members", {"email": "not-an-email"}).status_code == 422

    colleague = User.objects.create_user(
        email="colleague@example.com", password="pw-123456-long", name="同事丙"
    )
    added = api_a.post("/organisation/members", {"email": "colleague@example.com"})
    assert added.status_code == 200
    assert {m["email"] for m in added.json()["members"]} == {"a@example.com", colleague.email}
    assert AuditEntry.objects.filter(action="organisation.add_member").count() == 1
    again = api_a.post("/organisation/members", {"email": "colleague@example.com"})
    assert again.status_code == 200 and len(again.json()["members"]) == 2

    # Someone without an organisation has none to show or add to.
    assert api_unit_x.get("/organisation").json()["code"] == "no_organisation"
    assert api_unit_x.post("/organisation/members", {"email": colleague.email}).status_code == 404


def test_the_unit_s_stamped_report_downloads_for_the_unit_only(
    api_unit_x: Api, api_unit_y: Api, api_staff: Api, api_a: Api, unit_x: RecommendingUnit
) -> None:
    path = f"/units/{unit_x.pk}/report/scan"
    assert api_unit_x.get(path).status_code == 404  # nothing uploaded yet
    assert api_unit_x.upload(path, file=pdf_upload("推荐表盖章.pdf")).status_code == 200
    scan = api_unit_x.get(path)
    assert scan.status_code == 200 and scan["Content-Disposition"].startswith("attachment")
    assert _body(scan).startswith(b"%PDF")
    assert api_staff.get(path).status_code == 200
    assert api_unit_y.get(path).status_code == 404
    assert api_a.get(path).status_code == 404


def test_campaign_years_and_staff_extending_a_window(
    api_staff: Api, api_a: Api, api_unit_x: Api, campaign: Campaign, unit_x: RecommendingUnit
) -> None:
    Campaign.objects.create(year=campaign.year - 1, title="上一年度")
    years = api_a.get("/campaigns").json()
    assert [(y["year"], y["is_current"]) for y in years] == [
        (campaign.year, True),
        (campaign.year - 1, False),
    ]

    path = f"/campaigns/{campaign.year}/phases/application/extensions"
    ends = Phase.objects.get(campaign=campaign, kind=PhaseKind.APPLICATION).ends_at
    later = (ends + timedelta(days=3)).isoformat()
    body = {"unit_id": unit_x.pk, "until": later, "reason": "区里统一延期"}
    for outsider in (api_a, api_unit_x):
        refused = outsider.post(path, body)
        assert refused.status_code == 403 and refused.json()["code"] == "not_staff"
    assert not WindowExtension.objects.exists()

    both = api_staff.post(path, {**body, "organisation_id": 1})
    assert both.status_code == 422
    early = api_staff.post(path, {**body, "until": (ends - timedelta(days=1)).isoformat()})
    assert early.status_code == 400 and early.json()["code"] == "until_too_early"
    assert early.json()["field"] == "until"
    assert api_staff.post("/campaigns/1999/phases/application/extensions", body).status_code == 404
    assert (
        api_staff.post(f"/campaigns/{campaign.year}/phases/nope/extensions", body).status_code
        == 404
    )

    created = api_staff.post(path, body)
    assert created.status_code == 201, created.json()
    assert created.json()["unit_id"] == unit_x.pk and created.json()["phase"] == "application"
    assert WindowExtension.objects.get().until > ends
    assert AuditEntry.objects.filter(action="campaign.window_extend").count() == 1


def test_a_staff_token_extends_a_window_only_with_the_staff_scope(
    campaign: Campaign, unit_x: RecommendingUnit, db: None
) -> None:
    staff = User.objects.create_user(
        email="s2@example.com", password="pw-123456-long", name="质协", is_association_staff=True
    )
    ends = Phase.objects.get(campaign=campaign, kind=PhaseKind.APPLICATION).ends_at
    body = {
        "unit_id": unit_x.pk,
        "until": (ends + timedelta(days=1)).isoformat(),
        "reason": "系统对接",
    }
    path = f"/api/campaigns/{campaign.year}/phases/application/extensions"
    for scopes, status in ((["read", "units:write"], 403), (["staff:write"], 201)):
        _token, secret = token_create(actor=staff, name="对接", scopes=scopes)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        response = client.post(path, json.dumps(body), content_type="application/json")
        assert response.status_code == status, response.json()
    assert WindowExtension.objects.count() == 1
    assert timezone.now() < WindowExtension.objects.get().until
