"""A recommending unit's transitions: panel and invitations, assignment of its judges,
on-site review notes, recommendation within quota, the signed 附件5 and its void."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.lifecycle import TRANSITIONS, Notice, transition
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign, PhaseKind
from xinban.campaigns.selectors import campaign_current, phase_is_open, phase_window_end
from xinban.core import uploads
from xinban.core.audit import audit_record
from xinban.core.errors import NotAllowed, ServiceError, WindowClosed, WrongState
from xinban.core.roles import forget_roles, roles_of
from xinban.core.rulebook import Refusal, enforce
from xinban.core.stamp import DocumentKind, ScanCheck, Stamp, matches, read_stamps
from xinban.evaluation.models import Decision
from xinban.notifications.delivery import notify_after_commit, organisation_emails
from xinban.organisations.models import Organisation, RecommendingUnit, UnitMembership
from xinban.recommendation.documents import printed_content
from xinban.recommendation.models import (
    Invitation,
    InvitationRole,
    PanelMember,
    Recommendation,
    ReportStatus,
    UnitNote,
    UnitQuota,
    UnitRecommendationReport,
)
from xinban.recommendation.selectors import recommendation_form_data, report_number, unit_ranking
from xinban.scoring.models import ConflictDeclaration, Judge, ScoreSheet, SheetStatus, Stage
from xinban.scoring.services import rubric_for

# --- guards -----------------------------------------------------------------------------


def require_unit_admin(actor: User, unit_id: int) -> None:
    if unit_id not in roles_of(actor).unit_admin_ids:
        raise NotAllowed(_("只有该推荐单位的管理员可以进行此操作。"), code="not_unit_admin")


def require_unit_member(actor: User, unit_id: int) -> None:
    if unit_id not in roles_of(actor).unit_ids:
        raise NotAllowed(_("只有该推荐单位的成员可以进行此操作。"), code="not_unit_member")


def require_staff(actor: User) -> None:
    if not roles_of(actor).is_staff:
        raise NotAllowed(_("只有质协工作人员可以进行此操作。"), code="not_staff")


def require_recommendation_window(campaign: Campaign, unit_id: int) -> None:
    if not phase_is_open(campaign=campaign, kind=PhaseKind.RECOMMENDATION, unit_id=unit_id):
        raise WindowClosed(_("成果推荐不在开放时间内。"), code="window_closed")


def report_for(
    *, unit: RecommendingUnit, campaign: Campaign, lock: bool = False
) -> UnitRecommendationReport:
    UnitRecommendationReport.objects.get_or_create(unit=unit, campaign=campaign)
    qs = UnitRecommendationReport.objects.select_related("unit", "campaign")
    if lock:
        qs = qs.select_for_update()
    return qs.get(unit=unit, campaign=campaign)


def _require_open_report(report: UnitRecommendationReport) -> None:
    if report.is_locked:
        raise WrongState(_("本单位的推荐表已报送质协，不能再修改。"), code="report_locked")


def _lock_application(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("campaign", "organisation", "recommending_unit")
        .get(pk=application.pk)
    )


# --- members, judges and invitations -----------------------------------------------------


def invitation_send(
    *, actor: User, unit: RecommendingUnit, email: str, role: str, judge: Judge | None = None
) -> Invitation:
    """Staff create a unit's first admin; a unit's admins invite members and judges."""
    if not roles_of(actor).is_staff:
        require_unit_admin(actor, unit.pk)
    if role not in InvitationRole.values:
        raise ServiceError(_("角色无效。"), code="bad_role", field="role")
    email = email.strip().lower()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            unit=unit,
            email=email,
            role=role,
            token=secrets.token_urlsafe(32),
            judge=judge,
            invited_by=actor,
        )
        audit_record(
            actor=actor,
            action="unit.invite",
            obj=unit,
            changes={"email": email, "role": role},
        )
        link = settings.SITE_URL.rstrip("/") + reverse(
            "recommendation:accept_invitation", kwargs={"token": invitation.token}
        )
        notify_after_commit(
            to=[email],
            template="unit_invitation",
            context={"unit": unit, "role": invitation.get_role_display(), "link": link},
        )
    return invitation


def invitation_accept(*, actor: User, token: str) -> Invitation:
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("unit", "judge")
            .filter(token=token)
            .first()
        )
        if invitation is None or invitation.accepted_at is not None:
            raise ServiceError(_("邀请链接无效或已使用。"), code="invitation_invalid")
        if invitation.email != actor.email.lower():
            raise NotAllowed(
                _("该邀请发给 %(email)s，请用该邮箱的账号登录后再打开链接。")
                % {"email": invitation.email},
                code="invitation_other_email",
            )
        if invitation.role == InvitationRole.JUDGE:
            judge = invitation.judge
            if judge is not None and judge.user_id is None:
                if Judge.objects.filter(user=actor).exists():
                    raise ServiceError(_("您的账号已关联评委资料。"), code="already_judge")
                judge.user = actor
                judge.save(update_fields=["user"])
        else:
            role = "admin" if invitation.role == InvitationRole.ADMIN else "member"
            UnitMembership.objects.update_or_create(
                unit=invitation.unit, user=actor, defaults={"role": role}
            )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = actor
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit_record(
            actor=actor,
            action="unit.accept_invitation",
            obj=invitation.unit,
            changes={"role": invitation.role},
        )
    forget_roles(actor)
    return invitation


def judge_add_to_panel(*, actor: User, unit: RecommendingUnit, data: dict[str, Any]) -> Judge:
    """Add a judge (姓名, 工作单位, TGQ 评委证书号, 通讯地址, E-mail, 手机) to the unit's
    panel. An existing account with that e-mail is linked; otherwise the judge is invited.
    A judge who already sits on another panel keeps the details that panel knows: one
    unit's admin must not rewrite what another unit's 附件5 prints."""
    require_unit_admin(actor, unit.pk)
    email = data["email"].strip().lower()
    with transaction.atomic():
        judge = Judge.objects.filter(email__iexact=email).first()
        fields = ["name", "employer", "employer_organisation", "tgq_number", "address", "mobile"]
        if judge is None:
            user = User.objects.filter(email__iexact=email).first()
            if user is not None and Judge.objects.filter(user=user).exists():
                judge = Judge.objects.get(user=user)
            else:
                judge = Judge(user=user, email=email)
        elsewhere = (
            judge.pk is not None
            and PanelMember.objects.filter(judge=judge).exclude(unit=unit).exists()
        )
        if not elsewhere:
            for name in fields:
                if name in data:
                    setattr(judge, name, data[name])
            judge.email = email
            judge.save()
        _member, created = PanelMember.objects.get_or_create(unit=unit, judge=judge)
        audit_record(
            actor=actor,
            action="unit.panel_add",
            obj=unit,
            changes={"judge": judge.name, "email": email, "new": created},
        )
        if judge.user_id is None:
            invitation_send(
                actor=actor, unit=unit, email=email, role=InvitationRole.JUDGE, judge=judge
            )
    return judge


def judge_remove_from_panel(*, actor: User, unit: RecommendingUnit, judge: Judge) -> None:
    require_unit_admin(actor, unit.pk)
    with transaction.atomic():
        # The signed 附件5 lists the panel: it stays as it was once the report is sent.
        if _current_report_locked(unit):
            raise WrongState(_("本单位的推荐表已报送质协，不能再修改。"), code="report_locked")
        # Work still to do blocks the removal; submitted sheets stay (with their judge).
        if (
            ScoreSheet.objects.filter(
                judge=judge, stage=Stage.UNIT, application__recommending_unit=unit
            )
            .exclude(status=SheetStatus.SUBMITTED)
            .exists()
        ):
            raise ServiceError(_("该评委已有分配的评审，请先取消分配。"), code="judge_has_sheets")
        PanelMember.objects.filter(unit=unit, judge=judge).delete()
        audit_record(
            actor=actor, action="unit.panel_remove", obj=unit, changes={"judge": judge.name}
        )


def _current_report_locked(unit: RecommendingUnit) -> bool:
    campaign = campaign_current()
    return bool(
        campaign
        and UnitRecommendationReport.objects.filter(unit=unit, campaign=campaign)
        .exclude(status=ReportStatus.DRAFT)
        .exists()
    )


def conflict_declare(
    *, actor: User, organisation: Organisation, reason: str
) -> ConflictDeclaration:
    judge = Judge.objects.filter(user=actor).first()
    if judge is None:
        raise NotAllowed(_("只有评委可以声明回避。"), code="not_judge")
    if not reason.strip():
        raise ServiceError(_("请填写回避原因。"), code="reason_required", field="reason")
    with transaction.atomic():
        declaration, _created = ConflictDeclaration.objects.update_or_create(
            judge=judge, organisation=organisation, defaults={"reason": reason.strip()}
        )
        # Unscored assignments that now conflict are withdrawn.
        withdrawn = ScoreSheet.objects.filter(
            judge=judge, application__organisation=organisation
        ).exclude(status=SheetStatus.SUBMITTED)
        count = withdrawn.count()
        withdrawn.delete()
        audit_record(
            actor=actor,
            action="judge.declare_conflict",
            obj=declaration,
            changes={"organisation": organisation.name, "reason": reason, "withdrawn": count},
        )
    return declaration


# --- assignment -------------------------------------------------------------------------


def conflict_reason(
    judge: Judge, application: Application, declared: set[tuple[int, int]] | None = None
) -> str | None:
    """Why a judge may not review an application, or None."""
    if judge.employer_organisation_id == application.organisation_id:
        return _("评委来自申报单位")
    if declared is not None:
        if (judge.pk, application.organisation_id) in declared:
            return _("评委已声明回避")
    elif ConflictDeclaration.objects.filter(
        judge=judge, organisation_id=application.organisation_id
    ).exists():
        return _("评委已声明回避")
    if judge.user_id and application.organisation_id in roles_of(judge.user).organisation_ids:
        return _("评委是申报单位的成员")
    return None


def _assignable(application: Application, unit: RecommendingUnit) -> None:
    if application.recommending_unit_id != unit.pk:
        raise NotAllowed(_("申报不属于本推荐单位。"), code="foreign_application")
    if application.state != ApplicationState.SUBMITTED:
        raise WrongState(_("只能为已提交的申报分配评委。"), code="wrong_state")


def assignment_add(*, actor: User, application: Application, judge: Judge) -> ScoreSheet:
    unit = application.recommending_unit
    require_unit_admin(actor, unit.pk)
    with transaction.atomic():
        current = _lock_application(application)
        _assignable(current, unit)
        require_recommendation_window(current.campaign, unit.pk)
        _require_open_report(report_for(unit=unit, campaign=current.campaign))
        if not PanelMember.objects.filter(unit=unit, judge=judge).exists():
            raise ServiceError(
                _("该评委不在本单位评委名单中。"), code="not_on_panel", field="judge"
            )
        reason = conflict_reason(judge, current)
        if reason:
            raise ServiceError(
                _("不能分配：%(reason)s。") % {"reason": reason}, code="conflict", field="judge"
            )
        try:
            with transaction.atomic():
                sheet = ScoreSheet.objects.create(
                    application=current, judge=judge, stage=Stage.UNIT, assigned_by=actor
                )
        except IntegrityError as exc:
            raise ServiceError(
                _("已分配给该评委。"), code="already_assigned", field="judge"
            ) from exc
        audit_record(actor=actor, action="unit.assign", obj=current, changes={"judge": judge.name})
        _notify_judge_assigned(judge, [current])
    return sheet


def assignment_remove(*, actor: User, sheet: ScoreSheet) -> None:
    application = sheet.application
    require_unit_admin(actor, application.recommending_unit_id)
    with transaction.atomic():
        current = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
        require_recommendation_window(application.campaign, application.recommending_unit_id)
        _require_open_report(
            report_for(unit=application.recommending_unit, campaign=application.campaign)
        )
        if current.status == SheetStatus.SUBMITTED:
            raise WrongState(_("评委已提交评分，不能取消分配。"), code="sheet_submitted")
        current.delete()
        audit_record(
            actor=actor,
            action="unit.unassign",
            obj=application,
            changes={"judge": sheet.judge.name},
        )


def assignment_spread_evenly(
    *, actor: User, unit: RecommendingUnit, campaign: Campaign, per_application: int = 3
) -> int:
    """One click: give every submitted application up to `per_application` judges from the
    panel, always choosing the least-loaded judge without a conflict. Returns how many
    assignments were made."""
    require_unit_admin(actor, unit.pk)
    if per_application < 1:
        raise ServiceError(_("每份申报至少分配 1 位评委。"), code="bad_k", field="per_application")
    with transaction.atomic():
        require_recommendation_window(campaign, unit.pk)
        _require_open_report(report_for(unit=unit, campaign=campaign, lock=True))
        judges = list(Judge.objects.filter(unit_panels__unit=unit).order_by("pk"))
        if not judges:
            raise ServiceError(_("请先添加本单位的评委。"), code="no_judges")
        applications = list(
            Application.objects.select_for_update()
            .filter(recommending_unit=unit, campaign=campaign, state=ApplicationState.SUBMITTED)
            .order_by("number")
        )
        existing = list(
            ScoreSheet.objects.filter(stage=Stage.UNIT, application__in=applications).values_list(
                "application_id", "judge_id"
            )
        )
        assigned: dict[int, set[int]] = {}
        for app_id, judge_id in existing:
            assigned.setdefault(app_id, set()).add(judge_id)
        load = Counter(judge_id for _app, judge_id in existing)
        declared = set(
            ConflictDeclaration.objects.filter(judge__in=judges).values_list(
                "judge_id", "organisation_id"
            )
        )
        new: list[ScoreSheet] = []
        per_judge: dict[int, list[Application]] = {}
        for application in applications:
            have = assigned.setdefault(application.pk, set())
            candidates = [
                j
                for j in judges
                if j.pk not in have and conflict_reason(j, application, declared) is None
            ]
            while len(have) < per_application and candidates:
                candidates.sort(key=lambda j: (load[j.pk], j.pk))
                judge = candidates.pop(0)
                have.add(judge.pk)
                load[judge.pk] += 1
                new.append(
                    ScoreSheet(
                        application=application, judge=judge, stage=Stage.UNIT, assigned_by=actor
                    )
                )
                per_judge.setdefault(judge.pk, []).append(application)
        ScoreSheet.objects.bulk_create(new)
        audit_record(
            actor=actor,
            action="unit.assign_evenly",
            obj=unit,
            changes={"assigned": len(new), "per_application": per_application},
        )
        for judge in judges:
            if judge.pk in per_judge:
                _notify_judge_assigned(judge, per_judge[judge.pk])
    return len(new)


def _notify_judge_assigned(judge: Judge, applications: Sequence[Application]) -> None:
    notify_after_commit(
        to=[judge.email],
        template="judge_assigned",
        context={
            "judge": judge,
            "count": len(applications),
            "link": settings.SITE_URL.rstrip("/") + reverse("recommendation:judge_home"),
        },
    )


# --- notes, return ----------------------------------------------------------------------


def unit_note_save(
    *,
    actor: User,
    application: Application,
    on_site_review: bool,
    on_site_date: date | None,
    notes: str,
) -> UnitNote:
    require_unit_admin(actor, application.recommending_unit_id)
    if on_site_review and on_site_date is None:
        raise ServiceError(_("请填写现场评审日期。"), code="date_required", field="on_site_date")
    with transaction.atomic():
        current = _lock_application(application)
        require_recommendation_window(current.campaign, current.recommending_unit_id)
        if current.state == ApplicationState.DRAFT:
            raise WrongState(_("草稿不能标记现场评审。"), code="wrong_state")
        note, _created = UnitNote.objects.update_or_create(
            application=current,
            defaults={
                "on_site_review": on_site_review,
                "on_site_date": on_site_date,
                "on_site_notes": notes,
            },
        )
        audit_record(
            actor=actor,
            action="unit.on_site_review",
            obj=current,
            changes={"on_site_review": on_site_review, "date": on_site_date, "notes": notes},
        )
    return note


# --- recommendation ---------------------------------------------------------------------


def quota_for(*, unit: RecommendingUnit, campaign: Campaign) -> int:
    row = UnitQuota.objects.filter(unit=unit, campaign=campaign).first()
    return row.per_organisation if row else campaign.default_recommend_quota


def quota_set(
    *, actor: User, unit: RecommendingUnit, campaign: Campaign, per_organisation: int, reason: str
) -> UnitQuota:
    require_staff(actor)
    if per_organisation < 1:
        raise ServiceError(_("名额至少为 1。"), code="bad_quota", field="per_organisation")
    with transaction.atomic():
        quota, _created = UnitQuota.objects.update_or_create(
            unit=unit,
            campaign=campaign,
            defaults={"per_organisation": per_organisation, "reason": reason},
        )
        audit_record(
            actor=actor,
            action="unit.quota_set",
            obj=unit,
            changes={"year": campaign.year, "per_organisation": per_organisation, "reason": reason},
        )
    return quota


def review_minimum_refusal(*, submitted_sheets: int, minimum: int) -> Refusal | None:
    """Rule 2: a unit recommends on the basis of its own review (附件5): an application
    needs at least the year's minimum number of submitted judge sheets. See docs/rules.md."""
    if submitted_sheets >= minimum:
        return None
    return Refusal(
        _("推荐须以本单位评审为依据：至少需要 %(min)s 份已提交的评委评分表，目前只有 %(n)s 份。")
        % {"min": minimum, "n": submitted_sheets},
        code="judge_sheets_short",
    )


