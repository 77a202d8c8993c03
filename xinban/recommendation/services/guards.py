"""Checks shared by the unit's transitions: the actor's role, the recommendation window,
the unit's 附件5 report for the year and the application's row lock."""

from __future__ import annotations

from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import Application
from xinban.campaigns.models import Campaign, PhaseKind
from xinban.campaigns.selectors import phase_is_open
from xinban.core.errors import NotAllowed, WindowClosed, WrongState
from xinban.core.roles import roles_of
from xinban.organisations.models import RecommendingUnit, UnitMembership
from xinban.recommendation.models import UnitRecommendationReport


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


def unit_emails(unit_id: int) -> list[str]:
    """The addresses of a recommending unit's members (admins and staff)."""
    return list(
        UnitMembership.objects.filter(unit_id=unit_id).values_list("user__email", flat=True)
    )
