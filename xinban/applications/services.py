"""Application (附件3) writes. Each public function is one atomic, audited transition that
checks the current state, the actor's right and the phase window."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.lifecycle import Notice, transition
from xinban.applications.models import (
    ACTIVE_STATES,
    COMMITMENT_FIELDS,
    EDITABLE_STATES,
    INDICATOR_FIELDS,
    MATERIAL_FIELDS,
    Application,
    ApplicationRevision,
    ApplicationState,
    Attachment,
    YearSequence,
)
from xinban.applications.selectors import (
    application_printed_content,
    printed_changes,
)
from xinban.applications.teams import team_after_rename, team_recognise
from xinban.campaigns.models import Campaign, PhaseKind, TeamNameEnding
from xinban.campaigns.selectors import phase_is_open
from xinban.core import uploads
from xinban.core.audit import audit_record
from xinban.core.errors import (
    ConcurrentEdit,
    NotAllowed,
    ServiceError,
    WindowClosed,
    WrongState,
)
from xinban.core.roles import roles_of
from xinban.core.rulebook import Refusal, enforce
from xinban.core.stamp import DocumentKind, ScanCheck, Stamp, matches, read_stamps
from xinban.core.validators import team_name_problem
from xinban.notifications.delivery import notify_after_commit, organisation_emails
from xinban.organisations.models import Organisation, RecommendingUnit, Registration
from xinban.organisations.services import unit_accepts
from xinban.recommendation.models import Recommendation, ReportStatus
from xinban.recommendation.services import unit_emails
from xinban.tasks.api import enqueue_declared

ATTACHMENT_KINDS = (uploads.UploadKind.DOCUMENT, uploads.UploadKind.IMAGE)

# The content an applicant edits (the form's fields, in order).
CONTENT_FIELDS = [
    "recommending_unit",
    "team_name",
    "team_type",
    "team_size",
    *INDICATOR_FIELDS,
    *COMMITMENT_FIELDS,
    "eligibility_basic_unit",
    "eligibility_no_accidents",
    *MATERIAL_FIELDS.values(),
]


class SubmissionIncomplete(ServiceError):
    """Submission refused; `problems` maps each field to what is missing."""

    status = 400

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(
            _("申报表还不完整，请补全标红的内容后再提交。"), code="incomplete", field=None
        )
        self.problems = problems


@dataclass(frozen=True)
class Limits:
    max_per_org: int


# --- guards -----------------------------------------------------------------------------


def _require_member(actor: User, organisation_id: int) -> None:
    if organisation_id not in roles_of(actor).organisation_ids:
        raise NotAllowed(_("只有本单位成员可以修改本单位的申报。"), code="not_member")


def _require_window(
    application_or_campaign: Campaign, organisation_id: int, *kinds: PhaseKind
) -> None:
    for kind in kinds:
        if phase_is_open(
            campaign=application_or_campaign, kind=kind, organisation_id=organisation_id
        ):
            return
    raise WindowClosed(_("成果申报不在开放时间内，无法修改或提交。"), code="window_closed")


def _require_state(application: Application, allowed: Iterable[str]) -> None:
    if application.state not in set(allowed):
        raise WrongState(
            _("当前状态（%(state)s）下不能进行此操作。")
            % {"state": application.get_state_display()},
            code="wrong_state",
        )


def _lock(application: Application) -> Application:
    """Re-read the application under a row lock; the caller's copy may be stale. The
    objects every save path reads (its campaign, organisation, unit and team type) come in
    the same query, so the lock is held for fewer round trips (docs/loadtest.md); only the
    application's row is locked."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("campaign", "organisation", "recommending_unit", "team_type")
        .get(pk=application.pk)
    )


def _edit_window_kinds(state: str, *, formally_returned: bool = False) -> tuple[PhaseKind, ...]:
    # A returned application is corrected while the units recommend, so the recommendation
    # window counts too; one the association's formal review returned is corrected during
    # the evaluation; fresh drafts follow the application window alone.
    if state == ApplicationState.RETURNED:
        if formally_returned:
            return (PhaseKind.APPLICATION, PhaseKind.RECOMMENDATION, PhaseKind.EVALUATION)
        return (PhaseKind.APPLICATION, PhaseKind.RECOMMENDATION)
    return (PhaseKind.APPLICATION,)


