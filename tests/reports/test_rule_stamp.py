"""Rule 11 of docs/rules.md (the 附件6 part): 附件6 carries the unit's stamp like 附件5 — a
stamped scan is uploaded before filing. Through the service and the API (the page: see
tests/reports/test_views.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import pdf_bytes
from tests.reports.conftest import complete_statistics
from xinban.core.models import AuditEntry
from xinban.reports import services
from xinban.reports.models import FilingStatus, StatisticsReport

pytestmark = pytest.mark.django_db


def scan() -> SimpleUploadedFile:
    return SimpleUploadedFile("盖章统计表.pdf", pdf_bytes(), content_type="application/pdf")


def test_service_refuses_to_file_without_the_stamped_scan(
    campaign: Any, unit_x: Any, unit_x_admin: Any
) -> None:
    report = services.statistics_report_for(unit=unit_x, campaign=campaign)
    services.statistics_save(actor=unit_x_admin, report=report, data=complete_statistics())
    with pytest.raises(services.Incomplete) as exc:
        services.statistics_submit(actor=unit_x_admin, report=report)
    assert list(exc.value.problems) == ["stamped_scan"]
    services.statistics_upload_scan(actor=unit_x_admin, report=report, file=scan())
    assert AuditEntry.objects.filter(action="reports.statistics_scan").exists()
    submitted = services.statistics_submit(actor=unit_x_admin, report=report)
    assert submitted.status == FilingStatus.SUBMITTED
    assert submitted.stamped_scan.read().startswith(b"%PDF")


def test_service_refuses_a_file_that_is_not_a_scan(
    campaign: Any, unit_x: Any, unit_x_admin: Any
) -> None:
    report = services.statistics_report_for(unit=unit_x, campaign=campaign)
    fake = SimpleUploadedFile("盖章.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(Exception):  # noqa: B017 - the upload check's own error type
        services.statistics_upload_scan(actor=unit_x_admin, report=report, file=fake)
    report.refresh_from_db()
    assert not report.stamped_scan


def test_api_lists_the_missing_scan_and_takes_the_upload(
    campaign: Any, unit_x: Any, unit_x_admin: Any, unit_y_admin: Any
) -> None:
    client = Client()
    client.force_login(unit_x_admin)
    url = f"/api/units/{unit_x.pk}/statistics-report"
    body = json.dumps(complete_statistics(), default=str)  # dates and money as text
    saved = client.put(url, data=body, content_type="application/json")
    assert saved.status_code == 200, saved.json()
    assert "stamped_scan" in saved.json()["problems"]
    refused = client.post(f"{url}/submit")
    assert refused.status_code == 400 and "stamped_scan" in refused.json()["errors"]
    other = Client()
    other.force_login(unit_y_admin)
    assert other.post(f"{url}/scan", data={"file": scan()}).status_code == 404
    uploaded = client.post(f"{url}/scan", data={"file": scan()})
    assert uploaded.status_code == 200, uploaded.json()
    assert uploaded.json()["stamped_scan_name"] == "盖章统计表.pdf"
    assert "stamped_scan" not in uploaded.json()["problems"]
    assert client.post(f"{url}/submit").json()["status"] == "submitted"
    assert StatisticsReport.objects.get().stamped_scan
