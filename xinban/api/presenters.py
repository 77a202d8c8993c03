"""Model instances → response schemas (explicit, so every field's source is visible)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.urls import reverse

from xinban.accounts.models import User
from xinban.api import schemas
from xinban.applications.history import team_history
from xinban.applications.models import (
    COMMITMENT_FIELDS,
    INDICATOR_FIELDS,
    MATERIAL_FIELDS,
    Application,
    Attachment,
)
from xinban.applications.services import (  # the rules, docs/rules.md
    stamped_form_changes,
    stamped_form_refusal,
    withdraw_refusal,
)
from xinban.campaigns.models import Domain, Industry, OrganisationNature, TeamType
from xinban.organisations.models import Organisation, RecommendingUnit, Registration, UnitRole
from xinban.recommendation.models import (
    Invitation,
    Recommendation,
    UnitNote,
    UnitRecommendationReport,
)
from xinban.recommendation.selectors import RankingRow
from xinban.recommendation.services import (
    report_problems,
    report_warnings,
    review_minimum_refusal,
)
from xinban.scoring.models import Criterion, Judge, ScoreSheet, SheetStatus


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
            check=application.stamped_check,
            check_label=str(application.get_stamped_check_display()),
            version=application.stamped_version,
        )
        if application.stamped_form
        else None
    )
    changed = stamped_form_changes(application)
    stale = stamped_form_refusal(application, changes=changed)
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
        can_withdraw=is_member and withdraw_refusal(application) is None,
        stamped_form_stale=stale.message if stale else None,
        stamped_form_changed_fields=changed,
        indicator_warnings=application.indicator_flags,
        form_docx_url=reverse("api:application_form_docx", kwargs=ids),
        form_pdf_url=reverse("api:application_form_pdf", kwargs=ids),
        history=team_history_out(application),
    )


def team_history_out(application: Application) -> schemas.TeamHistoryOut:
    history = team_history(application)
    return schemas.TeamHistoryOut(
        team_id=history.team_id,
        team_name=history.team_name,
        entries=[schemas.TeamHistoryEntryOut(**asdict(e)) for e in history.entries],
        participation=schemas.ParticipationFindingOut(**asdict(history.participation))
        if history.participation
        else None,
    )


# --- recommending units ----------------------------------------------------------------------


def my_unit_out(unit: RecommendingUnit, *, role: str | None) -> schemas.MyUnitOut:
    return schemas.MyUnitOut(**dict(unit_out(unit)), role=role, is_admin=role == UnitRole.ADMIN)


def application_brief_out(application: Application) -> schemas.ApplicationBriefOut:
    """Reads only the application, its organisation and team type (join them)."""
    return schemas.ApplicationBriefOut(
        id=application.pk,
        number=application.number,
        state=application.state,
        state_label=str(application.get_state_display()),
        organisation=organisation_out(application.organisation),
        team_name=application.team_name,
        team_type=application.team_type_id,
        team_type_name=application.team_type.label,
        team_size=application.team_size,
        submitted_at=application.submitted_at,
    )


def _note_of(application: Application) -> UnitNote | None:
    # A missing reverse one-to-one raises (an AttributeError subclass), joined or not.
    return getattr(application, "unit_note", None)


def _recommendation_of(application: Application) -> Recommendation | None:
    return getattr(application, "recommendation", None)


def inbox_item_out(application: Any) -> schemas.InboxItemOut:
    """An application of ``selectors.unit_applications`` (annotated with the sheet counts)."""
    note = _note_of(application)
    return schemas.InboxItemOut(
        **dict(application_brief_out(application)),
        sheets_total=application.sheets_total,
        sheets_done=application.sheets_done,
        on_site_review=bool(note and note.on_site_review),
        on_site_date=note.on_site_date if note else None,
        recommended=_recommendation_of(application) is not None,
    )


def on_site_out(note: UnitNote | None) -> schemas.OnSiteOut:
    if note is None:
        return schemas.OnSiteOut(
            on_site_review=False, on_site_date=None, on_site_notes="", updated_at=None
        )
    return schemas.OnSiteOut(
        on_site_review=note.on_site_review,
        on_site_date=note.on_site_date,
        on_site_notes=note.on_site_notes,
        updated_at=note.updated_at,
    )


def assignment_out(sheet: ScoreSheet) -> schemas.AssignmentOut:
    return schemas.AssignmentOut(
        id=sheet.pk,
        judge_id=sheet.judge_id,
        judge_name=sheet.judge.name,
        status=sheet.status,
        status_label=str(sheet.get_status_display()),
        total=sheet.total,
        submitted_at=sheet.submitted_at,
    )


def recommendation_brief_out(
    recommendation: Recommendation | None,
) -> schemas.RecommendationBriefOut | None:
    if recommendation is None:
        return None
    return schemas.RecommendationBriefOut(
        id=recommendation.pk, opinion=recommendation.opinion, position=recommendation.position
    )


def recommendation_out(recommendation: Recommendation) -> schemas.RecommendationOut:
    return schemas.RecommendationOut(
        id=recommendation.pk,
        opinion=recommendation.opinion,
        position=recommendation.position,
        application=application_brief_out(recommendation.application),
    )


def unit_application_out(
    application: Application,
    *,
    user: User,
    sheets: list[ScoreSheet],
    conflicts: list[tuple[Judge, str | None]],
) -> schemas.UnitApplicationOut:
    """The application as its unit sees it; ``conflicts``: the panel, each judge with the
    reason they may not be assigned (or None)."""
    return schemas.UnitApplicationOut(
        **dict(application_out(application, user=user)),
        on_site=on_site_out(UnitNote.objects.filter(application=application).first()),
        assignments=[assignment_out(s) for s in sheets],
        panel=[
            schemas.PanelChoiceOut(
                judge_id=judge.pk, name=judge.name, conflict=str(reason) if reason else None
            )
            for judge, reason in conflicts
        ],
        revisions=[
            schemas.RevisionOut(
                number=revision.number,
                submitted_at=revision.submitted_at,
                url=reverse(
                    "applications:revision",
                    kwargs={"pk": application.pk, "number": revision.number},
                ),
            )
            for revision in application.revisions.all()
        ],
        recommendation=recommendation_brief_out(
            Recommendation.objects.filter(application=application).first()
        ),
    )


def panel_judge_out(judge: Judge, progress: dict[str, int] | None) -> schemas.PanelJudgeOut:
    progress = progress or {}
    return schemas.PanelJudgeOut(
        id=judge.pk,
        name=judge.name,
        employer=judge.employer,
        tgq_number=judge.tgq_number,
        address=judge.address,
        email=judge.email,
        mobile=judge.mobile,
        has_account=judge.user_id is not None,
        assigned=progress.get("assigned", 0),
        submitted=progress.get("submitted", 0),
    )


def invitation_out(invitation: Invitation) -> schemas.InvitationOut:
    """Never the token: it is the secret the invitee receives by e-mail."""
    return schemas.InvitationOut(
        id=invitation.pk,
        email=invitation.email,
        role=invitation.role,
        role_label=str(invitation.get_role_display()),
        created_at=invitation.created_at,
    )


def ranking_row_out(row: RankingRow, *, minimum: int = 0) -> schemas.RankingRowOut:
    """``minimum``: the year's minimum of submitted judge sheets to recommend (rule 2)."""
    refusal = review_minimum_refusal(submitted_sheets=row.judges, minimum=minimum)
    return schemas.RankingRowOut(
        review_refusal=refusal.message if refusal is not None else None,
        rank=row.rank,
        score=row.score,
        raw_mean=row.raw_mean,
        judges=row.judges,
        flagged=row.flagged,
        application=application_brief_out(row.application),
        recommendation=recommendation_brief_out(row.recommendation),
    )