def _returned_by_formal_review(application: Application) -> bool:
    """Returned after its unit recommended it (it sits on a submitted 附件5): the
    association's formal review returned it, and resubmitting sends it back there."""
    if application.state != ApplicationState.RETURNED:
        return False

    return Recommendation.objects.filter(
        application=application, report__status=ReportStatus.SUBMITTED
    ).exists()


def _edit_kinds_for(application: Application) -> tuple[PhaseKind, ...]:
    return _edit_window_kinds(
        application.state, formally_returned=_returned_by_formal_review(application)
    )


# --- rules ------------------------------------------------------------------------------


def accepted_team_name_endings() -> list[str]:
    return list(TeamNameEnding.objects.filter(active=True).values_list("name", flat=True))


def team_name_refusal(name: str, organisation: Organisation | None) -> Refusal | None:
    """Rule 3 (附件3 注3): the team's full name, no whitespace of any kind, never "**班组",
    an accepted ending, neither the organisation's own name nor a superior department
    in it. Used by the form (pages, API) and the service. See docs/rules.md."""
    own = [organisation.name, organisation.short_name] if organisation is not None else []
    problem = team_name_problem(name, accepted_team_name_endings(), own)
    if problem is None:
        return None
    return Refusal(problem, code="team_name", field="team_name", error=ServiceError)


def _check_team_rules(
    *,
    organisation: Organisation,
    campaign: Campaign,
    team_name: str,
    team_type_id: int,
    exclude_pk: int | None,
) -> None:
    enforce(team_name_refusal(team_name, organisation))
    siblings = Application.objects.filter(
        organisation=organisation, campaign=campaign, state__in=ACTIVE_STATES
    )
    if exclude_pk is not None:
        siblings = siblings.exclude(pk=exclude_pk)
    # Both rules from one query (a save holds the row lock meanwhile: docs/loadtest.md).
    clashes = list(
        siblings.filter(Q(team_type_id=team_type_id) | Q(team_name=team_name)).values_list(
            "team_type_id", "team_name"
        )
    )
    if any(type_id == team_type_id for type_id, _name in clashes):
        raise ServiceError(
            _("本单位本年度已有同一班组类型的申报，各申报的班组类型应有所差异。"),
            code="duplicate_team_type",
            field="team_type",
        )
    if any(name == team_name for _type_id, name in clashes):
        raise ServiceError(
            _("本单位本年度已申报同名班组。"), code="duplicate_team_name", field="team_name"
        )


def _check_unit(unit: RecommendingUnit, registration: Registration) -> None:
    if not unit_accepts(unit, registration):
        raise ServiceError(
            _("本单位不符合该推荐单位的受理条件，请选择所在区、行业或集团。"),
            code="unit_not_eligible",
            field="recommending_unit",
        )


def _registration_for(organisation: Organisation, campaign: Campaign) -> Registration:
    registration = (
        Registration.objects.select_related("nature", "domain")
        .filter(organisation=organisation, campaign=campaign)
        .first()
    )
    if registration is None:
        raise ServiceError(_("请先填写本年度报名表（附件2），再新建申报。"), code="not_registered")
    return registration


class RegistrationUpdateNeeded(WrongState):
    """Refused until the organisation updates its 附件2: the answer carries where to do it
    (the page, and the API operation) as ``links``."""

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message, code=code, field=field)
        self.links = {
            "registration_page": reverse("organisations:registration"),
            "registration_api": "/api/registration",
        }


def create_refusal(registration: Registration) -> Refusal | None:
    """Rule 5 (docs/rules.md): an organisation whose 附件2 says 暂无建设经验申报 (it does
    not apply with a team's experience this year) updates its registration first."""
    if not registration.applies_with_experience:
        return Refusal(
            _(
                "本单位本年度报名表（附件2）的申报意向为“暂无建设经验申报”，不能新建申报。"
                "如需申报，请先修改报名表，勾选“参加活动申报质量信得过班组建设经验”。"
            ),
            code="registration_without_experience",
            error=RegistrationUpdateNeeded,
        )
    return None


