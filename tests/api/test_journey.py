"""The applicant's whole journey through the API, on the same services as the pages."""

from __future__ import annotations

import io

from django.test import Client
from pypdf import PdfReader

from tests.api.conftest import Api, application_body, pdf_upload, registration_body
from xinban.accounts.models import User
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign
from xinban.core.models import AuditEntry
from xinban.organisations.models import RecommendingUnit


def test_full_applicant_journey(
    client: Client, campaign: Campaign, unit_x: RecommendingUnit
) -> None:
    user = User.objects.create_user(email="a@example.com", password="pw-123456-long", name="甲")
    client.force_login(user)
    api = Api(client)

    me = api.get("/me").json()
    assert me["email"] == "a@example.com"
    assert me["roles"]["organisation_ids"] == []
    assert me["roles"]["is_staff"] is False

    current = api.get("/campaigns/current")
    assert current.status_code == 200
    phases = {p["kind"]: p for p in current.json()["phases"]}
    assert current.json()["year"] == campaign.year
    assert phases["application"]["status"] == "open"
    assert phases["application"]["label"] == "成果申报"

    # 1. organisation
    created = api.post("/organisations", {"name": "上海甲机械有限公司", "short_name": "甲机械"})
    assert created.status_code == 201, created.json()
    organisation_id = created.json()["id"]
    assert api.get("/me").json()["roles"]["organisation_ids"] == [organisation_id]
    assert api.get("/registration").status_code == 404

    # 2. registration (附件2)
    saved = api.put("/registration", registration_body())
    assert saved.status_code == 200, saved.json()
    assert saved.json()["promoter_mobile"] == "13912345678"
    assert api.get("/registration").json()["id"] == saved.json()["id"]

    taxonomies = api.get("/taxonomies").json()
    assert unit_x.pk in [u["id"] for u in taxonomies["recommending_units"]]
    assert "班" in taxonomies["team_name_endings"]
    assert {g["group"] for g in taxonomies["industries"]} >= {"先导产业", "现代服务业"}

    # 3. application (附件3)
    response = api.post("/applications", application_body(unit_x))
    assert response.status_code == 201, response.json()
    application = response.json()
    pk = application["id"]
    assert application["state"] == "draft"
    assert application["number"].startswith(str(campaign.year))
    assert application["completion_rate"] == "100.00"
    assert application["editable"] is True
    assert [a["id"] for a in api.get("/applications").json()] == [pk]

    problems = api.get(f"/applications/{pk}/submission-problems").json()
    assert problems["complete"] is False
    assert set(problems["problems"]) == {"material_honours", "stamped_form"}

    refused = api.post(f"/applications/{pk}/submit")
    assert refused.status_code == 400
    assert refused.json()["code"] == "incomplete"
    assert set(refused.json()["errors"]) == {"material_honours", "stamped_form"}

    # 4. attachment for area 6 (a real PDF)
    uploaded = api.upload(f"/applications/{pk}/attachments", area=6, file=pdf_upload("荣誉.pdf"))
    assert uploaded.status_code == 201, uploaded.json()
    assert uploaded.json()["area"] == 6
    assert uploaded.json()["content_type"] == "application/pdf"
    assert uploaded.json()["original_name"] == "荣誉.pdf"

    # 5. the generated form, then the stamped scan
    pdf = api.get(f"/applications/{pk}/form.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"]
    body = b"".join(pdf.streaming_content)
    assert len(PdfReader(io.BytesIO(body)).pages) >= 1
    docx = api.get(f"/applications/{pk}/form.docx")
    assert docx.status_code == 200
    assert b"".join(docx.streaming_content).startswith(b"PK")

    stamped = api.upload(f"/applications/{pk}/stamped-form", file=pdf_upload("盖章.pdf"))
    assert stamped.status_code == 200, stamped.json()
    assert stamped.json()["stamped_form"]["name"] == "盖章.pdf"

    # 6. submit
    assert api.get(f"/applications/{pk}/submission-problems").json() == {
        "complete": True,
        "problems": {},
    }
    submitted = api.post(f"/applications/{pk}/submit")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["state"] == "submitted"
    assert submitted.json()["editable"] is False
    assert submitted.json()["organisation_snapshot"]["short_name"] == "甲机械"
    assert Application.objects.get(pk=pk).state == ApplicationState.SUBMITTED
    assert AuditEntry.objects.filter(action="application.submit", object_id=str(pk)).exists()

    # a submitted application can no longer be changed
    edit = api.put(f"/applications/{pk}", {**application_body(unit_x), "version": 99})
    assert edit.status_code == 409
    assert edit.json()["code"] == "wrong_state"


def test_update_attachment_removal_and_withdrawal(api_a: Api, unit_x: RecommendingUnit) -> None:
    created = api_a.post("/applications", application_body(unit_x)).json()
    pk = created["id"]
    changed = api_a.put(
        f"/applications/{pk}",
        {**application_body(unit_x, team_name="装配二组"), "version": created["version"]},
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["team_name"] == "装配二组"
    assert changed.json()["version"] == created["version"] + 1

    attachment = api_a.upload(f"/applications/{pk}/attachments", area=1, file=pdf_upload()).json()
    assert api_a.delete(f"/applications/{pk}/attachments/{attachment['id']}").status_code == 204
    assert api_a.get(f"/applications/{pk}").json()["attachments"] == []
    assert api_a.delete(f"/applications/{pk}/attachments/{attachment['id']}").status_code == 404

    withdrawn = api_a.post(f"/applications/{pk}/withdraw", {"reason": "重新组织材料"})
    assert withdrawn.status_code == 200
    assert withdrawn.json()["state"] == "withdrawn"
    assert api_a.post(f"/applications/{pk}/withdraw").status_code == 409
