from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from xinban.campaigns.models import Campaign, Phase, PhaseKind, WindowExtension


def campaign_current() -> Campaign | None:
    """The campaign of the current year, else the newest one."""
    year = timezone.localdate().year
    return Campaign.objects.filter(year=year).first() or Campaign.objects.order_by("-year").first()


def campaign_get(*, year: int) -> Campaign | None:
    return Campaign.objects.filter(year=year).first()


@dataclass(frozen=True)
class PhaseStatus:
    phase: Phase
    status: str  # "open", "upcoming", "closed"


def phases_with_status(campaign: Campaign, at: datetime | None = None) -> list[PhaseStatus]:
    at = at or timezone.now()
    result = []
    for phase in campaign.phases.all():
        if phase.starts_at > at:
            status = "upcoming"
        elif phase.ends_at < at:
            status = "closed"
        else:
            status = "open"
        result.append(PhaseStatus(phase=phase, status=status))
    return result


def phase_window_end(
    *,
    campaign: Campaign,
    kind: PhaseKind,
    organisation_id: int | None = None,
    unit_id: int | None = None,
) -> tuple[datetime, datetime] | None:
    """The (start, end) of a phase for this organisation or unit, extensions included."""
    phase = Phase.objects.filter(campaign=campaign, kind=kind).first()
    if phase is None:
        return None
    end = phase.ends_at
    target = Q()
    if organisation_id is not None:
        target |= Q(organisation_id=organisation_id)
    if unit_id is not None:
        target |= Q(unit_id=unit_id)
    if target:
        extended = (
            WindowExtension.objects.filter(target, phase=phase)
            .order_by("-until")
            .values_list("until", flat=True)
            .first()
        )
        if extended and extended > end:
            end = extended
    return phase.starts_at, end


def phase_is_open(
    *,
    campaign: Campaign,
    kind: PhaseKind,
    organisation_id: int | None = None,
    unit_id: int | None = None,
    at: datetime | None = None,
) -> bool:
    window = phase_window_end(
        campaign=campaign, kind=kind, organisation_id=organisation_id, unit_id=unit_id
    )
    if window is None:
        return False
    at = at or timezone.now()
    return window[0] <= at <= window[1]
