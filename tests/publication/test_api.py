"""The publication API: public reads without login (cases, an experience, notices,
verification), the applicant's consent, the staff's publish and certificate batch."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from xinban.publication import services
from xinban.publication.models import CaseEntry, Notice
from xinban.tasks.models import Task
from xinban.tasks.testing import drain

pytestmark = pytest.mark.django_db
JSON = "application/json"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def published(staff: Any, campaign: Any, results: list[Any]) -> list[Any]:
    services.results_publish(actor=staff, campaign=campaign)
    return results


def test_public_reads_need_no_login(published: list[Any]) -> None:
    anonymous = Client()
    Notice.objects.create(title="成果发布通知", body="名单已发布。")
    page = anonymous.get("/api/public/cases", {"q": "外滩智"}).json()
    assert page["count"] == 1 and page["items"][0]["team_name"] == "客服二组"
    assert page["items"][0]["level"] == "national"
    by_level = anonymous.get("/api/public/cases", {"level": "selected"}).json()
    assert [i["team_name"] for i in by_level["items"]] == ["质检一班"]
    entry = CaseEntry.objects.get(team_name="质检一班")
    detail = anonymous.get(f"/api/public/cases/{entry.pk}").json()
    # Names only: the organisation has not agreed to more.
    assert detail["organisation_name"] and detail["summary"] == "" and detail["materials"] == []
    assert anonymous.get("/api/public/cases/999999").status_code == 404
    notices = anonymous.get("/api/public/notices").json()
    assert notices[0]["title"] == "成果发布通知"


def test_verification_by_api(published: list[Any]) -> None:
    certificate = services.certificate_for(published[0])
    anonymous = Client()
    good = anonymous.get(f"/api/public/certificates/{certificate.code}").json()
    assert good["valid"] is True and good["team_name"] == "质检一班"
    forged = anonymous.get("/api/public/certificates/2026-FORGED000000").json()
    assert forged == {
        "valid": False,
        "code": "2026-FORGED000000",
        "organisation_name": None,
        "team_name": None,
        "year": None,
        "level": None,
    }


def test_consent_by_api(published: list[Any], applicant_a: Any, applicant_b: Any) -> None:
    url = f"/api/my/applications/{published[0].pk}/publication-consent"
    client = client_for(applicant_a)
    assert client.get(url).json()["scope"] == "names"
    bad = client.put(url, json.dumps({"scope": "everything"}), content_type=JSON)
    assert bad.status_code == 422 and "scope" in bad.json()["errors"]
    ok = client.put(url, json.dumps({"scope": "full"}), content_type=JSON)
    assert ok.status_code == 200 and ok.json()["scope"] == "full"
    entry = CaseEntry.objects.get(team_name="质检一班")
    detail = Client().get(f"/api/public/cases/{entry.pk}").json()
    assert "缺陷率下降" in detail["summary"]
    assert any("缺陷率下降" in m["text"] for m in detail["materials"])
    outsider = client_for(applicant_b)
    assert outsider.get(url).status_code == 404
    assert outsider.put(url, json.dumps({"scope": "names"}), content_type=JSON).status_code == 404


def test_staff_publish_and_batch_by_api(
    staff: Any, applicant_a: Any, campaign: Any, results: list[Any]
) -> None:
    year = campaign.year
    assert client_for(applicant_a).post(f"/api/publication/{year}/publish").status_code == 403
    client = client_for(staff)
    answer = client.post(f"/api/publication/{year}/publish")
    assert answer.status_code == 200 and answer.json() == {"year": year, "entries": 2}
    again = client.post(f"/api/publication/{year}/publish")
    assert again.status_code == 409 and again.json()["code"] == "already_published"
    started = client.post(f"/api/publication/{year}/certificates")
    assert started.status_code == 202
    task = Task.objects.get(pk=started.json()["task_id"])
    drain()
    task.refresh_from_db()
    assert task.state == "done" and task.progress_done == task.progress_total == 3
    assert client.post("/api/publication/1900/certificates").status_code == 404