def report_out(
    report: UnitRecommendationReport, *, quota: int, is_admin: bool
) -> schemas.ReportOut:
    """``report`` as read by ``selectors.unit_report`` (recommendations joined), or an
    unsaved one when the unit has not started its report yet."""
    unit = report.unit
    recommendations = list(report.recommendations.all()) if report.pk else []
    ids = {"unit_id": unit.pk}
    scan = (
        schemas.ScanOut(
            name=report.stamped_scan_name,
            download_url=reverse(
                "recommendation:report_scan_download", kwargs={"unit_pk": unit.pk}
            ),
            check=report.stamped_check,
            version=report.stamped_version,
        )
        if report.stamped_scan
        else None
    )
    return schemas.ReportOut(
        id=report.pk,
        campaign_year=report.campaign.year,
        unit=unit_out(unit),
        status=report.status,
        status_label=str(report.get_status_display()),
        filler_name=report.filler_name,
        filler_phone=report.filler_phone,
        fill_date=report.fill_date,
        no_fee_declared=report.no_fee_declared,
        declaration_accepted=report.declaration_accepted,
        stamped_scan=scan,
        submitted_at=report.submitted_at,
        void_reason=report.void_reason,
        voided_at=report.voided_at,
        quota=quota,
        recommendations=[recommendation_out(r) for r in recommendations],
        total_team_size=sum(r.application.team_size for r in recommendations),
        problems=(
            {}
            if report.is_locked
            else {name: str(text) for name, text in report_problems(report).items()}
        ),
        warnings=[] if report.is_locked else report_warnings(report),
        editable=is_admin and not report.is_locked,
        xlsx_url=reverse("api:unit_report_xlsx", kwargs=ids),
        docx_url=reverse("api:unit_report_docx", kwargs=ids),
    )


# --- judges ------------------------------------------------------------------------------------


def _stage_fields(sheet: ScoreSheet) -> dict[str, Any]:
    return {
        "id": sheet.pk,
        "stage": sheet.stage,
        "stage_label": str(sheet.get_stage_display()),
        "status": sheet.status,
        "status_label": str(sheet.get_status_display()),
        "total": sheet.total,
        "submitted_at": sheet.submitted_at,
    }


def sheet_summary_out(sheet: ScoreSheet) -> schemas.SheetSummaryOut:
    return schemas.SheetSummaryOut(
        **_stage_fields(sheet), application=application_brief_out(sheet.application)
    )


def criterion_out(criterion: Criterion) -> schemas.CriterionOut:
    return schemas.CriterionOut(
        id=criterion.pk,
        name=criterion.label,
        weight=criterion.weight,
        max_points=criterion.max_points,
        position=criterion.position,
        descriptor=criterion.description,
    )


def sheet_out(sheet: ScoreSheet, *, user: User, criteria: list[Criterion]) -> schemas.SheetOut:
    return schemas.SheetOut(
        **_stage_fields(sheet),
        editable=sheet.status != SheetStatus.SUBMITTED,
        criteria=[criterion_out(c) for c in criteria],
        points={str(score.criterion_id): score.points for score in sheet.scores.all()},
        conformity=sheet.conformity,
        features=sheet.features,
        shortcomings=sheet.shortcomings,
        application=application_out(sheet.application, user=user),
    )