def review_refusal(application: Application) -> Refusal | None:
    submitted = ScoreSheet.objects.filter(
        application=application, stage=Stage.UNIT, status=SheetStatus.SUBMITTED
    ).count()
    return review_minimum_refusal(
        submitted_sheets=submitted, minimum=application.campaign.min_unit_judge_sheets
    )


def recommend(
    *, actor: User, application: Application, opinion: str, position: int | None = None
) -> Recommendation:
    """Put an application on the unit's recommendation list, within the per-organisation
    quota. Locking the organisation row makes two people recommending at the same moment
    wait for each other, so the quota holds."""
    unit = application.recommending_unit
    require_unit_admin(actor, unit.pk)
    if not opinion.strip():
        raise ServiceError(_("请填写推荐意见。"), code="opinion_required", field="opinion")
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=application.organisation_id)
        current = _lock_application(application)
        if current.recommending_unit_id != unit.pk:
            raise NotAllowed(_("申报不属于本推荐单位。"), code="foreign_application")
        if current.state != ApplicationState.SUBMITTED:
            raise WrongState(_("只能推荐已提交的申报。"), code="wrong_state")
        require_recommendation_window(current.campaign, unit.pk)
        report = report_for(unit=unit, campaign=current.campaign, lock=True)
        _require_open_report(report)
        enforce(review_refusal(current))
        if Recommendation.objects.filter(application=current).exists():
            raise ServiceError(_("该申报已在推荐名单中。"), code="already_recommended")
        siblings = Recommendation.objects.filter(
            report=report, application__organisation_id=current.organisation_id
        )
        quota = quota_for(unit=unit, campaign=current.campaign)
        if siblings.count() >= quota:
            raise ServiceError(
                _("每家申报单位最多推荐 %(n)s 个班组，%(org)s 已达名额。")
                % {"n": quota, "org": current.organisation.name},
                code="quota_reached",
            )
        existing = list(report.recommendations.order_by("position", "id"))
        if position is None:
            position = _position_by_score(report, current, existing)
        for rec in existing:
            if rec.position >= position:
                rec.position += 1
                rec.save(update_fields=["position"])
        recommendation = Recommendation.objects.create(
            report=report,
            application=current,
            opinion=opinion.strip(),
            position=position,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="unit.recommend",
            obj=current,
            changes={"opinion": opinion, "position": position},
        )
    return recommendation


