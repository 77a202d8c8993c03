"""附件5's stamp check (issue 15 §2; docs/rules.md, "The stamp check"): the Excel and
Word forms carry the signed code; the stamped scan is read back (a printed page,
rotated, noisy, a red seal over the code's corner) and accepted as 已核验, refused when
it is of another unit's or an older 附件5 (naming it), or accepted as 未能核验."""

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

from tests.api.conftest import api_for
from tests.scans import blank_scan, page_with_code, scan_of
from xinban.core.errors import ServiceError
from xinban.core.stamp import ScanCheck, parse, read_payloads
from xinban.recommendation import selectors, services
from xinban.recommendation.models import UnitRecommendationReport
from xinban.recommendation.services import report_scan

pytestmark = pytest.mark.django_db


def download(user: Any, unit: Any, fmt: str) -> bytes:
    client = Client()
    client.force_login(user)
    response = client.get(
        reverse("recommendation:report_download", kwargs={"unit_pk": unit.pk, "fmt": fmt})
    )
    assert response.status_code == 200
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def embedded_code(content: bytes, media: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        (name,) = [n for n in archive.namelist() if n.startswith(media)]
        return archive.read(name)


def current_stamp(unit: Any, campaign: Any) -> Any:
    data = selectors.recommendation_form_data(unit=unit, campaign=campaign)
    return selectors.recommendation_form_stamp(unit=unit, campaign=campaign, data=data)


def signed(report: UnitRecommendationReport, admin: Any, name: str = "张三") -> Any:
    return services.report_save(
        actor=admin, report=report, data={"filler_name": name, "filler_phone": "021-12345678"}
    )


def test_xlsx_and_docx_carry_the_code_and_its_text(
    unit_x: Any, campaign: Any, unit_x_admin: Any
) -> None:
    signed(services.report_for(unit=unit_x, campaign=campaign), unit_x_admin)
    expected = current_stamp(unit_x, campaign)
    assert expected.kind == "A5" and expected.number == f"{campaign.year}-{unit_x.pk}"

    xlsx = download(unit_x_admin, unit_x, "xlsx")
    assert [parse(p) for p in read_payloads(embedded_code(xlsx, "xl/media/"))] == [expected]
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet is not None and sheet.oddFooter.right.text == expected.footer

    word = download(unit_x_admin, unit_x, "docx")
    assert [parse(p) for p in read_payloads(embedded_code(word, "word/media/"))] == [expected]
    footer = "\n".join(
        p.text for p in docx.Document(io.BytesIO(word)).sections[0].footer.paragraphs
    )
    assert expected.footer in footer


def sealed_scan(user: Any, unit: Any) -> bytes:
    """The downloaded form printed (its code at its printed size), sealed over the code,
    rotated and noisy."""
    code = embedded_code(download(user, unit, "xlsx"), "xl/media/")
    return scan_of(page_with_code(code), angle=-2.0)


def upload(admin: Any, report: UnitRecommendationReport, content: bytes, name: str) -> Any:
    mime = {"jpg": "image/jpeg", "png": "image/png"}[name.rsplit(".", 1)[1]]
    return services.report_upload_scan(
        actor=admin, report=report, file=SimpleUploadedFile(name, content, content_type=mime)
    )


def test_a_real_scan_of_the_current_form_is_verified(
    unit_x: Any, campaign: Any, unit_x_admin: Any
) -> None:
    report = signed(services.report_for(unit=unit_x, campaign=campaign), unit_x_admin)
    upload(unit_x_admin, report, sealed_scan(unit_x_admin, unit_x), "scan.jpg")
    report.refresh_from_db()
    assert report.stamped_scan
    assert (report.stamped_check, report.stamped_version) == (ScanCheck.VERIFIED, report.version)

    body = api_for(unit_x_admin).get(f"/units/{unit_x.pk}/report").json()
    assert body["stamped_scan"]["check"] == "verified"
    page = Client()
    page.force_login(unit_x_admin)
    html = page.get(reverse("recommendation:report", kwargs={"unit_pk": unit_x.pk})).content
    assert 'data-stamped-check="verified"' in html.decode()


def test_a_scan_of_an_older_version_is_refused_naming_it(
    unit_x: Any, campaign: Any, unit_x_admin: Any
) -> None:
    report = signed(services.report_for(unit=unit_x, campaign=campaign), unit_x_admin)
    scan = sealed_scan(unit_x_admin, unit_x)
    old = report.version
    report = signed(report, unit_x_admin, name="李四")  # the form prints the signatory
    with pytest.raises(ServiceError) as refused:
        upload(unit_x_admin, report, scan, "scan.jpg")
    assert refused.value.code == "scan_outdated" and refused.value.field == "file"
    assert f"第 {old} 版" in refused.value.message
    report.refresh_from_db()
    assert not report.stamped_scan


def test_another_units_scan_is_refused_naming_it(
    unit_x: Any, unit_y: Any, campaign: Any, unit_x_admin: Any, unit_y_admin: Any
) -> None:
    signed(services.report_for(unit=unit_y, campaign=campaign), unit_y_admin)
    scan = sealed_scan(unit_y_admin, unit_y)
    report = signed(services.report_for(unit=unit_x, campaign=campaign), unit_x_admin)
    with pytest.raises(ServiceError) as refused:
        upload(unit_x_admin, report, scan, "scan.jpg")
    assert refused.value.code == "scan_other_report"
    assert f"{campaign.year}-{unit_y.pk}" in refused.value.message


def test_an_unreadable_scan_is_accepted_as_unverified(
    unit_x: Any, campaign: Any, unit_x_admin: Any
) -> None:
    report = services.report_for(unit=unit_x, campaign=campaign)
    upload(unit_x_admin, report, blank_scan(), "scan.png")
    report.refresh_from_db()
    assert report.stamped_scan and report.stamped_check == ScanCheck.UNVERIFIED
    page = Client()
    page.force_login(unit_x_admin)
    html = page.get(reverse("recommendation:report", kwargs={"unit_pk": unit_x.pk})).content
    assert "未能核验" in html.decode()


def test_a_failed_upload_removes_its_file_and_keeps_the_previous_scan(
    unit_x: Any, campaign: Any, unit_x_admin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = services.report_for(unit=unit_x, campaign=campaign)
    upload(unit_x_admin, report, blank_scan(), "first.png")
    report.refresh_from_db()
    first, storage = report.stamped_scan.name, report.stamped_scan.storage
    assert first and storage.exists(first)
    written: list[str] = []

    def audit_fails(**kwargs: Any) -> None:
        written.append(kwargs["obj"].stamped_scan.name)
        raise RuntimeError("audit down")

    monkeypatch.setattr(report_scan, "audit_record", audit_fails)
    with pytest.raises(RuntimeError):
        upload(unit_x_admin, report, blank_scan(), "second.png")
    report.refresh_from_db()
    assert report.stamped_scan.name == first and storage.exists(first)
    assert len(written) == 1 and written[0] != first
    assert not storage.exists(written[0])
