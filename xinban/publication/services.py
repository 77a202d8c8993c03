"""Publication's writes: the organisation's consent, publishing a year's results (which
builds the case library entries and notifies the applicants after commit), certificates
and their batch generation. Each is atomic and audited."""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import MATERIAL_FIELDS, Application, ApplicationState
from xinban.campaigns.models import Campaign, PhaseKind
from xinban.campaigns.selectors import phase_is_open
from xinban.core.audit import audit_record
from xinban.core.errors import NotAllowed, ServiceError, WindowClosed, WrongState
from xinban.core.roles import roles_of
from xinban.core.rulebook import Refusal, enforce
from xinban.evaluation.selectors import application_domains
from xinban.notifications.delivery import notify_after_commit, organisation_emails
from xinban.publication.certificates import certificate_pdf
from xinban.publication.models import (
    CaseEntry,
    Certificate,
    ConsentScope,
    PublicationConsent,
)
from xinban.publication.selectors import (
    FACETS_CACHE_KEY,
    RESULT_STATES,
    forget_case_counts,
    level_of,
    search_text_of,
)
from xinban.tasks.api import enqueue_declared, task_id
from xinban.tasks.models import Task

# States that mean the evaluation of the year is not finished.
UNFINISHED_STATES = (
    ApplicationState.RECOMMENDED,
    ApplicationState.FORMAL_PASSED,
    ApplicationState.EXPERT_REVIEW,
    ApplicationState.TYPICAL_CANDIDATE,
)
SUMMARY_FIELDS = ("material_composition", "material_results")
# Alphabet of certificate codes: no 0/O, 1/I to be read back from paper.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# 12 random characters of 32: 60 bits, beyond guessing at any rate the site answers.
CODE_LENGTH = 12


def _require_staff(actor: User) -> None:
    if not roles_of(actor).is_staff:
        raise NotAllowed(_("只有质协工作人员可以操作。"), code="staff_only")


def consent_set(*, actor: User, application: Application, scope: str) -> PublicationConsent:
    """The organisation decides how much of its experience the public may read."""
    if application.organisation_id not in roles_of(actor).organisation_ids:
        raise NotAllowed(_("只有本单位成员可以设置公开范围。"), code="not_member")
    if scope not in ConsentScope.values:
        raise ServiceError(_("请选择公开范围。"), code="bad_scope", field="scope")
    if application.state not in RESULT_STATES:
        raise WrongState(_("只有入选的成果需要设置公开范围。"), code="not_selected")
    with transaction.atomic():
        consent, _created = PublicationConsent.objects.update_or_create(
            application=application, defaults={"scope": scope, "updated_by": actor}
        )
        audit_record(
            actor=actor, action="publication.consent_set", obj=application, changes={"scope": scope}
        )
        if application.campaign.results_published:
            case_entries_rebuild(campaign=application.campaign, only=[application.pk])
    return consent


def _texts(application: Application, scope: str) -> tuple[str, dict[str, str]]:
    if scope == ConsentScope.NAMES:
        return "", {}
    summary = "\n\n".join(
        getattr(application, name) for name in SUMMARY_FIELDS if getattr(application, name)
    )
    if scope == ConsentScope.SUMMARY:
        return summary[:2000], {}
    return summary[:2000], {
        str(area): getattr(application, name)
        for area, name in MATERIAL_FIELDS.items()
        if getattr(application, name)
    }


def case_entries_rebuild(*, campaign: Campaign, only: list[int] | None = None) -> int:
    """(Re)build the case library entries of a published year from the applications in
    their result states (names as frozen in the submission snapshot)."""
    apps = Application.objects.filter(campaign=campaign, state__in=RESULT_STATES).select_related(
        "organisation", "recommending_unit", "publication_consent", "evaluation_decision"
    )
    if only is not None:
        apps = apps.filter(pk__in=only)
    applications = list(apps)
    domains = application_domains(applications)
    entries = []
    for app in applications:
        decision = getattr(app, "evaluation_decision", None)
        level = level_of(app.state, bool(decision and decision.national))
        consent = getattr(app, "publication_consent", None)
        summary, materials = _texts(app, consent.scope if consent else ConsentScope.NAMES)
        snapshot = app.organisation_snapshot or {}
        domain, industries = domains[app.pk]
        organisation_name = snapshot.get("name") or app.organisation.name
        unit_name = app.recommending_unit.name if app.recommending_unit else ""
        entries.append(
            CaseEntry(
                application=app,
                year=campaign.year,
                level=level or "selected",
                organisation_name=organisation_name,
                team_name=app.team_name,
                unit_name=unit_name,
                domain=domain,
                industries="、".join(sorted(industries)),
                summary=summary,
                materials=materials,
                search_text=search_text_of(
                    organisation_name,
                    app.team_name,
                    unit_name,
                    domain,
                    "、".join(sorted(industries)),
                    summary,
                    *materials.values(),
                ),
            )
        )
    # Entries keep their ids (public links stay valid): update, create, delete the rest.
    with transaction.atomic():
        existing_qs = CaseEntry.objects.filter(application__campaign=campaign)
        if only is not None:
            existing_qs = existing_qs.filter(application_id__in=only)
        existing = dict(existing_qs.values_list("application_id", "pk"))
        keep = {e.application_id for e in entries}
        existing_qs.exclude(application_id__in=keep).delete()
        updates = [e for e in entries if e.application_id in existing]
        for entry in updates:
            entry.pk = existing[entry.application_id]
        CaseEntry.objects.bulk_update(
            updates,
            [
                "year",
                "level",
                "organisation_name",
                "team_name",
                "unit_name",
                "domain",
                "industries",
                "summary",
                "materials",
                "search_text",
            ],
            batch_size=500,
        )
        CaseEntry.objects.bulk_create(
            [e for e in entries if e.application_id not in existing], batch_size=500
        )
        transaction.on_commit(lambda: cache.delete(FACETS_CACHE_KEY))
        transaction.on_commit(forget_case_counts)
    return len(entries)


