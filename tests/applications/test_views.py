"""The applicant's pages through the test client: personas, bad input, downloads."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document

from tests.conftest import close_phase, pdf_bytes
from xinban.applications.models import Application, ApplicationState, Attachment
from xinban.campaigns.models import PhaseKind, TeamType

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_payload(unit: Any, version: int | None = None, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "recommending_unit": unit.pk,
        "team_name": "质检一班",
        "team_type": TeamType.objects.get(name="生产操作型").pk,
        "team_size": "12",
        "completion_rate": "98.5",
        "qualification_rate": "99",
        "nonconformity_rate": "0.3",
        "first_pass_rate": "99.2",
        "accidents_per_year": "0",
        "complaints_per_year": "1",
        "trainees_per_year": "12",
        "training_hours_per_year": "240",
        "improvement_participation_rate": "100",
        "coverage_rate": "80",
        "quality_cost": "12.5",
        "commitment_voluntary": "on",
        "commitment_standard": "on",
        "commitment_truthful": "on",
        "commitment_secrecy": "on",
        "eligibility_basic_unit": "on",
        "eligibility_no_accidents": "on",
        "material_composition": "班组共12人。",
        "material_basic_management": "制度健全。",
        "material_skills": "培训。",
        "material_improvement": "改进。",
        "material_results": "业绩。",
        "material_honours": "荣誉。",
    }
    if version is not None:
        payload["version"] = str(version)
    payload.update(overrides)
    return {k: v for k, v in payload.items() if v is not None}


class TestPersonas:
    def test_anonymous_is_sent_to_login(self, draft_a: Application) -> None:
        for url in (
            reverse("applications:dashboard"),
            reverse("applications:detail", args=[draft_a.pk]),
            reverse("applications:generated_form", args=[draft_a.pk, "docx"]),
        ):
            response = Client().get(url)
            assert response.status_code == 302
            assert reverse("accounts:login") in response["Location"]

    def test_applicant_b_gets_404_for_a(self, draft_a: Application, applicant_b: Any) -> None:
        client = client_for(applicant_b)
        for name, args in (
            ("applications:detail", [draft_a.pk]),
            ("applications:edit", [draft_a.pk]),
            ("applications:generated_form", [draft_a.pk, "docx"]),
            ("applications:generated_form", [draft_a.pk, "pdf"]),
            ("applications:revision", [draft_a.pk, 1]),
        ):
            assert client.get(reverse(name, args=args)).status_code == 404, name
        assert client.post(reverse("applications:submit", args=[draft_a.pk])).status_code == 404
        assert client.post(reverse("applications:withdraw", args=[draft_a.pk])).status_code == 404

    def test_applicant_b_cannot_download_a_files(
        self, submitted_a: Application, applicant_b: Any, applicant_a: Any
    ) -> None:
        assert (
            client_for(applicant_b)
            .get(reverse("applications:stamped_download", args=[submitted_a.pk]))
            .status_code
            == 404
        )
        assert (
            client_for(applicant_a)
            .get(reverse("applications:stamped_download", args=[submitted_a.pk]))
            .status_code
            == 200
        )

    def test_unit_sees_submitted_but_not_drafts_and_cannot_edit(
        self, draft_a: Application, unit_x_admin: Any, unit_y_admin: Any, applicant_a: Any
    ) -> None:
        x = client_for(unit_x_admin)
        assert x.get(reverse("applications:detail", args=[draft_a.pk])).status_code == 404
        Application.objects.filter(pk=draft_a.pk).update(
            state=ApplicationState.SUBMITTED, submitted_at=timezone.now()
        )
        assert x.get(reverse("applications:detail", args=[draft_a.pk])).status_code == 200
        # Read-only role: 403 on changes.
        assert x.get(reverse("applications:edit", args=[draft_a.pk])).status_code == 403
        assert x.post(reverse("applications:submit", args=[draft_a.pk])).status_code == 403
        # Another unit: 404.
        y = client_for(unit_y_admin)
        assert y.get(reverse("applications:detail", args=[draft_a.pk])).status_code == 404

    def test_staff_list_only_for_staff(
        self, staff: Any, applicant_a: Any, draft_a: Application
    ) -> None:
        assert client_for(applicant_a).get(reverse("applications:staff_list")).status_code == 403
        response = client_for(staff).get(reverse("applications:staff_list"))
        assert response.status_code == 200
        assert draft_a.number in response.content.decode()

    def test_audit_log_only_for_staff(
        self, staff: Any, applicant_a: Any, draft_a: Application
    ) -> None:
        assert client_for(applicant_a).get(reverse("core:audit_log")).status_code == 403
        response = client_for(staff).get(reverse("core:audit_log"), {"action": "application."})
        assert response.status_code == 200
        assert "application.create" in response.content.decode()


class TestCreateAndEdit:
    def test_create_through_the_page(self, applicant_a: Any, unit_x: Any) -> None:
        response = client_for(applicant_a).post(
            reverse("applications:create"), form_payload(unit_x)
        )
        assert response.status_code == 302
        application = Application.objects.get()
        assert application.team_name == "质检一班"
        assert response["Location"] == reverse("applications:detail", args=[application.pk])

    @pytest.mark.parametrize(
        ("field", "value", "fragment"),
        [
            ("team_name", "质检班组", "班组"),
            ("team_name", "质检一队伍", "结尾"),
            ("completion_rate", "101", "0到100"),
            ("completion_rate", "98.555", "2 位"),
            ("team_size", "0", ""),
            ("accidents_per_year", "2", "事故"),
            ("complaints_per_year", "-1", ""),
            ("quality_cost", "abc", ""),
        ],
    )
    def test_bad_input_gets_a_field_error_and_keeps_the_rest(
        self, applicant_a: Any, unit_x: Any, field: str, value: str, fragment: str
    ) -> None:
        payload = form_payload(
            unit_x, **{field: value, "material_results": "我们的业绩很好，请保留。"}
        )
        response = client_for(applicant_a).post(reverse("applications:create"), payload)
        assert response.status_code == 200
        form = response.context["form"]
        assert field in form.errors
        assert fragment in " ".join(form.errors[field])
        html = response.content.decode()
        assert "我们的业绩很好，请保留。" in html
        assert f'id="field-{field}"' in html
        assert Application.objects.count() == 0

    def test_duplicate_team_type_shown_at_the_field(
        self, applicant_a: Any, unit_x: Any, draft_a: Application
    ) -> None:
        response = client_for(applicant_a).post(
            reverse("applications:create"), form_payload(unit_x, team_name="装配二组")
        )
        assert response.status_code == 200
        assert "team_type" in response.context["form"].errors
        assert Application.objects.count() == 1

    def test_fourth_application_refused_with_a_message(
        self, applicant_a: Any, unit_x: Any, org_a: Any, campaign: Any
    ) -> None:
        client = client_for(applicant_a)
        types = list(TeamType.objects.all())
        for name, team_type in zip(["一班", "二组", "三室"], types, strict=False):
            assert (
                client.post(
                    reverse("applications:create"),
                    form_payload(unit_x, team_name="质检" + name, team_type=team_type.pk),
                ).status_code
                == 302
            )
        response = client.post(
            reverse("applications:create"),
            form_payload(unit_x, team_name="物流工段", team_type=types[3].pk),
        )
        assert response.status_code in (200, 302)
        assert Application.objects.count() == 3
        if response.status_code == 200:
            assert "最多申报" in response.content.decode()

    def test_second_save_on_a_stale_form_is_refused_with_input_kept(
        self, applicant_a: Any, applicant_a2: Any, unit_x: Any, draft_a: Application
    ) -> None:
        url = reverse("applications:edit", args=[draft_a.pk])
        version = draft_a.version
        first = client_for(applicant_a2).post(url, form_payload(unit_x, version, team_size="20"))
        assert first.status_code == 302
        second = client_for(applicant_a).post(
            url, form_payload(unit_x, version, team_size="30", material_skills="我写的技能段落")
        )
        assert second.status_code == 200
        html = second.content.decode()
        assert "修改过" in html
        assert "我写的技能段落" in html
        draft_a.refresh_from_db()
        assert draft_a.team_size == 20


class TestUploadsAndDownloads:
    def test_fake_pdf_refused_at_the_field(self, applicant_a: Any, draft_a: Application) -> None:
        response = client_for(applicant_a).post(
            reverse("applications:attachment_add", args=[draft_a.pk]),
            {
                "area": "1",
                "file": SimpleUploadedFile("fake.pdf", b"hello", content_type="application/pdf"),
            },
        )
        assert response.status_code == 400
        assert "file" in response.context["attachment_form"].errors
        assert not Attachment.objects.exists()

    def test_oversized_file_refused(
        self, applicant_a: Any, draft_a: Application, settings: Any
    ) -> None:
        settings.XINBAN_MAX_UPLOAD_BYTES = 10_000
        big = pdf_bytes() + b"%" + b"0" * 20_000
        response = client_for(applicant_a).post(
            reverse("applications:attachment_add", args=[draft_a.pk]),
            {
                "area": "1",
                "file": SimpleUploadedFile("big.pdf", big, content_type="application/pdf"),
            },
        )
        assert response.status_code == 400
        errors = " ".join(response.context["attachment_form"].errors["file"])
        assert "大小" in errors or "超过" in errors
        assert not Attachment.objects.exists()

    def test_path_parts_in_name_are_dropped(self, applicant_a: Any, draft_a: Application) -> None:
        response = client_for(applicant_a).post(
            reverse("applications:attachment_add", args=[draft_a.pk]),
            {
                "area": "2",
                "file": SimpleUploadedFile(
                    "..\\..\\windows\\制度.pdf", pdf_bytes(), content_type="application/pdf"
                ),
            },
        )
        assert response.status_code == 302
        attachment = Attachment.objects.get()
        assert attachment.original_name == "制度.pdf"
        assert "/" not in attachment.original_name and "\\" not in attachment.original_name

    def test_generated_docx_holds_the_values_and_is_named_after_the_team(
        self, applicant_a: Any, draft_a: Application, org_a: Any
    ) -> None:
        response = client_for(applicant_a).get(
            reverse("applications:generated_form", args=[draft_a.pk, "docx"])
        )
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "attachment" in response["Content-Disposition"]
        from urllib.parse import quote

        assert quote(f"{org_a.short_name}{draft_a.team_name}") in response["Content-Disposition"]
        document = Document(io.BytesIO(b"".join(response.streaming_content)))
        text = "\n".join(
            cell.text for table in document.tables for row in table.rows for cell in row.cells
        ) + "\n".join(p.text for p in document.paragraphs)
        assert org_a.name in text
        assert draft_a.team_name in text
        assert draft_a.number in text

    def test_generated_pdf(self, applicant_a: Any, draft_a: Application) -> None:
        from pypdf import PdfReader

        response = client_for(applicant_a).get(
            reverse("applications:generated_form", args=[draft_a.pk, "pdf"])
        )
        assert response.status_code == 200
        reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
        text = "".join(page.extract_text() for page in reader.pages)
        assert draft_a.team_name in text

    def test_submit_without_stamped_form_shows_what_is_missing(
        self, applicant_a: Any, draft_a: Application
    ) -> None:
        client = client_for(applicant_a)
        response = client.post(reverse("applications:submit", args=[draft_a.pk]), follow=True)
        html = response.content.decode()
        assert "不完整" in html
        assert "盖章" in html
        draft_a.refresh_from_db()
        assert draft_a.state == ApplicationState.DRAFT

    def test_full_submit_through_pages(self, applicant_a: Any, draft_a: Application) -> None:
        client = client_for(applicant_a)
        upload = client.post(
            reverse("applications:stamped_upload", args=[draft_a.pk]),
            {"file": SimpleUploadedFile("盖章表.pdf", pdf_bytes(), content_type="application/pdf")},
        )
        assert upload.status_code == 302
        response = client.post(reverse("applications:submit", args=[draft_a.pk]), follow=True)
        assert response.status_code == 200
        draft_a.refresh_from_db()
        assert draft_a.state == ApplicationState.SUBMITTED


def test_what_is_missing_names_each_field_so_the_commitments_can_be_told_apart(
    draft_a: Application, applicant_a: Any
) -> None:
    from django.utils import translation

    Application.objects.filter(pk=draft_a.pk).update(
        commitment_standard=False, commitment_secrecy=False
    )
    url = reverse("applications:detail", args=[draft_a.pk])
    with translation.override("zh-hans"):
        page = client_for(applicant_a).get(url)
    lines = dict(page.context["problems"])
    assert lines["commitment_standard"].startswith("【承诺二")
    assert lines["commitment_secrecy"] == "【承诺四：不含涉密内容】请确认此项组织承诺。"
    assert "commitment_voluntary" not in lines
    html = page.content.decode()
    assert (
        '<li data-field="commitment_secrecy">【承诺四：不含涉密内容】请确认此项组织承诺。</li>'
        in html
    )
    english = client_for(applicant_a)
    english.cookies["django_language"] = "en"
    line = dict(english.get(url, HTTP_ACCEPT_LANGUAGE="en").context["problems"])[
        "commitment_secrecy"
    ]
    assert (
        line
        == "Commitment 4: no classified content: Please confirm this organisational commitment."
    )


def test_the_application_page_reads_each_phase_window_once_per_request(
    applicant_a: Any, draft_a: Application, campaign: Any
) -> None:
    """The withdrawal's and the team link's rules ask for the same windows: one read per
    request, and a window closed since the last request is seen by the next."""
    client = Client()
    client.force_login(applicant_a)
    url = reverse("applications:detail", args=[draft_a.pk])
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    phases = [q["sql"] for q in queries.captured_queries if "campaigns_phase" in q["sql"]]
    assert phases and len(phases) == len(set(phases))
    assert "撤回申报" in html
    close_phase(campaign, PhaseKind.APPLICATION)
    close_phase(campaign, PhaseKind.RECOMMENDATION)
    html = client.get(url).content.decode()
    assert "撤回申报" not in html
    assert "成果申报和成果推荐均不在开放时间内，不能撤回。" in html