def _position_by_score(
    report: UnitRecommendationReport, application: Application, existing: list[Recommendation]
) -> int:
    """The default order comes from the ranking: the new recommendation goes before the
    first one ranked below it; hand-made reordering of the others is kept."""

    rubric = rubric_for(campaign=report.campaign, stage=Stage.UNIT)
    rows = unit_ranking(
        unit=report.unit, campaign=report.campaign, normalise=rubric.normalise_judges
    )
    ranks = {row.application.pk: row.rank for row in rows}
    worst = float("inf")
    mine = ranks.get(application.pk) or worst
    for index, rec in enumerate(existing, start=1):
        if (ranks.get(rec.application_id) or worst) > mine:
            return index
    return len(existing) + 1


def unrecommend(*, actor: User, recommendation: Recommendation) -> None:
    report = recommendation.report
    require_unit_admin(actor, report.unit_id)
    with transaction.atomic():
        locked = UnitRecommendationReport.objects.select_for_update().get(pk=report.pk)
        _require_open_report(locked)
        require_recommendation_window(locked.campaign, locked.unit_id)
        application = recommendation.application
        recommendation.delete()
        _renumber(locked)
        audit_record(actor=actor, action="unit.unrecommend", obj=application)


def recommendation_reorder(
    *, actor: User, report: UnitRecommendationReport, ordered_ids: Sequence[int]
) -> None:
    """Adjust the order by hand (the default order comes from the score)."""
    require_unit_admin(actor, report.unit_id)
    with transaction.atomic():
        locked = UnitRecommendationReport.objects.select_for_update().get(pk=report.pk)
        _require_open_report(locked)
        require_recommendation_window(locked.campaign, locked.unit_id)
        current = {r.pk: r for r in locked.recommendations.all()}
        if sorted(ordered_ids) != sorted(current):
            raise ServiceError(_("排序列表与推荐名单不一致，请刷新后重试。"), code="order_mismatch")
        for position, rec_id in enumerate(ordered_ids, start=1):
            rec = current[rec_id]
            if rec.position != position:
                rec.position = position
                rec.save(update_fields=["position"])
        audit_record(
            actor=actor, action="unit.reorder", obj=locked, changes={"order": list(ordered_ids)}
        )


