"""The unit's panel of judges (评委): invitations, adding and removing judges, conflicts of
interest they declare, the reminder before the window closes and the gate that locks
their sheets once 附件5 is filed."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import Application
from xinban.campaigns.models import PhaseKind
from xinban.campaigns.selectors import campaign_current, phase_window_end
from xinban.core.audit import audit_record
from xinban.core.errors import NotAllowed, ServiceError, WrongState
from xinban.core.roles import forget_roles, roles_of
from xinban.notifications.delivery import notify_after_commit
from xinban.organisations.models import Organisation, RecommendingUnit, UnitMembership
from xinban.recommendation.models import (
    Invitation,
    InvitationRole,
    PanelMember,
    ReportStatus,
    UnitRecommendationReport,
)
from xinban.recommendation.services.guards import require_unit_admin
from xinban.scoring.models import ConflictDeclaration, Judge, ScoreSheet, SheetStatus, Stage


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


def judges_remind(*, now: Any = None, within_days: int = 3) -> int:
    """Remind judges with unsubmitted unit sheets when their unit's recommendation window
    closes within `within_days`; each sheet is reminded once. Returns reminders sent."""

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
