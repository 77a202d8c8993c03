"""The JSON API of 附件6/附件7 and the staff reads: same rules as the pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.reports.conftest import EVENT, summary_data

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def put(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.put(url, data=json.dumps(body), content_type="application/json")


def test_statistics_get_put_submit(
    campaign: Any, unit_x: Any, unit_x_admin: Any, unit_y_admin: Any, history: Any
) -> None:
    client = client_for(unit_x_admin)
    url = f"/api/units/{unit_x.pk}/statistics-report"
    body = client.get(url).json()
    assert body["id"] is None and body["period_year"] == campaign.year - 1
    teams = next(i for i in body["items"] if i["field"] == "teams")
    assert teams["platform"] == 3 and teams["declared"] is None
    response = put(client, url, {"teams": 5, "has_certified_judges": True, "contact_mobile": "1"})
    assert response.status_code == 422 and "contact_mobile" in response.json()["errors"]
    response = put(
        client, url, {"teams": 5, "has_certified_judges": True, "review_forms": ["on_site"]}
    )
    assert response.status_code == 200
    body = response.json()
    teams = next(i for i in body["items"] if i["field"] == "teams")
    assert teams["declared"] == "5" or teams["declared"] == 5
    assert teams["differs"] and body["has_certified_judges"] is True
    response = client.post(f"{url}/submit")
    assert response.status_code == 400 and response.json()["code"] == "incomplete"
    assert "enterprises" in response.json()["errors"]
    assert client_for(unit_y_admin).get(url).status_code == 404
    assert put(client_for(unit_y_admin), url, {"teams": 1}).status_code == 404
    assert client.get(f"{url}.xlsx").status_code == 200


def test_summary_put_and_refused_submit(campaign: Any, unit_x: Any, unit_x_admin: Any) -> None:
    client = client_for(unit_x_admin)
    url = f"/api/units/{unit_x.pk}/work-summary"
    response = put(client, url, {**summary_data(100), "events": [EVENT, {"name": "半行"}]})
    assert response.status_code == 422 and "events.1.place" in response.json()["errors"]
    response = put(client, url, {**summary_data(100), "events": [EVENT]})
    assert response.status_code == 200
    body = response.json()
    assert body["characters"] < 3000 and len(body["events"]) == 1
    response = client.post(f"{url}/submit")
    assert response.status_code == 400
    assert f"{body['characters']:,}" in response.json()["detail"]
    response = put(client, url, {**summary_data(520), "events": [EVENT]})
    assert client.post(f"{url}/submit").json()["status"] == "submitted"
    assert put(client, url, summary_data(10)).status_code == 409


def test_staff_operations(campaign: Any, unit_x: Any, unit_x_admin: Any, staff: Any) -> None:
    client = client_for(staff)
    filings = client.get("/api/reports/filings").json()
    assert filings[0]["unit"] == "浦东新区" and filings[0]["missing"] == ["附件5", "附件6", "附件7"]
    assert client.post("/api/reports/reminders").json()["units"] == ["浦东新区"]
    assert client.get("/api/reports/statistics-rollup").json()["submitted"] == 0
    assert client.get("/api/reports/statistics-rollup.xlsx").status_code == 200
    for path in ("/api/reports/filings", "/api/reports/statistics-rollup"):
        assert client_for(unit_x_admin).get(path).status_code == 403