def _renumber(report: UnitRecommendationReport) -> None:
    for position, rec in enumerate(report.recommendations.order_by("position", "id"), start=1):
        if rec.position != position:
            rec.position = position
            rec.save(update_fields=["position"])


# --- the signed form (附件5) and submission ---------------------------------------------


REPORT_FIELDS = [
    "filler_name",
    "filler_phone",
    "fill_date",
    "no_fee_declared",
    "declaration_accepted",
]


def fill_date_refusal(campaign: Campaign, value: date | None) -> Refusal | None:
    """Rule 11: 附件5's 填表日期 is a date within the campaign's year."""
    if value is None or value.year == campaign.year:
        return None
    return Refusal(
        _("填表日期应在 %(year)s 年内。") % {"year": campaign.year},
        code="fill_date_year",
        field="fill_date",
        error=ServiceError,
    )


def report_save(
    *, actor: User, report: UnitRecommendationReport, data: dict[str, Any]
) -> UnitRecommendationReport:
    require_unit_admin(actor, report.unit_id)
    with transaction.atomic():
        locked = UnitRecommendationReport.objects.select_for_update().get(pk=report.pk)
        _require_open_report(locked)
        require_recommendation_window(locked.campaign, locked.unit_id)
        if "fill_date" in data:
            enforce(fill_date_refusal(locked.campaign, data["fill_date"]))
        for name in REPORT_FIELDS:
            if name in data:
                setattr(locked, name, data[name])
        locked.version += 1
        locked.save()
        audit_record(
            actor=actor,
            action="unit.report_save",
            obj=locked,
            changes={k: data.get(k) for k in REPORT_FIELDS if k in data},
        )
    return locked


