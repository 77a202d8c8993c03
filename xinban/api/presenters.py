"""Model instances → response schemas (explicit, so every field's source is visible)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from xinban.accounts.models import User
from xinban.api import schemas
from xinban.applications.models import (
    COMMITMENT_FIELDS,
    INDICATOR_FIELDS,
    MATERIAL_FIELDS,
    Application,
    ApplicationState,
    Attachment,
)
from xinban.campaigns.models import Domain, Industry, OrganisationNature, TeamType
from xinban.organisations.models import Organisation, RecommendingUnit, Registration

WITHDRAWABLE_STATES = frozenset(
    {ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.RETURNED}
)


def organisation_out(organisation: Organisation) -> schemas.OrganisationOut:
    return schemas.OrganisationOut(
        id=organisation.pk, name=organisation.name, short_name=organisation.short_name
    )


def term_out(term: Domain | TeamType) -> schemas.TermOut:
    return schemas.TermOut(id=term.pk, name=term.name, label=term.label)


def nature_out(nature: OrganisationNature) -> schemas.NatureOut:
    return schemas.NatureOut(
        id=nature.pk, name=nature.name, label=nature.label, is_other=nature.is_other
    )


def industry_out(industry: Industry) -> schemas.IndustryOut:
    return schemas.IndustryOut(
        id=industry.pk,
        name=industry.name,
        label=industry.label,
        group=industry.group,
        group_label=industry.group_label,
        is_other=industry.is_other,
    )


def unit_out(unit: RecommendingUnit) -> schemas.UnitOut:
    return schemas.UnitOut(
        id=unit.pk, name=unit.name, kind=unit.kind, kind_label=str(unit.get_kind_display())
    )


def registration_out(registration: Registration) -> schemas.RegistrationOut:
    industries = sorted(registration.industries.all(), key=lambda i: (i.position, i.pk))
    return schemas.RegistrationOut(
        id=registration.pk,
        organisation=organisation_out(registration.organisation),
        campaign_year=registration.campaign.year,
        is_member=registration.is_member,
        nature=registration.nature_id,
        nature_name=registration.nature.label,
        nature_other=registration.nature_other,
        industries=[i.pk for i in industries],
        industry_names=[i.label for i in industries],
        industry_other=registration.industry_other,
        domain=registration.domain_id,
        domain_name=registration.domain.label,
        is_specialised=registration.is_specialised,
        is_high_tech=registration.is_high_tech,
        address=registration.address,
        postcode=registration.postcode,
        management_department=registration.management_department,
        promoter_name=registration.promoter_name,
        promoter_position=registration.promoter_position,
        promoter_mobile=registration.promoter_mobile,
        promoter_email=registration.promoter_email,
        participation=registration.participation,
        applies_with_experience=registration.applies_with_experience,
        updated_at=registration.updated_at,
    )


def attachment_out(attachment: Attachment) -> schemas.AttachmentOut:
    return schemas.AttachmentOut(
        id=attachment.pk,
        area=attachment.area,
        area_label=str(attachment.get_area_display()),
        original_name=attachment.original_name,
        content_type=attachment.content_type,
        size=attachment.size,
        sha256=attachment.sha256,
        uploaded_at=attachment.uploaded_at,
        download_url=reverse(
            "applications:attachment_download",
            kwargs={"pk": attachment.application_id, "attachment_pk": attachment.pk},
        ),
    )


def application_summary_out(application: Application) -> schemas.ApplicationSummaryOut:
    return schemas.ApplicationSummaryOut(
        id=application.pk,
        number=application.number,
        campaign_year=application.campaign.year,
        state=application.state,
        state_label=str(application.get_state_display()),
        version=application.version,
        organisation=organisation_out(application.organisation),
        recommending_unit=application.recommending_unit_id,
        recommending_unit_name=application.recommending_unit.name,
        team_name=application.team_name,
        team_type=application.team_type_id,
        team_type_name=application.team_type.label,
        submitted_at=application.submitted_at,
        updated_at=application.updated_at,
    )


def application_out(application: Application, *, user: User) -> schemas.ApplicationOut:
    ids = {"application_id": application.pk}
    is_member = user.has_perm("applications.change_application", application)
    stamped = (
        schemas.StampedFormOut(
            name=application.stamped_form_name,
            download_url=reverse("applications:stamped_download", kwargs={"pk": application.pk}),
        )
        if application.stamped_form
        else None
    )
    summary = application_summary_out(application)
    content: dict[str, Any] = {
        name: getattr(application, name)
        for name in [
            "team_size",
            *INDICATOR_FIELDS,
            *COMMITMENT_FIELDS,
            "eligibility_basic_unit",
            "eligibility_no_accidents",
            *MATERIAL_FIELDS.values(),
        ]
    }
    return schemas.ApplicationOut(
        **dict(summary),  # the summary's fields, as schema instances
        **content,
        attachments=[attachment_out(a) for a in application.attachments.all()],
        stamped_form=stamped,
        return_reason=application.return_reason,
        organisation_snapshot=application.organisation_snapshot or {},
        editable=is_member and application.is_editable,
        can_withdraw=is_member and application.state in WITHDRAWABLE_STATES,
        form_docx_url=reverse("api:application_form_docx", kwargs=ids),
        form_pdf_url=reverse("api:application_form_pdf", kwargs=ids),
    )