def application_number_next(year: int) -> str:
    """The next 编号 (year + 4-digit sequence). Call inside a transaction."""
    YearSequence.objects.get_or_create(year=year)
    seq = YearSequence.objects.select_for_update().get(year=year)
    seq.last = F("last") + 1
    seq.save(update_fields=["last"])
    seq.refresh_from_db(fields=["last"])
    return f"{year}{seq.last:04d}"


# --- transitions ------------------------------------------------------------------------


def application_create(
    *, actor: User, organisation: Organisation, campaign: Campaign, data: dict[str, Any]
) -> Application:
    """A new draft. `data` holds the content fields (a form's cleaned_data)."""
    _require_member(actor, organisation.pk)
    _require_window(campaign, organisation.pk, PhaseKind.APPLICATION)
    with transaction.atomic():
        # Locking the organisation serialises concurrent creates for it (limit, team type).
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        registration = _registration_for(organisation, campaign)
        enforce(create_refusal(registration))
        active = Application.objects.filter(
            organisation=organisation, campaign=campaign, state__in=ACTIVE_STATES
        ).count()
        if active >= campaign.max_applications_per_org:
            raise ServiceError(
                _("每家单位每年度最多申报 %(n)s 个班组，本单位已达上限。")
                % {"n": campaign.max_applications_per_org},
                code="limit_reached",
            )
        _check_team_rules(
            organisation=organisation,
            campaign=campaign,
            team_name=data["team_name"],
            team_type_id=data["team_type"].pk,
            exclude_pk=None,
        )
        _check_unit(data["recommending_unit"], registration)
        application = Application(
            campaign=campaign,
            organisation=organisation,
            created_by=actor,
            number=application_number_next(campaign.year),
        )
        _assign_content(application, data)
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError as exc:
            raise ServiceError(
                _("本单位本年度已有同一班组类型的申报。"),
                code="duplicate_team_type",
                field="team_type",
            ) from exc
        team_recognise(application)
        audit_record(
            actor=actor,
            action="application.create",
            obj=application,
            changes=_content_values(application),
        )
    return application


def application_update(
    *, actor: User, application: Application, data: dict[str, Any], expected_version: int
) -> Application:
    """Save the applicant's edits. A form opened on an older version is refused, so
    nobody's input is silently overwritten."""
    _require_member(actor, application.organisation_id)
    with transaction.atomic():
        current = _lock(application)
        _require_state(current, EDITABLE_STATES)
        _require_window(current.campaign, current.organisation_id, *_edit_kinds_for(current))
        if current.version != expected_version:
            raise ConcurrentEdit(
                _(
                    "这份申报已被同事在 %(time)s 修改过。为避免覆盖对方的内容，本次未保存；"
                    "您的输入仍保留在下方，请核对后重新保存。"
                )
                % {"time": timezone.localtime(current.updated_at).strftime("%H:%M:%S")},
                code="concurrent_edit",
            )
        registration = _registration_for(current.organisation, current.campaign)
        _check_team_rules(
            organisation=current.organisation,
            campaign=current.campaign,
            team_name=data["team_name"],
            team_type_id=data["team_type"].pk,
            exclude_pk=current.pk,
        )
        if data["recommending_unit"].pk != current.recommending_unit_id:
            _check_unit(data["recommending_unit"], registration)
        before = _content_values(current)
        _assign_content(current, data)
        current.version = current.version + 1
        current.save()
        if before["team_name"] != current.team_name:
            team_after_rename(current)
        after = _content_values(current)
        audit_record(
            actor=actor,
            action="application.update",
            obj=current,
            changes={k: [before[k], v] for k, v in after.items() if before[k] != v},
        )
    return current