def _report_scan_refusal(
    report: UnitRecommendationReport, stamps: list[Stamp], content: dict[str, object]
) -> tuple[Stamp | None, ServiceError | None]:
    """The code of ``stamps`` that matches 附件5 as it prints now, or why the scan is of
    another document, unit or version (naming it). Called under the row lock."""

    number = report_number(unit=report.unit, campaign=report.campaign)
    own = [s for s in stamps if s.kind == DocumentKind.RECOMMENDATION]
    for stamp in own:
        if stamp.number == number and matches(stamp, content):
            return stamp, None
    stamp = own[0] if own else stamps[0]
    if stamp.kind != DocumentKind.RECOMMENDATION:
        message = _("该扫描件是%(kind)s %(number)s（第 %(version)s 版），不是推荐表（附件5）。") % {
            "kind": stamp.kind_name,
            "number": stamp.number,
            "version": stamp.version,
        }
        return None, ServiceError(message, code="scan_wrong_document", field="file")
    if stamp.number != number:
        message = _(
            "该扫描件是另一份推荐表（编号 %(number)s，第 %(version)s 版），"
            "不是本单位本年度的推荐表（%(own)s）。"
        ) % {"number": stamp.number, "version": stamp.version, "own": number}
        return None, ServiceError(message, code="scan_other_report", field="file")
    message = _(
        "该扫描件是本推荐表第 %(version)s 版，此后推荐表上打印的内容已修改"
        "（当前为第 %(current)s 版）。请下载最新的推荐表，盖章后重新上传。"
    ) % {"version": stamp.version, "current": report.version}
    return None, ServiceError(message, code="scan_outdated", field="file")


