from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from django.db.models import DateTimeField, Max, Q, Value
from django.utils import timezone

from xinban.campaigns.models import Campaign, Domain, Industry, Phase, PhaseKind


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


_Window = tuple[datetime, datetime] | None
# Within ``windows_read_once()``: each phase window read, by its arguments.
_windows: ContextVar[dict[tuple[int, str, int | None, int | None], _Window] | None] = ContextVar(
    "phase_windows", default=None
)


@contextmanager
def windows_read_once() -> Iterator[None]:
    """Within the block, a phase window asked for again (the same campaign, phase,
    organisation and unit) is the one read the first time: for a page whose rules ask the
    same question several times (the application page: withdrawing, linking a team). Only
    around a read-only page: a window changed inside the block is not seen."""
    token = _windows.set({})
    try:
        yield
    finally:
        _windows.reset(token)


def phase_window_end(
    *,
    campaign: Campaign,
    kind: PhaseKind,
    organisation_id: int | None = None,
    unit_id: int | None = None,
) -> _Window:
    """The (start, end) of a phase for this organisation or unit, extensions included
    (one query: the latest extension is aggregated alongside the phase)."""
    memo = _windows.get()
    if memo is None:
        return _phase_window(campaign, kind, organisation_id, unit_id)
    key = (campaign.pk, str(kind), organisation_id, unit_id)
    if key not in memo:
        memo[key] = _phase_window(campaign, kind, organisation_id, unit_id)
    return memo[key]


def _phase_window(
    campaign: Campaign, kind: PhaseKind, organisation_id: int | None, unit_id: int | None
) -> _Window:
    target = Q()
    if organisation_id is not None:
        target |= Q(extensions__organisation_id=organisation_id)
    if unit_id is not None:
        target |= Q(extensions__unit_id=unit_id)
    qs = Phase.objects.filter(campaign=campaign, kind=kind)
    if target:
        qs = qs.annotate(extended=Max("extensions__until", filter=target))
    else:
        qs = qs.annotate(extended=Value(None, output_field=DateTimeField()))
    row = qs.values("starts_at", "ends_at", "extended").first()
    if row is None:
        return None
    end = row["ends_at"]
    if row["extended"] and row["extended"] > end:
        end = row["extended"]
    return row["starts_at"], end


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


def domain_labels() -> dict[str, str]:
    """Each 重点领域's stored (Chinese) name → its label in the active language (the
    English name on English pages): for texts that keep the name, such as the case
    library's entries."""

    return {d.name: d.label for d in Domain.objects.all()}


def industries_label(text: str) -> str:
    """A stored list of 重点产业 names ("集成电路、汽车", as the case library keeps it) in
    the active language; a name itself may hold "、" (标准、计量、检测)."""
    from django.utils.translation import pgettext

    if not text:
        return text
    terms = sorted(Industry.objects.all(), key=lambda t: -len(t.name))
    labels: list[str] = []
    i = 0
    while i < len(text):
        term = next((t for t in terms if text.startswith(t.name, i)), None)
        if term is not None:
            labels.append(term.label)
            i += len(term.name)
        else:
            end = text.find("、", i)
            end = len(text) if end < 0 else end
            labels.append(text[i:end])
            i = end
        if text.startswith("、", i):
            i += 1
    return pgettext("list separator between items", "、").join(labels)