def application_attachment_add(
    *, actor: User, application: Application, area: int, file: UploadedFile
) -> Attachment:
    _require_member(actor, application.organisation_id)
    detected = uploads.validate_upload(file, kinds=ATTACHMENT_KINDS)
    with _FilesWrittenInTransaction() as files, transaction.atomic():
        current = _lock(application)
        _require_state(current, EDITABLE_STATES)
        _require_window(current.campaign, current.organisation_id, *_edit_kinds_for(current))
        attachment = Attachment(
            application=current,
            area=area,
            original_name=uploads.clean_display_name(file.name or "file"),
            content_type=detected.mime,
            size=file.size or 0,
            sha256=uploads.sha256_of(file),
            uploaded_by=actor,
        )
        attachment.file.save(
            uploads.safe_storage_name(file.name or "", ext=detected.ext), file, save=False
        )
        files.track(attachment.file)
        attachment.save()
        Application.objects.filter(pk=current.pk).update(version=F("version") + 1)
        audit_record(
            actor=actor,
            action="application.attachment_add",
            obj=current,
            changes={"area": area, "name": attachment.original_name, "sha256": attachment.sha256},
        )
    return attachment


def application_attachment_remove(
    *, actor: User, application: Application, attachment: Attachment
) -> None:
    _require_member(actor, application.organisation_id)
    with transaction.atomic():
        current = _lock(application)
        _require_state(current, EDITABLE_STATES)
        _require_window(current.campaign, current.organisation_id, *_edit_kinds_for(current))
        if attachment.application_id != current.pk:
            raise NotAllowed(_("附件不属于该申报。"), code="foreign_attachment")
        name = attachment.original_name
        stored = attachment.file.name
        assert stored is not None  # a saved attachment always has a stored file
        attachment.delete()
        Application.objects.filter(pk=current.pk).update(version=F("version") + 1)
        audit_record(
            actor=actor,
            action="application.attachment_remove",
            obj=current,
            changes={"name": name},
        )
        storage = attachment.file.storage
        transaction.on_commit(lambda: storage.delete(stored))


class ScanRefused(ServiceError):
    """The stamped scan is of another document or version (its code says which)."""

    status = 400


def _scan_refusal(
    application: Application, stamps: list[Stamp], content: dict[str, object]
) -> ScanRefused | None:
    """Why a scan whose codes are ``stamps`` does not belong to the application as it
    prints now, naming the document and version it belongs to; None when one of them
    matches. Called under the row lock with what the form prints now."""
    own = [s for s in stamps if s.kind == DocumentKind.APPLICATION]
    for stamp in own:
        if stamp.number == application.number and matches(stamp, content):
            return None
    stamp = own[0] if own else stamps[0]
    if stamp.kind != DocumentKind.APPLICATION:
        return ScanRefused(
            _(
                "该扫描件是%(kind)s %(number)s（第 %(version)s 版），不是申报表。"
                "请上传本申报（%(own)s）的申报表盖章后的扫描件。"
            )
            % {
                "kind": stamp.kind_name,
                "number": stamp.number,
                "version": stamp.version,
                "own": application.number,
            },
            code="scan_wrong_document",
            field="file",
        )
    if stamp.number != application.number:
        return ScanRefused(
            _(
                "该扫描件是另一份申报（编号 %(number)s，第 %(version)s 版）的申报表，"
                "不是本申报（%(own)s）的。"
            )
            % {"number": stamp.number, "version": stamp.version, "own": application.number},
            code="scan_other_application",
            field="file",
        )
    return ScanRefused(
        _(
            "该扫描件是本申报第 %(version)s 版的申报表，此后申报表上打印的内容已修改"
            "（当前为第 %(current)s 版）。请下载最新的申报表，盖章后重新上传。"
        )
        % {"version": stamp.version, "current": application.version},
        code="scan_outdated",
        field="file",
    )


