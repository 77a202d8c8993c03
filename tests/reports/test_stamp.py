"""附件6 carries the signed code (issue 15 §2; docs/rules.md, "The stamp check") in its
Excel and Word forms, read back from the files; its stamped scan is checked as 附件5's:
read back (the downloaded form's code printed, rotated, noisy, a red seal over its
corner) and accepted as 已核验, refused when it is of another unit's or an older 附件6 or
of another document (naming it), or accepted as 未能核验 when unreadable."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.reports.conftest import complete_statistics
from tests.scans import blank_scan, page_with_code, scan_of
from xinban.core.errors import ServiceError
from xinban.core.stamp import DocumentKind, ScanCheck, parse, qr_png, read_payloads, sign
from xinban.reports import documents, services
from xinban.reports.models import StatisticsReport

pytestmark = pytest.mark.django_db


def download(user: Any, unit: Any, fmt: str) -> bytes:
    client = Client()
    client.force_login(user)
    response = client.get(
        reverse("reports:statistics_download", kwargs={"unit_pk": unit.pk, "fmt": fmt})
    )
    assert response.status_code == 200
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def embedded_code(content: bytes, media: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        (name,) = [n for n in archive.namelist() if n.startswith(media)]
        return archive.read(name)


def test_form6_carries_the_code_of_what_it_prints(
    unit_x: Any, campaign: Any, unit_x_admin: Any
) -> None:
    report = services.statistics_report_for(unit=unit_x, campaign=campaign)
    services.statistics_save(actor=unit_x_admin, report=report, data=complete_statistics())
    report = services.statistics_report_for(unit=unit_x, campaign=campaign)  # as stored
    expected = documents.form6_stamp(report)
    assert expected.kind == "A6" and expected.version == report.version

    xlsx = download(unit_x_admin, unit_x, "xlsx")
    assert [parse(p) for p in read_payloads(embedded_code(xlsx, "xl/media/"))] == [expected]
    assert load_workbook(io.BytesIO(xlsx))["成果统计表"].oddFooter.right.text == expected.footer

    word = download(unit_x_admin, unit_x, "docx")
    assert [parse(p) for p in read_payloads(embedded_code(word, "word/media/"))] == [expected]
    footers = "\n".join(
        p.text for p in docx.Document(io.BytesIO(word)).sections[0].footer.paragraphs
    )
    assert expected.footer in footers

    # What it prints changes the code.
    services.statistics_save(
        actor=unit_x_admin, report=report, data=complete_statistics(participants=900)
    )
    changed = services.statistics_report_for(unit=unit_x, campaign=campaign)
    assert documents.form6_stamp(changed).mac != expected.mac


def downloaded_code(user: Any, unit: Any, campaign: Any) -> bytes:
    """The QR code image embedded in 附件6 as the unit downloads it (Excel)."""
    client = Client()
    client.force_login(user)
    url = reverse("reports:statistics_download", kwargs={"unit_pk": unit.pk, "fmt": "xlsx"})
    response = client.get(url, {"year": campaign.year})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        (name,) = [n for n in archive.namelist() if n.startswith("xl/media/")]
        return archive.read(name)


def sealed_scan(user: Any, unit: Any, campaign: Any) -> bytes:
    return scan_of(page_with_code(downloaded_code(user, unit, campaign)), angle=2.0)


def saved(report: StatisticsReport, admin: Any, name: str = "张三") -> StatisticsReport:
    return services.statistics_save(actor=admin, report=report, data={"filler_name": name})


def upload(admin: Any, report: StatisticsReport, content: bytes, name: str) -> Any:
    mime = {"jpg": "image/jpeg", "png": "image/png"}[name.rsplit(".", 1)[1]]
    return services.statistics_upload_scan(
        actor=admin, report=report, file=SimpleUploadedFile(name, content, content_type=mime)
    )


def api_statistics(user: Any, unit: Any) -> dict[str, Any]:
    client = Client()
    client.force_login(user)
    response = client.get(f"/api/units/{unit.pk}/statistics-report")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def page(user: Any, unit: Any, campaign: Any) -> str:
    client = Client()
    client.force_login(user)
    url = reverse("reports:statistics", kwargs={"unit_pk": unit.pk})
    return client.get(url, {"year": campaign.year}).content.decode()


def test_a_real_scan_of_the_current_form_is_verified(
    unit_x: Any, campaign: Any, unit_x_admin: Any
) -> None:
    report = saved(services.statistics_report_for(unit=unit_x, campaign=campaign), unit_x_admin)
    upload(unit_x_admin, report, sealed_scan(unit_x_admin, unit_x, campaign), "scan.jpg")
    report.refresh_from_db()
    assert report.stamped_scan
    assert (report.stamped_check, report.stamped_version) == (ScanCheck.VERIFIED, report.version)
    assert 'data-stamped-check="verified"' in page(unit_x_admin, unit_x, campaign)
    api = api_statistics(unit_x_admin, unit_x)
    assert (api["stamped_check"], api["stamped_version"]) == ("verified", report.version)


def test_a_scan_of_an_older_version_is_refused_naming_it(
    unit_x: Any, campaign: Any, unit_x_admin: Any
) -> None:
    report = saved(services.statistics_report_for(unit=unit_x, campaign=campaign), unit_x_admin)
    scan = sealed_scan(unit_x_admin, unit_x, campaign)
    old = report.version
    report = saved(report, unit_x_admin, name="李四")  # the form prints the filler
    with pytest.raises(ServiceError) as refused:
        upload(unit_x_admin, report, scan, "scan.jpg")
    assert refused.value.code == "scan_outdated" and refused.value.field == "file"
    assert f"第 {old} 版" in refused.value.message
    report.refresh_from_db()
    assert not report.stamped_scan


def test_another_units_scan_is_refused_naming_it(
    unit_x: Any, unit_y: Any, campaign: Any, unit_x_admin: Any, unit_y_admin: Any
) -> None:
    saved(services.statistics_report_for(unit=unit_y, campaign=campaign), unit_y_admin)
    scan = sealed_scan(unit_y_admin, unit_y, campaign)
    report = saved(services.statistics_report_for(unit=unit_x, campaign=campaign), unit_x_admin)
    with pytest.raises(ServiceError) as refused:
        upload(unit_x_admin, report, scan, "scan.jpg")
    assert refused.value.code == "scan_other_report"
    assert f"{campaign.year}-{unit_y.pk}" in refused.value.message
    report.refresh_from_db()
    assert not report.stamped_scan


def test_a_scan_of_another_document_is_refused_naming_it(
    unit_x: Any, campaign: Any, unit_x_admin: Any
) -> None:
    report = saved(services.statistics_report_for(unit=unit_x, campaign=campaign), unit_x_admin)
    other = sign(DocumentKind.RECOMMENDATION, f"{campaign.year}-{unit_x.pk}", 3, {"x": 1})
    with pytest.raises(ServiceError) as refused:
        upload(unit_x_admin, report, scan_of(page_with_code(qr_png(other))), "scan.jpg")
    assert refused.value.code == "scan_wrong_document"
    assert "推荐表（附件5）" in refused.value.message


def test_an_unreadable_scan_is_accepted_as_unverified(
    unit_x: Any, campaign: Any, unit_x_admin: Any
) -> None:
    report = services.statistics_report_for(unit=unit_x, campaign=campaign)
    upload(unit_x_admin, report, blank_scan(), "scan.png")
    report.refresh_from_db()
    assert report.stamped_scan and report.stamped_check == ScanCheck.UNVERIFIED
    assert report.stamped_version is None
    html = page(unit_x_admin, unit_x, campaign)
    assert 'data-stamped-check="unverified"' in html and "未能核验" in html
    api = api_statistics(unit_x_admin, unit_x)
    assert (api["stamped_check"], api["stamped_version"]) == ("unverified", None)