def report_upload_scan(
    *, actor: User, report: UnitRecommendationReport, file: UploadedFile
) -> UnitRecommendationReport:
    """Accept the stamped scan of 附件5 as it prints now; its QR code is checked as the
    申报表's is (docs/rules.md, "The stamp check")."""
    require_unit_admin(actor, report.unit_id)
    detected = uploads.validate_upload(file, kinds=uploads.UploadKind.SCAN)
    file.seek(0)
    stamps = read_stamps(file.read())
    file.seek(0)
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = (
                UnitRecommendationReport.objects.select_for_update()
                .select_related("unit", "campaign")
                .get(pk=report.pk)
            )
            _require_open_report(locked)
            require_recommendation_window(locked.campaign, locked.unit_id)
            matched: Stamp | None = None
            if stamps:
                data = recommendation_form_data(unit=locked.unit, campaign=locked.campaign)
                matched, refusal = _report_scan_refusal(locked, stamps, printed_content(data))
                if refusal is not None:
                    raise refusal
            old = locked.stamped_scan.name if locked.stamped_scan else ""
            locked.stamped_scan.save(
                uploads.safe_storage_name(file.name or "", ext=detected.ext), file, save=False
            )
            assert locked.stamped_scan.name is not None  # set by the save just above
            stored.append(locked.stamped_scan.name)
            locked.stamped_scan_name = uploads.clean_display_name(file.name or "scan")
            locked.stamped_check = ScanCheck.VERIFIED if matched else ScanCheck.UNVERIFIED
            locked.stamped_version = matched.version if matched else None
            locked.save(
                update_fields=[
                    "stamped_scan",
                    "stamped_scan_name",
                    "stamped_check",
                    "stamped_version",
                ]
            )
            audit_record(
                actor=actor,
                action="unit.report_scan",
                obj=locked,
                changes={
                    "name": locked.stamped_scan_name,
                    "sha256": uploads.sha256_of(file),
                    "stamped_check": locked.stamped_check,
                    "stamped_version": locked.stamped_version,
                },
            )
            if old:
                storage = locked.stamped_scan.storage
                transaction.on_commit(lambda: storage.delete(old))
    except BaseException:
        for name in stored:
            report.stamped_scan.storage.delete(name)
        raise
    return locked


def report_scores_refusal(report: UnitRecommendationReport) -> Refusal | None:
    """Rule 2: every recommended row of 附件5 carries the judges' score."""
    if report.pk is None:
        return None
    recommended = list(
        report.recommendations.order_by("position").values_list(
            "application_id", "application__team_name"
        )
    )
    scored = set(
        ScoreSheet.objects.filter(
            application_id__in=[pk for pk, _name in recommended],
            stage=Stage.UNIT,
            status=SheetStatus.SUBMITTED,
            total__isnull=False,
        ).values_list("application_id", flat=True)
    )
    missing = [name for pk, name in recommended if pk not in scored]
    if not missing:
        return None
    return Refusal(
        _("以下推荐班组还没有评委评分：%(teams)s。") % {"teams": "、".join(missing)},
        code="scores_missing",
        field="scores",
    )


def report_judges_refusal(report: UnitRecommendationReport) -> Refusal | None:
    """Rule 2: every judge listed on 附件5 (the unit's panel) has a TGQ 评委证书号."""
    missing = list(
        Judge.objects.filter(unit_panels__unit_id=report.unit_id, tgq_number="")
        .order_by("name", "pk")
        .values_list("name", flat=True)
    )
    if not missing:
        return None
    return Refusal(
        _("以下评委未填写 TGQ评委证书号：%(judges)s。") % {"judges": "、".join(missing)},
        code="tgq_missing",
        field="judges",
    )


def report_warnings(report: UnitRecommendationReport) -> list[str]:
    """ "原则上每家申报单位推荐的成果数量为2-3个": one recommended team for an organisation
    is allowed, and said on the 附件5 page (rule 2, docs/rules.md)."""
    if report.pk is None:
        return []
    counts = Counter(
        report.recommendations.values_list("application__organisation__name", flat=True)
    )
    return [
        _("%(org)s 只推荐了 1 个班组；原则上每家申报单位推荐 2-3 个。") % {"org": org}
        for org, n in sorted(counts.items())
        if n == 1
    ]


def report_problems(report: UnitRecommendationReport) -> dict[str, str]:
    problems: dict[str, str] = {}
    if report.pk is None or not report.recommendations.exists():
        problems["recommendations"] = _("推荐名单为空。")
    for refusal in (report_scores_refusal(report), report_judges_refusal(report)):
        if refusal is not None and refusal.field:
            problems[refusal.field] = refusal.message
    for name, message in (
        ("filler_name", _("请填写填表人。")),
        ("filler_phone", _("请填写电话。")),
        ("fill_date", _("请填写填表日期。")),
    ):
        if not getattr(report, name):
            problems[name] = message
    if not report.no_fee_declared:
        problems["no_fee_declared"] = _("请确认未向参与单位和班组收取任何费用。")
    if not report.declaration_accepted:
        problems["declaration_accepted"] = _("请确认推荐声明。")
    if not report.stamped_scan:
        problems["stamped_scan"] = _("请上传加盖公章的推荐表扫描件。")
    return problems