def application_stamped_form_upload(
    *, actor: User, application: Application, file: UploadedFile
) -> Application:
    """Accept the stamped scan of the 申报表 as it prints now. Its QR code is read first
    (outside the transaction: rendering takes a moment): a scan of another document,
    application or version is refused naming it; a scan whose code cannot be read is
    accepted as 未能核验 (docs/rules.md, "The stamp check")."""
    _require_member(actor, application.organisation_id)
    detected = uploads.validate_upload(file, kinds=uploads.UploadKind.SCAN)
    file.seek(0)
    stamps = read_stamps(file.read())
    file.seek(0)
    with _FilesWrittenInTransaction() as files, transaction.atomic():
        current = _lock(application)
        _require_state(current, EDITABLE_STATES)
        _require_window(current.campaign, current.organisation_id, *_edit_kinds_for(current))
        content = application_printed_content(current)
        if stamps:
            refusal = _scan_refusal(current, stamps, content)
            if refusal is not None:
                raise refusal
        matched = next(
            (s for s in stamps if s.number == current.number and matches(s, content)), None
        )
        old_name = current.stamped_form.name if current.stamped_form else ""
        current.stamped_form.save(
            uploads.safe_storage_name(file.name or "", ext=detected.ext), file, save=False
        )
        files.track(current.stamped_form)
        current.stamped_form_name = uploads.clean_display_name(file.name or "scan")
        current.stamped_check = ScanCheck.VERIFIED if matched else ScanCheck.UNVERIFIED
        current.stamped_version = matched.version if matched else None
        current.stamped_content = content
        current.version = current.version + 1
        current.save(
            update_fields=[
                "stamped_form",
                "stamped_form_name",
                "stamped_check",
                "stamped_version",
                "stamped_content",
                "version",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action="application.stamped_form_upload",
            obj=current,
            changes={
                "name": current.stamped_form_name,
                "sha256": uploads.sha256_of(file),
                "stamped_check": current.stamped_check,
                "stamped_version": current.stamped_version,
            },
        )
        if old_name:
            storage = current.stamped_form.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return current


def stamped_form_changes(application: Application) -> list[str]:
    """The printed fields (named as the form prints them) that changed since the stamped
    scan was accepted; [] without a scan or for a scan from before the stamp check."""
    if not application.stamped_form or not application.stamped_content:
        return []
    return printed_changes(application.stamped_content, application_printed_content(application))


def stamped_form_refusal(
    application: Application, *, changes: list[str] | None = None
) -> Refusal | None:
    """Rule 4 (docs/rules.md): the stamped form belongs to what was stamped. When a field
    the generated 申报表 prints changed after the scan was accepted, the scan is stale and
    submission asks for a new one, naming the changed fields (``changes``, when the
    caller has them already)."""
    changed = stamped_form_changes(application) if changes is None else changes
    if not changed:
        return None
    return Refusal(
        _(
            "盖章申报表扫描件上传后，申报表上打印的以下内容已修改：%(fields)s。"
            "请下载最新的申报表，盖章后重新上传扫描件。"
        )
        % {"fields": "、".join(changed)},
        code="stamped_form_stale",
        field="stamped_form",
    )


def submission_problems(application: Application) -> dict[str, str]:
    """What is missing before the application can be submitted (field → message)."""
    problems: dict[str, str] = {}
    for name in INDICATOR_FIELDS:
        if getattr(application, name) is None:
            problems[name] = _("请填写此项指标。")
    if application.accidents_per_year not in (None, 0):
        problems["accidents_per_year"] = _(
            "申报条件要求班组近三年无质量、安全、环保事故，年质量、安全事故数应为0。"
        )
    for name in COMMITMENT_FIELDS:
        if not getattr(application, name):
            problems[name] = _("请确认此项组织承诺。")
    if not application.eligibility_basic_unit:
        problems["eligibility_basic_unit"] = _("被推荐班组必须是单位最基础的正式组织单元。")
    if not application.eligibility_no_accidents:
        problems["eligibility_no_accidents"] = _("请确认班组近三年无质量、安全、环保事故。")
    areas_with_files = set(application.attachments.values_list("area", flat=True))
    for area, field in MATERIAL_FIELDS.items():
        if not getattr(application, field).strip() and area not in areas_with_files:
            problems[field] = _("请填写该部分创建材料或上传附件。")
    if not application.stamped_form:
        problems["stamped_form"] = _("请上传加盖公章的申报表扫描件。")
    else:
        stale = stamped_form_refusal(application)
        if stale is not None:
            problems["stamped_form"] = stale.message
    return problems


def application_submit(*, actor: User, application: Application) -> Application:
    _require_member(actor, application.organisation_id)
    with transaction.atomic():
        current = _lock(application)
        _require_state(current, EDITABLE_STATES)
        _require_window(current.campaign, current.organisation_id, *_edit_kinds_for(current))
        enforce(stamped_form_refusal(current))
        problems = submission_problems(current)
        if problems:
            raise SubmissionIncomplete(problems)
        registration = _registration_for(current.organisation, current.campaign)
        back_to_association = _returned_by_formal_review(current)
        current.organisation_snapshot = registration_snapshot(registration)
        current.submitted_at = timezone.now()
        current.return_reason = ""
        revision_number = current.revisions.count() + 1
        ApplicationRevision.objects.create(
            application=current,
            number=revision_number,
            content=application_content_snapshot(current),
            submitted_at=current.submitted_at,
            submitted_by=actor,
        )
        # The similarity check (docs/similarity.md) runs in the background after commit
        # (by name: the integrity area sits above this one).
        enqueue_declared("integrity.check", application_id=current.pk, user_id=actor.pk)
        # The state change and its audit entry last (tests/faults pause there).
        transition(
            current,
            via="submit",
            to=ApplicationState.RECOMMENDED if back_to_association else ApplicationState.SUBMITTED,
            fields=None,
            actor=actor,
            action="application.resubmit"
            if current.state == ApplicationState.RETURNED
            else "application.submit",
            changes={"revision": revision_number},
            # The organisation's confirmation, with the number to quote.
            notice=Notice(
                to=organisation_emails(current.organisation_id),
                template="application_submitted",
                context={"application": current, "revision": revision_number},
            ),
        )
    return current


WITHDRAWABLE_STATES = frozenset(
    {ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.RETURNED}
)


def withdraw_refusal(application: Application) -> Refusal | None:
    """The one withdrawal rule (page, API and service ask it): a draft, submitted or
    returned application may be withdrawn while the application or recommendation phase
    is open, until its unit files the recommendation (附件5). See docs/rules.md."""
    if application.state not in WITHDRAWABLE_STATES:
        return Refusal(
            _("当前状态（%(state)s）下不能撤回：推荐单位报送推荐表后不能再撤回。")
            % {"state": application.get_state_display()},
            code="wrong_state",
        )
    if _returned_by_formal_review(application):
        # Returned by the association's formal review: the unit has already decided.
        return Refusal(_("该申报已由推荐单位报送，不能撤回。"), code="already_recommended")
    if not any(
        phase_is_open(
            campaign=application.campaign, kind=kind, organisation_id=application.organisation_id
        )
        for kind in (PhaseKind.APPLICATION, PhaseKind.RECOMMENDATION)
    ):
        return Refusal(
            _("成果申报和成果推荐均不在开放时间内，不能撤回。"),
            code="window_closed",
            error=WindowClosed,
        )
    return None


def application_withdraw(*, actor: User, application: Application, reason: str = "") -> Application:
    """Withdrawal is possible until the recommending unit has filed its recommendation
    (:func:`withdraw_refusal`). A unit whose open list held the team is told."""
    _require_member(actor, application.organisation_id)
    with transaction.atomic():
        current = _lock(application)
        enforce(withdraw_refusal(current))
        listed_by = _drop_from_recommendation_list(current)
        transition(
            current,
            via="withdraw",
            to=ApplicationState.WITHDRAWN,
            actor=actor,
            action="application.withdraw",
            changes={"reason": reason},
        )
        if listed_by is not None:
            notify_after_commit(
                to=unit_emails(listed_by.pk),
                template="application_withdrawn_from_list",
                context={"application": current, "unit": listed_by, "reason": reason},
            )
    return current


def return_refusal(actor: User, application: Application) -> Refusal | None:
    """Whether ``actor`` may return ``application`` for correction now (the unit's
    application page offers the form, the API and the service ask it): the recommending
    unit's admin while the recommendation phase is open, or staff at any time; only a
    submitted application. See docs/rules.md, "The application's lifecycle"."""
    roles = roles_of(actor)
    if not (roles.is_staff or application.recommending_unit_id in roles.unit_admin_ids):
        return Refusal(
            _("只有推荐单位管理员或质协工作人员可以退回申报。"),
            code="not_unit_admin",
            error=NotAllowed,
        )
    if application.state != ApplicationState.SUBMITTED:
        return Refusal(
            _("当前状态（%(state)s）下不能进行此操作。")
            % {"state": application.get_state_display()},
            code="wrong_state",
        )
    if not roles.is_staff and not phase_is_open(
        campaign=application.campaign,
        kind=PhaseKind.RECOMMENDATION,
        unit_id=application.recommending_unit_id,
    ):
        return Refusal(_("成果推荐不在开放时间内。"), code="window_closed", error=WindowClosed)
    return None


def application_return_for_correction(
    *, actor: User, application: Application, reason: str
) -> Application:
    """The recommending unit (or staff) returns a submitted application with a reason
    (:func:`return_refusal`)."""
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("请填写退回原因。"), code="reason_required", field="reason")
    with transaction.atomic():
        current = _lock(application)
        enforce(return_refusal(actor, current))
        current.return_reason = reason
        transition(
            current,
            via="return",
            to=ApplicationState.RETURNED,
            fields=["return_reason"],
            actor=actor,
            action="application.return",
            changes={"reason": reason},
            notice=Notice(
                to=organisation_emails(current.organisation_id),
                template="application_returned",
                context={"application": current},
            ),
        )
    return current