def publication_window_refusal(campaign: Campaign, override_reason: str = "") -> Refusal | None:
    """Results are published in the 活动成果发布 phase; outside it staff must give the
    reason for publishing anyway (audited). See docs/rules.md (rule 9)."""
    if override_reason.strip() or phase_is_open(campaign=campaign, kind=PhaseKind.PUBLICATION):
        return None
    return Refusal(
        _("现在不在“活动成果发布”阶段内。如需在该阶段之外发布，请填写提前或延后发布的原因。"),
        code="publication_window_closed",
        field="override_reason",
        error=WindowClosed,
    )


def results_publish(*, actor: User, campaign: Campaign, override_reason: str = "") -> int:
    """Publish a year's results: refused while any evaluation is unfinished, and outside
    the publication phase unless ``override_reason`` says why (recorded in the audit);
    builds the case library, notifies every applicant organisation after commit."""
    _require_staff(actor)
    override_reason = (override_reason or "").strip()
    with transaction.atomic():
        current = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if current.results_published:
            raise WrongState(_("本年度结果已发布。"), code="already_published")
        enforce(publication_window_refusal(current, override_reason))
        in_window = phase_is_open(campaign=current, kind=PhaseKind.PUBLICATION)
        unfinished = Application.objects.filter(
            campaign=current, state__in=UNFINISHED_STATES
        ).count()
        if unfinished:
            raise WrongState(
                _("还有 %(count)s 份申报的评价尚未完成，不能发布结果。") % {"count": unfinished},
                code="unfinished",
            )
        current.results_published = True
        current.save(update_fields=["results_published"])
        count = case_entries_rebuild(campaign=current)
        audit_record(
            actor=actor,
            action="publication.publish",
            obj=current,
            changes={
                "entries": count,
                **({} if in_window else {"override_reason": override_reason}),
            },
        )
        for entry in CaseEntry.objects.filter(application__campaign=current).select_related(
            "application"
        ):
            notify_after_commit(
                to=organisation_emails(entry.application.organisation_id),
                template="results_published",
                context={
                    "year": current.year,
                    "team_name": entry.team_name,
                    "level": entry.get_level_display(),
                },
            )
    return count


def _new_code(year: int) -> str:
    return f"{year}-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def certificate_for(application: Application, actor: User | None = None) -> Certificate:
    """The application's certificate, issued on first use (names from the case entry)."""
    return certificate_issue(application_id=application.pk, actor=actor)


def certificate_issue(*, application_id: int, actor: User | None = None) -> Certificate:
    """The certificate of a published experience (by its application's id), issued on
    first use with a new random code; the names, year and level are the case entry's."""
    existing = Certificate.objects.filter(application_id=application_id).first()
    if existing is not None:
        return existing
    entry = CaseEntry.objects.filter(application_id=application_id).first()
    if entry is None:
        raise WrongState(_("该成果尚未发布，没有证书。"), code="not_published")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    application_id=application_id,
                    code=_new_code(entry.year),
                    year=entry.year,
                    level=entry.level,
                    organisation_name=entry.organisation_name,
                    team_name=entry.team_name,
                )
                audit_record(
                    actor=actor,
                    action="publication.certificate_issue",
                    obj=certificate,
                    changes={"code": certificate.code, "application": application_id},
                )
                return certificate
        except IntegrityError:
            existing = Certificate.objects.filter(application_id=application_id).first()
            if existing is not None:
                return existing
    raise ServiceError(_("证书编号生成失败，请重试。"), code="code_collision")


def certificate_file(certificate: Certificate) -> Certificate:
    """Render and store the certificate's PDF once."""
    if not certificate.pdf:
        content = certificate_pdf(
            code=certificate.code,
            year=certificate.year,
            level=certificate.level,
            organisation_name=certificate.organisation_name,
            team_name=certificate.team_name,
        )
        certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(content), save=True)
    return certificate


def certificates_batch_start(*, actor: User, campaign: Campaign) -> Task:
    """Generate every certificate of a published year in the background (zip at the end)."""
    _require_staff(actor)
    if not campaign.results_published:
        raise WrongState(_("结果发布后才能生成证书。"), code="not_published")
    with transaction.atomic():
        # By name: the task module imports this one (it issues the certificates).
        queued = enqueue_declared(
            "publication.certificates", campaign_id=campaign.pk, user_id=actor.pk
        )
        task = Task.objects.get(pk=task_id(queued))
        audit_record(
            actor=actor,
            action="publication.certificates_batch",
            obj=campaign,
            changes={"task": task.pk},
        )
    return task
