"""Campaign configuration writes (staff)."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.campaigns import seed
from xinban.campaigns.models import Campaign, Phase, PhaseKind, WindowExtension
from xinban.core.audit import audit_record
from xinban.core.errors import NotAllowed, ServiceError
from xinban.core.roles import roles_of
from xinban.organisations.models import Organisation, RecommendingUnit


def _require_staff(actor: User) -> None:
    if not roles_of(actor).is_staff:
        raise NotAllowed(_("只有质协工作人员可以配置活动年度。"), code="not_staff")


def _shift_year(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def template_window(year: int, kind: str) -> tuple[datetime, datetime]:
    """The window of one phase in ``year`` at the notice's months (``seed.PHASE_TEMPLATE``):
    from the first day's start to the last day's end, local time."""
    for template_kind, (m1, d1), (m2, d2), _responsible in seed.PHASE_TEMPLATE:
        if template_kind == kind:
            last = d2 or calendar.monthrange(year, m2)[1]
            return (
                timezone.make_aware(datetime.combine(date(year, m1, d1), time.min)),
                timezone.make_aware(datetime.combine(date(year, m2, last), time(23, 59, 59))),
            )
    raise KeyError(kind)


def default_title(year: int) -> str:
    return f"{year}年上海市“质量信得过班组”建设活动"


def campaign_open(*, actor: User, year: int, title: str = "") -> Campaign:
    """Open a campaign year from the notice's template: the nine phases at the notice's
    months with their responsible parties, the default limits and quotas. Staff edit the
    windows afterwards (admin, 活动年度); later years are usually copied from the previous
    one (``campaign_create_from_previous``)."""
    _require_staff(actor)
    if not 2000 <= year <= 2100:
        raise ServiceError(_("请填写有效的年度。"), code="year_invalid", field="year")
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                year=year, title=title.strip() or default_title(year)
            )
            _add_template_phases(actor, campaign)
    except IntegrityError as exc:
        raise ServiceError(_("该年度已存在。"), code="year_exists", field="year") from exc
    return campaign


def _add_template_phases(actor: User, campaign: Campaign) -> None:
    phases = []
    for kind, _start, _end, responsible in seed.PHASE_TEMPLATE:
        starts_at, ends_at = template_window(campaign.year, kind)
        phases.append(
            Phase(
                campaign=campaign,
                kind=kind,
                starts_at=starts_at,
                ends_at=ends_at,
                responsible=responsible,
            )
        )
    Phase.objects.bulk_create(phases)
    audit_record(
        actor=actor,
        action="campaign.open",
        obj=campaign,
        changes={"year": campaign.year, "phases": [p.kind for p in phases]},
    )


def campaign_phases_from_template(*, actor: User, campaign: Campaign) -> Campaign:
    """Give a year created without phases (the admin's add form) the notice's nine."""
    _require_staff(actor)
    with transaction.atomic():
        Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.phases.exists():
            raise ServiceError(_("该年度已有阶段安排。"), code="phases_exist")
        _add_template_phases(actor, campaign)
    return campaign


def campaign_create_from_previous(*, actor: User, previous: Campaign, year: int) -> Campaign:
    """A new year with the previous year's phases (shifted by the difference in years),
    limits and quotas."""
    _require_staff(actor)
    delta = year - previous.year
    if delta <= 0:
        raise ServiceError(_("新年度必须晚于所复制的年度。"), code="year_order", field="year")
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                year=year,
                title=previous.title.replace(str(previous.year), str(year))
                if previous.title
                else f"{year}年上海市“质量信得过班组”建设活动",
                max_applications_per_org=previous.max_applications_per_org,
                default_recommend_quota=previous.default_recommend_quota,
                contact_name=previous.contact_name,
                contact_phone=previous.contact_phone,
            )
            Phase.objects.bulk_create(
                Phase(
                    campaign=campaign,
                    kind=p.kind,
                    starts_at=_shift_year(p.starts_at, delta),
                    ends_at=_shift_year(p.ends_at, delta),
                    responsible=p.responsible,
                )
                for p in previous.phases.all()
            )
            audit_record(
                actor=actor,
                action="campaign.create_from_previous",
                obj=campaign,
                changes={"from": previous.year},
            )
    except IntegrityError as exc:
        raise ServiceError(_("该年度已存在。"), code="year_exists", field="year") from exc
    return campaign


def window_extend(
    *,
    actor: User,
    campaign: Campaign,
    kind: PhaseKind,
    until: datetime,
    reason: str,
    organisation: Organisation | None = None,
    unit: RecommendingUnit | None = None,
) -> WindowExtension:
    """Staff extend one phase's window for one organisation or unit (audited)."""
    _require_staff(actor)
    if (organisation is None) == (unit is None):
        raise ServiceError(_("请选择一个申报单位或推荐单位。"), code="target_required")
    if not reason.strip():
        raise ServiceError(_("请填写延长原因。"), code="reason_required", field="reason")
    with transaction.atomic():
        phase = Phase.objects.filter(campaign=campaign, kind=kind).first()
        if phase is None:
            raise ServiceError(_("该年度没有这个阶段。"), code="no_phase")
        if until <= phase.ends_at:
            raise ServiceError(
                _("延长时间必须晚于阶段结束时间。"), code="until_too_early", field="until"
            )
        extension = WindowExtension.objects.create(
            phase=phase, organisation=organisation, unit=unit, until=until, reason=reason.strip()
        )
        audit_record(
            actor=actor,
            action="campaign.window_extend",
            obj=phase,
            changes={
                "organisation": str(organisation) if organisation else None,
                "unit": str(unit) if unit else None,
                "until": until.isoformat(),
                "reason": reason,
            },
        )
    return extension