# --- helpers ----------------------------------------------------------------------------


def _drop_from_recommendation_list(application: Application) -> RecommendingUnit | None:
    """A withdrawn team leaves its unit's (still open) recommendation list; returns the
    unit whose list held it."""

    recommendation = (
        Recommendation.objects.select_related("report__unit")
        .filter(application=application)
        .first()
    )
    if recommendation is None:
        return None
    report = recommendation.report
    recommendation.delete()
    for position, rec in enumerate(report.recommendations.order_by("position", "id"), start=1):
        if rec.position != position:
            rec.position = position
            rec.save(update_fields=["position"])
    return report.unit


def _assign_content(application: Application, data: dict[str, Any]) -> None:
    for name in CONTENT_FIELDS:
        if name in data:
            setattr(application, name, data[name])


def _content_values(application: Application) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in CONTENT_FIELDS:
        value = getattr(application, name)
        values[name] = str(value) if hasattr(value, "pk") else value
    return values


def application_content_snapshot(application: Application) -> dict[str, Any]:
    values: dict[str, Any] = {
        k: (str(v) if v is not None and not isinstance(v, bool | int | str) else v)
        for k, v in _content_values(application).items()
    }
    values["attachments"] = [
        {"area": a.area, "name": a.original_name, "sha256": a.sha256}
        for a in application.attachments.all()
    ]
    values["organisation"] = application.organisation_snapshot
    return values