def report_list_refusal(report: UnitRecommendationReport) -> Refusal | None:
    """Every team on the list is still submitted (not returned for correction, not
    withdrawn)."""
    if report.pk is None or not (
        report.recommendations.exclude(application__state=ApplicationState.SUBMITTED).exists()
    ):
        return None
    return Refusal(_("推荐名单中有退回修改或已撤回的申报，请先处理。"), code="returned_in_list")


def report_submit_refusal(report: UnitRecommendationReport) -> Refusal | None:
    """Whether 附件5 may be filed now (transition ``recommend``; docs/rules.md, "The
    application's lifecycle"): open, in the recommendation window, complete
    (:func:`report_problems`, listed on the page) and every listed team still submitted.
    The page offers the 报送 button only when this is ``None``."""
    if report.is_locked:
        return Refusal(_("本单位的推荐表已报送质协，不能再修改。"), code="report_locked")
    if not phase_is_open(
        campaign=report.campaign, kind=PhaseKind.RECOMMENDATION, unit_id=report.unit_id
    ):
        return Refusal(_("成果推荐不在开放时间内。"), code="window_closed", error=WindowClosed)
    if report_problems(report):
        return Refusal(_("推荐表还不完整，不能报送。"), code="incomplete")
    return report_list_refusal(report)


class ReportIncomplete(ServiceError):
    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(_("推荐表还不完整，不能报送。"), code="incomplete")
        self.problems = problems


def report_submit(*, actor: User, report: UnitRecommendationReport) -> UnitRecommendationReport:
    """Submit the recommendation to the association: it locks the list; recommended
    applications become 已推荐, the unit's other submitted ones 未推荐; applicants are told."""
    require_unit_admin(actor, report.unit_id)
    with transaction.atomic():
        locked = (
            UnitRecommendationReport.objects.select_for_update()
            .select_related("campaign", "unit")
            .get(pk=report.pk)
        )
        _require_open_report(locked)
        require_recommendation_window(locked.campaign, locked.unit_id)
        problems = report_problems(locked)
        if problems:
            raise ReportIncomplete(problems)
        recommended_ids = set(locked.recommendations.values_list("application_id", flat=True))
        pending = list(
            Application.objects.select_for_update().filter(
                recommending_unit=locked.unit,
                campaign=locked.campaign,
                state__in=[ApplicationState.SUBMITTED, ApplicationState.RETURNED],
            )
        )
        enforce(report_list_refusal(locked))
        for application in pending:
            recommended = application.pk in recommended_ids
            transition(
                application,
                via="recommend",
                to=ApplicationState.RECOMMENDED
                if recommended
                else ApplicationState.NOT_RECOMMENDED,
                actor=actor,
                action="application.recommended" if recommended else "application.not_recommended",
                notice=Notice(
                    to=organisation_emails(application.organisation_id),
                    template="application_recommended"
                    if recommended
                    else "application_not_recommended",
                    context={"application": application, "unit": locked.unit},
                ),
            )
        locked.status = ReportStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by = actor
        locked.save(update_fields=["status", "submitted_at", "submitted_by"])
        audit_record(
            actor=actor,
            action="unit.report_submit",
            obj=locked,
            changes={"recommended": len(recommended_ids)},
        )
    return locked


def unit_emails(unit_id: int) -> list[str]:
    """The addresses of a recommending unit's members (admins and staff)."""
    return list(
        UnitMembership.objects.filter(unit_id=unit_id).values_list("user__email", flat=True)
    )


# The listed applications a void moves: the table's sources of the transition (a listed
# one that was never recommended, or has already left, stays where it is).
VOIDABLE = TRANSITIONS["void_recommendation"].sources


def report_void_refusal(report: UnitRecommendationReport) -> Refusal | None:
    """推荐无效 applies to a filed report of a year whose results are not yet published.
    See docs/rules.md (rule 1)."""
    if report.status != ReportStatus.SUBMITTED:
        return Refusal(_("只能对已报送的推荐表认定推荐无效。"), code="wrong_state")
    if report.campaign.results_published:
        return Refusal(
            _(
                "本年度评价结果已发布，不能再认定推荐无效；"
                "已发布的结果如需撤销，须通过单独的、记入审计日志的撤销操作。"
            ),
            code="results_published",
        )
    return None


