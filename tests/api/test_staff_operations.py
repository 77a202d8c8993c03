"""Staff's reads and actions added to the API: the audit log, the background tasks (list
and retry) and the e-mail templates — over the page's selectors and services."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import api_for
from xinban.core.audit import audit_record
from xinban.core.models import AuditEntry
from xinban.notifications.models import EmailTemplate
from xinban.tasks.models import Task, TaskState

pytestmark = pytest.mark.django_db


def test_staff_read_the_audit_log_with_the_page_filters(staff: Any, applicant_a: Any) -> None:
    audit_record(actor=staff, action="event.publish", obj=applicant_a, changes={"n": 1})
    audit_record(actor=applicant_a, action="application.submit", obj=applicant_a)
    api = api_for(staff)
    everything = api.get("/staff/audit-log").json()
    assert everything["count"] == AuditEntry.objects.count() >= 2
    assert everything["items"][0]["action"] == "application.submit"  # latest first
    only = api.get("/staff/audit-log", action="event.").json()
    assert [e["action"] for e in only["items"]] == ["event.publish"]
    assert only["items"][0]["changes"] == {"n": 1}
    assert api.get("/staff/audit-log", actor="申报人甲").json()["count"] == 1
    bad = api.get("/staff/audit-log", limit=0)
    assert bad.status_code == 422 and "limit" in bad.json()["errors"]
    assert api_for(applicant_a).get("/staff/audit-log").status_code == 403


def test_staff_list_and_retry_tasks(staff: Any, applicant_a: Any, applicant_b: Any) -> None:
    failed = Task.objects.create(
        name="tests.batch", created_by=applicant_a, state=TaskState.FAILED, attempts=3
    )
    Task.objects.create(name="tests.batch", created_by=staff, state=TaskState.DONE)
    api = api_for(staff)
    rows = api.get("/tasks", state="failed").json()
    assert [(r["id"], r["created_by"], r["attempts"]) for r in rows] == [
        (failed.pk, applicant_a.name, 3)
    ]
    assert len(api.get("/tasks").json()) == 2
    assert api.get("/tasks", state="lost").status_code == 422
    assert api_for(applicant_a).get("/tasks").status_code == 403

    # Its creator sees the task but may not retry it (403); anyone else does not see it.
    assert api_for(applicant_a).post(f"/tasks/{failed.pk}/retry").status_code == 403
    assert api_for(applicant_b).post(f"/tasks/{failed.pk}/retry").status_code == 404
    retried = api.post(f"/tasks/{failed.pk}/retry")
    assert retried.status_code == 200 and retried.json()["state"] == "queued"
    failed.refresh_from_db()
    assert failed.state == TaskState.QUEUED and failed.attempts == 0
    assert AuditEntry.objects.filter(action="task.retry").count() == 1
    assert api.post(f"/tasks/{failed.pk}/retry").status_code == 409  # no longer failed


def test_staff_read_save_and_reset_an_email_template(staff: Any, applicant_a: Any) -> None:
    api = api_for(staff)
    path = "/notifications/templates/application_returned"
    keys = {row["key"]: row for row in api.get("/notifications/templates").json()}
    assert keys["application_returned"]["edited"] is False
    default = api.get(path).json()
    assert default["edited"] is False and default["subject_zh"]
    assert default["placeholders"]
    assert api.get("/notifications/templates/no_such_event").status_code == 404
    assert api_for(applicant_a).get(path).status_code == 403
    assert api_for(applicant_a).put(path, {"subject_zh": "x", "body_zh": "y"}).status_code == 403

    missing = api.put(path, {"subject_zh": ""})
    assert missing.status_code == 422
    assert set(missing.json()["errors"]) == {"subject_zh", "body_zh"}
    unknown = api.put(path, {"subject_zh": "退回", "body_zh": "{{ password }}"})
    assert unknown.status_code == 400 and unknown.json()["field"] == "body_zh"
    placeholder = default["placeholders"][0]
    saved = api.put(
        path, {"subject_zh": "申报已退回", "body_zh": f"请修改：{{{{ {placeholder} }}}}"}
    )
    assert saved.status_code == 200 and saved.json()["edited"] is True
    assert EmailTemplate.objects.get(key="application_returned").subject_zh == "申报已退回"

    reset = api.delete(path)
    assert reset.status_code == 200 and reset.json()["edited"] is False
    assert not EmailTemplate.objects.filter(key="application_returned").exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"notifications.template_save", "notifications.template_reset"} <= actions


def test_the_applicant_downloads_its_own_certificate(
    staff: Any, campaign: Any, unit_x: Any, org_a: Any, applicant_a: Any, applicant_b: Any
) -> None:
    from tests.recommendation.factories import make_application
    from xinban.publication import services as publication_services
    from xinban.publication.models import Certificate

    app = make_application(
        organisation=org_a, unit=unit_x, campaign=campaign, state="selected", team_name="质检一班"
    )
    path = f"/my/applications/{app.pk}/certificate"
    assert api_for(applicant_a).get(path).status_code == 404  # not published yet
    publication_services.results_publish(
        actor=staff, campaign=campaign, override_reason="测试：阶段外发布"
    )
    response = api_for(applicant_a).get(path)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert Certificate.objects.get(application=app).pdf  # issued and stored on first use
    assert api_for(applicant_b).get(path).status_code == 404  # another organisation's
    assert api_for(staff).get(path).status_code == 200