def registration_snapshot(registration: Registration) -> dict[str, Any]:
    """附件2 data frozen into the application at submission."""
    return {
        "name": registration.organisation.name,
        "short_name": registration.organisation.short_name,
        "is_member": registration.is_member,
        "nature": registration.nature.name,
        "nature_other": registration.nature_other,
        "industries": [i.name for i in registration.industries.all()],
        "industry_other": registration.industry_other,
        "domain": registration.domain.name,
        "address": registration.address,
        "postcode": registration.postcode,
        "management_department": registration.management_department,
        "promoter_name": registration.promoter_name,
        "promoter_position": registration.promoter_position,
        "promoter_mobile": registration.promoter_mobile,
        "promoter_email": registration.promoter_email,
    }


class _FilesWrittenInTransaction:
    """Deletes files written during a transaction when it does not commit, so a failed
    upload leaves no orphan file behind. (A killed process may still leave an unreferenced
    file in storage; no row points to it, so nobody can see it.)"""

    def __init__(self) -> None:
        self.written: list[tuple[Any, str]] = []

    def track(self, fieldfile: Any) -> None:
        self.written.append((fieldfile.storage, fieldfile.name))

    def __enter__(self) -> _FilesWrittenInTransaction:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None:
            for storage, name in self.written:
                if name and storage.exists(name):
                    storage.delete(name)