def _withdraw_from_evaluation(application: Application) -> dict[str, Any]:
    """Undo what the association's evaluation did to ``application``: unscored expert
    assignments withdrawn, the decision deleted. Returns what was undone, for the audit."""

    pending = ScoreSheet.objects.filter(application=application, stage=Stage.EXPERT).exclude(
        status=SheetStatus.SUBMITTED
    )
    experts = sorted(pending.values_list("judge__name", flat=True))
    pending.delete()
    undone: dict[str, Any] = {}
    if experts:
        undone["assignments_withdrawn"] = experts
    decision = Decision.objects.filter(application=application).first()
    if decision is not None:
        undone["decision_undone"] = {"level": decision.level, "national": decision.national}
        decision.delete()
    return undone


def report_void(
    *, actor: User, report: UnitRecommendationReport, reason: str
) -> UnitRecommendationReport:
    """推荐无效: staff void a unit's recommendations (e.g. it charged fees). Every
    application the unit recommended leaves the association's evaluation whatever it has
    reached (formal review, expert review, decided): assignments withdrawn, decisions
    undone, applicants and the unit told, all audited. Refused after publication."""
    require_staff(actor)
    if not reason.strip():
        raise ServiceError(_("请填写推荐无效的原因。"), code="reason_required", field="reason")
    reason = reason.strip()
    with transaction.atomic():
        locked = (
            UnitRecommendationReport.objects.select_for_update()
            .select_related("unit", "campaign")
            .get(pk=report.pk)
        )
        enforce(report_void_refusal(locked))
        affected = list(
            Application.objects.select_for_update()
            .filter(recommendation__report=locked)
            .filter(state__in=VOIDABLE)
            .order_by("pk")
        )
        for application in affected:
            undone = _withdraw_from_evaluation(application)
            transition(
                application,
                via="void_recommendation",
                to=ApplicationState.NOT_RECOMMENDED,
                actor=actor,
                action="application.recommendation_voided",
                changes={"reason": reason, **undone},
                notice=Notice(
                    to=organisation_emails(application.organisation_id),
                    template="recommendation_voided",
                    context={"application": application, "unit": locked.unit, "reason": reason},
                ),
            )
        locked.status = ReportStatus.VOIDED
        locked.void_reason = reason
        locked.voided_at = timezone.now()
        locked.save(update_fields=["status", "void_reason", "voided_at"])
        audit_record(
            actor=actor,
            action="unit.report_void",
            obj=locked,
            changes={"reason": reason, "applications": len(affected)},
        )
        notify_after_commit(
            to=unit_emails(locked.unit_id),
            template="unit_recommendation_voided",
            context={
                "unit": locked.unit,
                "year": locked.campaign.year,
                "count": len(affected),
                "teams": "、".join(a.team_name for a in affected),
                "reason": reason,
            },
        )
    return locked


def judges_remind(*, now: Any = None, within_days: int = 3) -> int:
    """Remind judges with unsubmitted unit sheets when their unit's recommendation window
    closes within `within_days`; each sheet is reminded once. Returns reminders sent."""
    from datetime import timedelta

    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        sheets = (
            ScoreSheet.objects.select_for_update()
            .filter(stage=Stage.UNIT, reminded_at__isnull=True)
            .exclude(status=SheetStatus.SUBMITTED)
            .select_related("judge", "application__campaign")
        )
        by_judge: dict[int, list[ScoreSheet]] = {}
        for sheet in sheets:
            window = phase_window_end(
                campaign=sheet.application.campaign,
                kind=PhaseKind.RECOMMENDATION,
                unit_id=sheet.application.recommending_unit_id,
            )
            if window and now <= window[1] <= now + timedelta(days=within_days):
                by_judge.setdefault(sheet.judge_id, []).append(sheet)
        for sheets_of_judge in by_judge.values():
            judge = sheets_of_judge[0].judge
            ScoreSheet.objects.filter(pk__in=[s.pk for s in sheets_of_judge]).update(
                reminded_at=now
            )
            notify_after_commit(
                to=[judge.email],
                template="judge_reminder",
                context={
                    "judge": judge,
                    "count": len(sheets_of_judge),
                    "link": settings.SITE_URL.rstrip("/") + reverse("recommendation:judge_home"),
                },
            )
            sent += 1
    return sent


def unit_progress_counts(unit: RecommendingUnit, campaign: Campaign) -> dict[int, dict[str, int]]:
    """Per judge: assigned and submitted sheet counts (for the unit's progress view)."""
    rows = (
        ScoreSheet.objects.filter(
            stage=Stage.UNIT, application__recommending_unit=unit, application__campaign=campaign
        )
        .values("judge_id")
        .annotate(
            assigned=Count("id"), submitted=Count("id", filter=Q(status=SheetStatus.SUBMITTED))
        )
    )
    return {r["judge_id"]: {"assigned": r["assigned"], "submitted": r["submitted"]} for r in rows}


def unit_sheet_gate(sheet: ScoreSheet) -> None:
    """A unit judge's sheet is locked once the unit has filed its 推荐表 (附件5)."""
    application = sheet.application
    locked = (
        UnitRecommendationReport.objects.filter(
            unit_id=application.recommending_unit_id, campaign_id=application.campaign_id
        )
        .exclude(status=ReportStatus.DRAFT)
        .exists()
    )
    if locked:
        raise WrongState(_("推荐单位已报送推荐表，评分已锁定。"), code="report_locked")
