"""Every transition: allowed, refused in the wrong state, outside the window, for the wrong
actor; each writes the audit log."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import application_data, close_phase, pdf_bytes
from xinban.applications import services
from xinban.applications.models import Application, ApplicationState, Attachment
from xinban.campaigns.models import OrganisationNature, PhaseKind, TeamType
from xinban.core.errors import ConcurrentEdit, NotAllowed, ServiceError, WindowClosed, WrongState
from xinban.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def audit_actions(obj: Any) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(obj.pk), object_type=obj._meta.label_lower)
        .order_by("id")
        .values_list("action", flat=True)
    )


def scan() -> SimpleUploadedFile:
    return SimpleUploadedFile("scan.pdf", pdf_bytes(), content_type="application/pdf")


class TestCreate:
    def test_creates_a_draft_with_a_number_and_audits(
        self, draft_a: Application, campaign: Any
    ) -> None:
        assert draft_a.state == ApplicationState.DRAFT
        assert draft_a.number == f"{campaign.year}0001"
        assert audit_actions(draft_a) == ["application.create"]

    def test_numbers_are_sequential_and_stable(
        self, applicant_a: Any, org_a: Any, campaign: Any, unit_x: Any, draft_a: Application
    ) -> None:
        second = services.application_create(
            actor=applicant_a,
            organisation=org_a,
            campaign=campaign,
            data=application_data(
                unit_x, team_name="装配二组", team_type=TeamType.objects.get(name="服务型")
            ),
        )
        assert second.number == f"{campaign.year}0002"
        draft_a.refresh_from_db()
        assert draft_a.number == f"{campaign.year}0001"

    def test_refused_for_an_outsider(
        self, applicant_b: Any, org_a: Any, campaign: Any, unit_x: Any
    ) -> None:
        with pytest.raises(NotAllowed):
            services.application_create(
                actor=applicant_b,
                organisation=org_a,
                campaign=campaign,
                data=application_data(unit_x),
            )
        assert Application.objects.count() == 0

    def test_refused_outside_the_window(
        self, applicant_a: Any, org_a: Any, campaign: Any, unit_x: Any
    ) -> None:
        close_phase(campaign, PhaseKind.APPLICATION)
        with pytest.raises(WindowClosed):
            services.application_create(
                actor=applicant_a,
                organisation=org_a,
                campaign=campaign,
                data=application_data(unit_x),
            )
        assert Application.objects.count() == 0

    def test_window_extension_reopens_for_one_organisation(
        self, applicant_a: Any, org_a: Any, campaign: Any, unit_x: Any, staff: Any
    ) -> None:
        from datetime import timedelta

        from django.utils import timezone

        from xinban.campaigns.services import window_extend

        close_phase(campaign, PhaseKind.APPLICATION)
        window_extend(
            actor=staff,
            campaign=campaign,
            kind=PhaseKind.APPLICATION,
            until=timezone.now() + timedelta(days=2),
            reason="系统故障补报",
            organisation=org_a,
        )
        created = services.application_create(
            actor=applicant_a, organisation=org_a, campaign=campaign, data=application_data(unit_x)
        )
        assert created.pk
        assert AuditEntry.objects.filter(action="campaign.window_extend").count() == 1

    def test_fourth_application_refused(
        self, applicant_a: Any, org_a: Any, campaign: Any, unit_x: Any
    ) -> None:
        names = ["质检一班", "装配二组", "工艺室"]
        types = list(TeamType.objects.all()[:4])
        for name, team_type in zip(names, types, strict=False):
            services.application_create(
                actor=applicant_a,
                organisation=org_a,
                campaign=campaign,
                data=application_data(unit_x, team_name=name, team_type=team_type),
            )
        with pytest.raises(ServiceError) as exc:
            services.application_create(
                actor=applicant_a,
                organisation=org_a,
                campaign=campaign,
                data=application_data(unit_x, team_name="物流工段", team_type=types[3]),
            )
        assert exc.value.code == "limit_reached"
        assert Application.objects.count() == 3

    def test_limit_is_configurable(
        self, applicant_a: Any, org_a: Any, campaign: Any, unit_x: Any
    ) -> None:
        campaign.max_applications_per_org = 1
        campaign.save()
        services.application_create(
            actor=applicant_a, organisation=org_a, campaign=campaign, data=application_data(unit_x)
        )
        with pytest.raises(ServiceError) as exc:
            services.application_create(
                actor=applicant_a,
                organisation=org_a,
                campaign=campaign,
                data=application_data(
                    unit_x, team_name="装配二组", team_type=TeamType.objects.get(name="服务型")
                ),
            )
        assert exc.value.code == "limit_reached"

    def test_withdrawn_ones_do_not_count(
        self, applicant_a: Any, org_a: Any, campaign: Any, unit_x: Any, draft_a: Application
    ) -> None:
        services.application_withdraw(actor=applicant_a, application=draft_a)
        again = services.application_create(
            actor=applicant_a, organisation=org_a, campaign=campaign, data=application_data(unit_x)
        )
        assert again.team_type_id == draft_a.team_type_id

    def test_duplicate_team_type_refused(
        self, applicant_a: Any, org_a: Any, campaign: Any, unit_x: Any, draft_a: Application
    ) -> None:
        with pytest.raises(ServiceError) as exc:
            services.application_create(
                actor=applicant_a,
                organisation=org_a,
                campaign=campaign,
                data=application_data(unit_x, team_name="装配二组"),
            )
        assert exc.value.code == "duplicate_team_type"
        assert exc.value.field == "team_type"
        assert Application.objects.count() == 1

    def test_naming_rule_enforced_by_service(
        self, applicant_a: Any, org_a: Any, campaign: Any, unit_x: Any
    ) -> None:
        with pytest.raises(ServiceError) as exc:
            services.application_create(
                actor=applicant_a,
                organisation=org_a,
                campaign=campaign,
                data=application_data(unit_x, team_name="质检班组"),
            )
        assert exc.value.field == "team_name"

    def test_requires_registration(
        self, applicant_a: Any, org_a: Any, campaign: Any, unit_x: Any
    ) -> None:
        org_a.registrations.all().delete()
        with pytest.raises(ServiceError) as exc:
            services.application_create(
                actor=applicant_a,
                organisation=org_a,
                campaign=campaign,
                data=application_data(unit_x),
            )
        assert exc.value.code == "not_registered"

    def test_special_unit_only_for_eligible(
        self, applicant_a: Any, org_a: Any, campaign: Any, association_unit: Any
    ) -> None:
        with pytest.raises(ServiceError) as exc:
            services.application_create(
                actor=applicant_a,
                organisation=org_a,
                campaign=campaign,
                data=application_data(association_unit),
            )
        assert exc.value.code == "unit_not_eligible"
        registration = org_a.registrations.get()
        registration.nature = OrganisationNature.objects.get(name="民营")
        registration.is_specialised = True  # a private 专精特新 enterprise (rule 13)
        registration.save()
        created = services.application_create(
            actor=applicant_a,
            organisation=org_a,
            campaign=campaign,
            data=application_data(association_unit),
        )
        assert created.recommending_unit == association_unit


class TestUpdate:
    def test_update_bumps_version_and_audits_the_change(
        self, draft_a: Application, applicant_a: Any, unit_x: Any
    ) -> None:
        updated = services.application_update(
            actor=applicant_a,
            application=draft_a,
            data=application_data(unit_x, team_size=15),
            expected_version=draft_a.version,
        )
        assert updated.team_size == 15
        assert updated.version == draft_a.version + 1
        entry = AuditEntry.objects.filter(action="application.update").get()
        assert entry.changes["team_size"] == [12, 15]

    def test_stale_version_refused_and_nothing_saved(
        self, draft_a: Application, applicant_a: Any, applicant_a2: Any, unit_x: Any
    ) -> None:
        opened_version = draft_a.version
        services.application_update(
            actor=applicant_a2,
            application=draft_a,
            data=application_data(unit_x, team_size=20),
            expected_version=opened_version,
        )
        with pytest.raises(ConcurrentEdit):
            services.application_update(
                actor=applicant_a,
                application=draft_a,
                data=application_data(unit_x, team_size=30),
                expected_version=opened_version,
            )
        draft_a.refresh_from_db()
        assert draft_a.team_size == 20

    def test_refused_after_submission(
        self, submitted_a: Application, applicant_a: Any, unit_x: Any
    ) -> None:
        with pytest.raises(WrongState):
            services.application_update(
                actor=applicant_a,
                application=submitted_a,
                data=application_data(unit_x, team_size=3),
                expected_version=submitted_a.version,
            )

    def test_refused_outside_window(
        self, draft_a: Application, applicant_a: Any, unit_x: Any, campaign: Any
    ) -> None:
        close_phase(campaign, PhaseKind.APPLICATION)
        with pytest.raises(WindowClosed):
            services.application_update(
                actor=applicant_a,
                application=draft_a,
                data=application_data(unit_x),
                expected_version=draft_a.version,
            )

    def test_refused_for_unit_admin(
        self, submitted_a: Application, unit_x_admin: Any, unit_x: Any
    ) -> None:
        with pytest.raises(NotAllowed):
            services.application_update(
                actor=unit_x_admin,
                application=submitted_a,
                data=application_data(unit_x),
                expected_version=submitted_a.version,
            )


class TestSubmit:
    def test_submission_needs_the_stamped_form(
        self, draft_a: Application, applicant_a: Any
    ) -> None:
        with pytest.raises(services.SubmissionIncomplete) as exc:
            services.application_submit(actor=applicant_a, application=draft_a)
        assert "stamped_form" in exc.value.problems
        draft_a.refresh_from_db()
        assert draft_a.state == ApplicationState.DRAFT

    def test_submission_lists_every_missing_item(
        self, applicant_a: Any, org_a: Any, campaign: Any, unit_x: Any
    ) -> None:
        app = services.application_create(
            actor=applicant_a,
            organisation=org_a,
            campaign=campaign,
            data=application_data(
                unit_x, completion_rate=None, commitment_secrecy=False, material_honours=""
            ),
        )
        with pytest.raises(services.SubmissionIncomplete) as exc:
            services.application_submit(actor=applicant_a, application=app)
        assert {"completion_rate", "commitment_secrecy", "material_honours", "stamped_form"} <= set(
            exc.value.problems
        )

    def test_an_attachment_can_stand_for_a_material_section(
        self, applicant_a: Any, org_a: Any, campaign: Any, unit_x: Any
    ) -> None:
        app = services.application_create(
            actor=applicant_a,
            organisation=org_a,
            campaign=campaign,
            data=application_data(unit_x, material_honours=""),
        )
        services.application_attachment_add(
            actor=applicant_a,
            application=app,
            area=6,
            file=SimpleUploadedFile(
                "荣誉.pdf", pdf_bytes("honours"), content_type="application/pdf"
            ),
        )
        assert "material_honours" not in services.submission_problems(app)

    def test_submit_freezes_organisation_data_and_keeps_a_revision(
        self, submitted_a: Application, org_a: Any
    ) -> None:
        assert submitted_a.state == ApplicationState.SUBMITTED
        assert submitted_a.organisation_snapshot["name"] == org_a.name
        assert submitted_a.organisation_snapshot["promoter_mobile"] == "13912345678"
        assert submitted_a.revisions.count() == 1
        assert audit_actions(submitted_a)[-1] == "application.submit"
        # Later edits of 附件2 do not change what was submitted.
        registration = org_a.registrations.get()
        registration.address = "新地址"
        registration.save()
        submitted_a.refresh_from_db()
        assert submitted_a.organisation_snapshot["address"] != "新地址"

    def test_submit_twice_refused(self, submitted_a: Application, applicant_a: Any) -> None:
        with pytest.raises(WrongState):
            services.application_submit(actor=applicant_a, application=submitted_a)

    def test_submit_refused_for_outsider(self, draft_a: Application, applicant_b: Any) -> None:
        with pytest.raises(NotAllowed):
            services.application_submit(actor=applicant_b, application=draft_a)

    def test_submit_refused_outside_window(
        self, draft_a: Application, applicant_a: Any, campaign: Any
    ) -> None:
        services.application_stamped_form_upload(
            actor=applicant_a, application=draft_a, file=scan()
        )
        close_phase(campaign, PhaseKind.APPLICATION)
        with pytest.raises(WindowClosed):
            services.application_submit(actor=applicant_a, application=draft_a)


class TestReturnAndResubmit:
    def test_unit_returns_applicant_fixes_and_resubmits(
        self,
        submitted_a: Application,
        unit_x_admin: Any,
        applicant_a: Any,
        unit_x: Any,
        campaign: Any,
    ) -> None:
        returned = services.application_return_for_correction(
            actor=unit_x_admin, application=submitted_a, reason="荣誉材料缺少证书扫描件"
        )
        assert returned.state == ApplicationState.RETURNED
        # The application window has closed; a returned one can still be corrected while
        # the units recommend.
        close_phase(campaign, PhaseKind.APPLICATION)
        fixed = services.application_update(
            actor=applicant_a,
            application=returned,
            data=application_data(unit_x, material_honours="补充了证书。"),
            expected_version=returned.version,
        )
        again = services.application_submit(actor=applicant_a, application=fixed)
        assert again.state == ApplicationState.SUBMITTED
        assert again.revisions.count() == 2
        first, second = again.revisions.order_by("number")
        assert first.content["material_honours"] != second.content["material_honours"]
        assert audit_actions(again)[-3:] == [
            "application.return",
            "application.update",
            "application.resubmit",
        ]

    def test_return_needs_a_reason(self, submitted_a: Application, unit_x_admin: Any) -> None:
        with pytest.raises(ServiceError) as exc:
            services.application_return_for_correction(
                actor=unit_x_admin, application=submitted_a, reason=" "
            )
        assert exc.value.field == "reason"

    def test_other_unit_cannot_return(self, submitted_a: Application, unit_y_admin: Any) -> None:
        with pytest.raises(NotAllowed):
            services.application_return_for_correction(
                actor=unit_y_admin, application=submitted_a, reason="x"
            )

    def test_draft_cannot_be_returned(self, draft_a: Application, unit_x_admin: Any) -> None:
        with pytest.raises(WrongState):
            services.application_return_for_correction(
                actor=unit_x_admin, application=draft_a, reason="x"
            )


class TestWithdraw:
    def test_withdraw_submitted(self, submitted_a: Application, applicant_a: Any) -> None:
        result = services.application_withdraw(
            actor=applicant_a, application=submitted_a, reason="班组调整"
        )
        assert result.state == ApplicationState.WITHDRAWN
        assert audit_actions(result)[-1] == "application.withdraw"

    def test_withdraw_refused_after_recommendation(
        self, submitted_a: Application, applicant_a: Any
    ) -> None:
        Application.objects.filter(pk=submitted_a.pk).update(state=ApplicationState.RECOMMENDED)
        with pytest.raises(WrongState):
            services.application_withdraw(actor=applicant_a, application=submitted_a)

    def test_withdraw_refused_for_outsider(
        self, submitted_a: Application, applicant_b: Any
    ) -> None:
        with pytest.raises(NotAllowed):
            services.application_withdraw(actor=applicant_b, application=submitted_a)

    def test_withdraw_refused_when_all_windows_closed(
        self, submitted_a: Application, applicant_a: Any, campaign: Any
    ) -> None:
        close_phase(campaign, PhaseKind.APPLICATION)
        close_phase(campaign, PhaseKind.RECOMMENDATION)
        with pytest.raises(WindowClosed):
            services.application_withdraw(actor=applicant_a, application=submitted_a)


class TestAttachments:
    def test_add_and_remove(
        self, draft_a: Application, applicant_a: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        attachment = services.application_attachment_add(
            actor=applicant_a,
            application=draft_a,
            area=1,
            file=SimpleUploadedFile(
                "../../etc/人员.pdf", pdf_bytes(), content_type="application/pdf"
            ),
        )
        assert attachment.original_name == "人员.pdf"
        assert ".." not in attachment.file.name and "人员" not in attachment.file.name
        stored = attachment.file.path
        with django_capture_on_commit_callbacks(execute=True):
            services.application_attachment_remove(
                actor=applicant_a, application=draft_a, attachment=attachment
            )
        assert not Attachment.objects.exists()
        import os

        assert not os.path.exists(stored)
        assert audit_actions(draft_a)[-2:] == [
            "application.attachment_add",
            "application.attachment_remove",
        ]

    def test_fake_pdf_refused_and_nothing_stored(
        self, draft_a: Application, applicant_a: Any, settings: Any
    ) -> None:
        from pathlib import Path

        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            services.application_attachment_add(
                actor=applicant_a,
                application=draft_a,
                area=1,
                file=SimpleUploadedFile(
                    "fake.pdf", b"just text, not a pdf", content_type="application/pdf"
                ),
            )
        assert not Attachment.objects.exists()
        media = Path(settings.MEDIA_ROOT)
        assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))

    def test_failed_transaction_leaves_no_orphan_file(
        self, draft_a: Application, applicant_a: Any, settings: Any, monkeypatch: Any
    ) -> None:
        from pathlib import Path

        def boom(**kwargs: Any) -> None:
            raise RuntimeError("database went away")

        monkeypatch.setattr(services.attachments, "audit_record", boom)
        with pytest.raises(RuntimeError):
            services.application_attachment_add(
                actor=applicant_a,
                application=draft_a,
                area=1,
                file=SimpleUploadedFile("a.pdf", pdf_bytes(), content_type="application/pdf"),
            )
        assert not Attachment.objects.exists()
        media = Path(settings.MEDIA_ROOT)
        assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
