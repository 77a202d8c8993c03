"""The stamp check of the 申报表 (issue 15 §2) and rule 4 (docs/rules.md): the generated
form carries a signed QR code; the stamped scan is read back (printed, rotated, noisy,
a red seal over the code's corner); another application's or an older version's scan is
refused naming it; an unreadable one is accepted as 未能核验; a printed field changed
after the scan makes it stale and submission names the fields."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from tests.api.conftest import api_for
from tests.conftest import application_data
from tests.scans import blank_scan, scan_as_pdf, scan_of
from xinban.applications import selectors, services
from xinban.applications.models import Application, ApplicationState, MaterialArea
from xinban.core.errors import ServiceError, WrongState
from xinban.core.stamp import ScanCheck, parse, read_payloads, read_stamps

pytestmark = pytest.mark.django_db


def download(user: Any, application: Application, fmt: str) -> bytes:
    client = Client()
    client.force_login(user)
    response = client.get(
        reverse("applications:generated_form", kwargs={"pk": application.pk, "fmt": fmt})
    )
    assert response.status_code == 200
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def upload(user: Any, application: Application, content: bytes, name: str) -> Application:
    mime = "application/pdf" if name.endswith(".pdf") else "image/jpeg"
    if name.endswith(".png"):
        mime = "image/png"
    return services.application_stamped_form_upload(
        actor=user,
        application=application,
        file=SimpleUploadedFile(name, content, content_type=mime),
    )


def fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


# --- the code on the generated form --------------------------------------------------------


def test_generated_pdf_carries_the_signed_code_and_its_text(
    draft_a: Application, applicant_a: Any
) -> None:
    pdf = download(applicant_a, draft_a, "pdf")
    expected = selectors.application_stamp(draft_a)
    assert read_stamps(pdf) == [expected]
    assert expected.number == draft_a.number and expected.version == draft_a.version
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert expected.footer in text  # the same as short text in the footer
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_generated_docx_carries_the_code_in_its_header_and_the_text_in_its_footer(
    draft_a: Application, applicant_a: Any
) -> None:
    content = download(applicant_a, draft_a, "docx")
    expected = selectors.application_stamp(draft_a)
    document = docx.Document(io.BytesIO(content))
    footer = "\n".join(p.text for p in document.sections[0].footer.paragraphs)
    assert expected.footer in footer
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        images = [n for n in archive.namelist() if n.startswith("word/media/")]
        assert images
        payloads = read_payloads(archive.read(images[0]))
    assert [parse(p) for p in payloads] == [expected]


def test_the_code_changes_with_the_printed_content_not_with_the_key(
    draft_a: Application, applicant_a: Any, settings: Any
) -> None:
    before = selectors.application_stamp(draft_a)
    settings.SECRET_KEY = "another-server-key-" + "x" * 40
    assert selectors.application_stamp(draft_a).mac != before.mac  # signed with the key


# --- reading the stamped scan back --------------------------------------------------------


@pytest.mark.parametrize(
    ("angle", "fmt", "name"),
    [(2.5, "JPEG", "scan.jpg"), (-3.0, "PNG", "scan.png"), (4.0, "PDF", "scan.pdf")],
)
def test_a_real_scan_of_the_current_form_is_accepted_as_verified(
    draft_a: Application, applicant_a: Any, angle: float, fmt: str, name: str
) -> None:
    pdf = download(applicant_a, draft_a, "pdf")
    printed_version = draft_a.version
    image = scan_of(pdf, angle=angle, fmt="JPEG" if fmt == "PDF" else fmt)
    content = scan_as_pdf(image) if fmt == "PDF" else image
    upload(applicant_a, draft_a, content, name)
    stored = fresh(draft_a)
    assert stored.stamped_form
    assert stored.stamped_check == ScanCheck.VERIFIED
    assert stored.stamped_version == printed_version


def test_a_scan_of_another_application_is_refused_naming_it(
    draft_a: Application, applicant_a: Any, org_a: Any, campaign: Any, unit_x: Any
) -> None:
    from xinban.campaigns.models import TeamType

    other = services.application_create(
        actor=applicant_a,
        organisation=org_a,
        campaign=campaign,
        data=application_data(
            unit_x, team_name="装配二组", team_type=TeamType.objects.get(name="管理型")
        ),
    )
    scan = scan_of(download(applicant_a, other, "pdf"))
    with pytest.raises(ServiceError) as refused:
        upload(applicant_a, draft_a, scan, "scan.jpg")
    assert refused.value.code == "scan_other_application"
    assert refused.value.field == "file"
    assert other.number in refused.value.message
    assert f"第 {other.version} 版" in refused.value.message
    assert not fresh(draft_a).stamped_form  # nothing half-saved


def test_a_scan_of_an_older_version_is_refused_naming_its_version(
    draft_a: Application, applicant_a: Any
) -> None:
    scan = scan_of(download(applicant_a, draft_a, "pdf"))
    old_version = draft_a.version
    data = application_data(draft_a.recommending_unit, team_name="质检二班")
    services.application_update(
        actor=applicant_a, application=draft_a, data=data, expected_version=old_version
    )
    with pytest.raises(ServiceError) as refused:
        upload(applicant_a, draft_a, scan, "scan.jpg")
    assert refused.value.code == "scan_outdated"
    assert f"第 {old_version} 版" in refused.value.message
    assert f"当前为第 {fresh(draft_a).version} 版" in refused.value.message
    assert not fresh(draft_a).stamped_form


def test_a_scan_of_an_earlier_version_that_prints_the_same_is_accepted(
    draft_a: Application, applicant_a: Any
) -> None:
    """The content version counts, not the row's counter: adding an attachment (not
    printed on the form) leaves the printed form, and so its scan, valid."""
    scan = scan_of(download(applicant_a, draft_a, "pdf"))
    printed_version = draft_a.version
    services.application_attachment_add(
        actor=applicant_a,
        application=draft_a,
        area=MaterialArea.HONOURS,
        file=SimpleUploadedFile("荣誉.pdf", scan_as_pdf(scan), content_type="application/pdf"),
    )
    upload(applicant_a, draft_a, scan, "scan.jpg")
    stored = fresh(draft_a)
    assert stored.version > printed_version + 1
    assert (stored.stamped_check, stored.stamped_version) == (ScanCheck.VERIFIED, printed_version)


def test_an_unreadable_scan_is_accepted_flagged_unverified(
    draft_a: Application, applicant_a: Any
) -> None:
    upload(applicant_a, draft_a, blank_scan(), "scan.png")
    stored = fresh(draft_a)
    assert stored.stamped_form
    assert stored.stamped_check == ScanCheck.UNVERIFIED
    assert stored.stamped_version is None


def test_a_too_coarse_scan_is_unverified_not_refused(
    draft_a: Application, applicant_a: Any
) -> None:
    coarse = scan_of(download(applicant_a, draft_a, "pdf"), dpi=60)
    upload(applicant_a, draft_a, coarse, "scan.jpg")
    assert fresh(draft_a).stamped_check == ScanCheck.UNVERIFIED


def test_the_flag_is_shown_to_the_unit_and_at_formal_review(
    draft_a: Application, applicant_a: Any, unit_x: Any, unit_x_admin: Any, staff: Any
) -> None:
    upload(applicant_a, draft_a, blank_scan(), "scan.png")
    services.application_submit(actor=applicant_a, application=draft_a)

    unit = Client()
    unit.force_login(unit_x_admin)
    page = unit.get(
        reverse("recommendation:application", kwargs={"unit_pk": unit_x.pk, "pk": draft_a.pk})
    )
    assert page.status_code == 200
    assert 'data-stamped-check="unverified"' in page.content.decode()
    assert "未能核验" in page.content.decode()

    Application.objects.filter(pk=draft_a.pk).update(state=ApplicationState.RECOMMENDED)
    association = Client()
    association.force_login(staff)
    review = association.get(reverse("evaluation:formal_review", kwargs={"pk": draft_a.pk}))
    assert review.status_code == 200
    # Shown above the checklist, not only inside the folded materials.
    assert "未能核验" in review.content.decode().split("<details")[0]

    owner = Client()
    owner.force_login(applicant_a)
    detail = owner.get(reverse("applications:detail", kwargs={"pk": draft_a.pk}))
    assert "未能核验" in detail.content.decode()


def test_a_refused_scan_shows_the_reason_at_the_field_on_the_page(
    draft_a: Application, applicant_a: Any
) -> None:
    scan = scan_of(download(applicant_a, draft_a, "pdf"))
    data = application_data(draft_a.recommending_unit, team_size=15)
    services.application_update(
        actor=applicant_a, application=draft_a, data=data, expected_version=draft_a.version
    )
    client = Client()
    client.force_login(applicant_a)
    response = client.post(
        reverse("applications:stamped_upload", kwargs={"pk": draft_a.pk}),
        {"file": SimpleUploadedFile("scan.jpg", scan, content_type="image/jpeg")},
    )
    assert response.status_code == 400
    assert f"第 {draft_a.version} 版" in response.content.decode()
    assert not fresh(draft_a).stamped_form


def test_the_api_refuses_an_outdated_scan_with_its_code(
    draft_a: Application, applicant_a: Any
) -> None:
    scan = scan_of(download(applicant_a, draft_a, "pdf"))
    data = application_data(draft_a.recommending_unit, team_size=15)
    services.application_update(
        actor=applicant_a, application=draft_a, data=data, expected_version=draft_a.version
    )
    api = api_for(applicant_a)
    answer = api.upload(
        f"/applications/{draft_a.pk}/stamped-form",
        file=SimpleUploadedFile("scan.jpg", scan, content_type="image/jpeg"),
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "scan_outdated"
    assert answer.json()["field"] == "file"


def test_the_api_shows_the_check(draft_a: Application, applicant_a: Any) -> None:
    scan = scan_of(download(applicant_a, draft_a, "pdf"))
    api = api_for(applicant_a)
    answer = api.upload(
        f"/applications/{draft_a.pk}/stamped-form",
        file=SimpleUploadedFile("scan.jpg", scan, content_type="image/jpeg"),
    )
    assert answer.status_code == 200, answer.json()
    stamped = answer.json()["stamped_form"]
    assert stamped["check"] == "verified"
    assert stamped["version"] == draft_a.version


# --- rule 4: the stamped form belongs to what was stamped ---------------------------------


def scanned(application: Application, user: Any) -> Application:
    return upload(user, application, scan_of(download(user, application, "pdf")), "scan.jpg")


def test_rule4_changing_a_printed_field_makes_the_scan_stale(
    draft_a: Application, applicant_a: Any
) -> None:
    scanned(draft_a, applicant_a)
    current = fresh(draft_a)
    data = application_data(current.recommending_unit, team_name="质检二班", quality_cost=20)
    services.application_update(
        actor=applicant_a, application=current, data=data, expected_version=current.version
    )
    refusal = services.stamped_form_refusal(fresh(draft_a))
    assert refusal is not None
    assert refusal.code == "stamped_form_stale" and refusal.field == "stamped_form"
    assert "质量信得过班组名称" in refusal.message and "质量成本（万元/年）" in refusal.message
    assert "班组人数" not in refusal.message
    with pytest.raises(WrongState) as refused:
        services.application_submit(actor=applicant_a, application=draft_a)
    assert refused.value.code == "stamped_form_stale"
    assert fresh(draft_a).state == ApplicationState.DRAFT
    assert "stamped_form" in services.submission_problems(fresh(draft_a))

    # A new scan of the form as it prints now lifts the refusal.
    scanned(fresh(draft_a), applicant_a)
    assert services.stamped_form_refusal(fresh(draft_a)) is None
    services.application_submit(actor=applicant_a, application=draft_a)
    assert fresh(draft_a).state == ApplicationState.SUBMITTED


def test_rule4_fields_the_form_does_not_print_leave_the_scan_valid(
    draft_a: Application, applicant_a: Any
) -> None:
    scanned(draft_a, applicant_a)
    current = fresh(draft_a)
    data = application_data(current.recommending_unit, material_results="连续五年零投诉。")
    services.application_update(
        actor=applicant_a, application=current, data=data, expected_version=current.version
    )
    assert services.stamped_form_refusal(fresh(draft_a)) is None
    services.application_submit(actor=applicant_a, application=draft_a)
    assert fresh(draft_a).state == ApplicationState.SUBMITTED


def test_rule4_applies_to_an_unverified_scan_too(draft_a: Application, applicant_a: Any) -> None:
    upload(applicant_a, draft_a, blank_scan(), "scan.png")
    current = fresh(draft_a)
    data = application_data(current.recommending_unit, team_size=30)
    services.application_update(
        actor=applicant_a, application=current, data=data, expected_version=current.version
    )
    refusal = services.stamped_form_refusal(fresh(draft_a))
    assert refusal is not None and "班组人数" in refusal.message


def test_rule4_through_the_api_and_the_page(draft_a: Application, applicant_a: Any) -> None:
    scanned(draft_a, applicant_a)
    api = api_for(applicant_a)
    current = fresh(draft_a)
    body = api.get(f"/applications/{draft_a.pk}").json()
    assert body["stamped_form_stale"] is None and body["stamped_form_changed_fields"] == []
    data = application_data(current.recommending_unit, team_size=20)
    services.application_update(
        actor=applicant_a, application=current, data=data, expected_version=current.version
    )

    body = api.get(f"/applications/{draft_a.pk}").json()
    assert body["stamped_form_changed_fields"] == ["班组人数"]
    assert "班组人数" in body["stamped_form_stale"]
    answer = api.post(f"/applications/{draft_a.pk}/submit")
    assert answer.status_code == 409
    assert answer.json()["code"] == "stamped_form_stale"
    assert answer.json()["field"] == "stamped_form"
    assert "班组人数" in answer.json()["detail"]

    client = Client()
    client.force_login(applicant_a)
    page = client.get(reverse("applications:detail", kwargs={"pk": draft_a.pk})).content.decode()
    assert 'id="stamped-form-stale"' in page
    assert "班组人数" in page.split('id="stamped-form-stale"')[1].split("</div>")[0]


def test_a_form_printed_before_a_key_rotation_still_verifies(
    draft_a: Application, applicant_a: Any, settings: Any
) -> None:
    scan = scan_of(download(applicant_a, draft_a, "pdf"))
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "rotated-" + "k" * 50
    settings.SECRET_KEY_FALLBACKS = [old_key]
    upload(applicant_a, draft_a, scan, "scan.jpg")
    assert fresh(draft_a).stamped_check == ScanCheck.VERIFIED


def test_a_forged_code_is_refused(draft_a: Application, applicant_a: Any, settings: Any) -> None:
    """A code made with another key (anyone's, without the server's) does not verify."""
    settings.SECRET_KEY = "not-the-servers-key-" + "f" * 40
    forged = scan_of(download(applicant_a, draft_a, "pdf"))
    settings.SECRET_KEY = "the-servers-key-" + "s" * 40
    with pytest.raises(ServiceError) as refused:
        upload(applicant_a, draft_a, forged, "scan.jpg")
    assert refused.value.code == "scan_outdated"
    assert not fresh(draft_a).stamped_form
