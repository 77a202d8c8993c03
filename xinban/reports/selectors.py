"""Reads for 附件6 and 附件7: the figures the platform already knows about a unit, the
reports as stored, who has filed what, and the roll-up of 附件6 across units."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.http import Http404
from django.utils.translation import pgettext

from xinban.accounts.models import User
from xinban.applications.models import Application
from xinban.campaigns.models import Campaign
from xinban.campaigns.selectors import campaign_current
from xinban.core.roles import roles_of
from xinban.core.validators import date_cn
from xinban.organisations.models import RecommendingUnit, UnitMembership, UnitRole
from xinban.recommendation.counts import NOT_APPLIED, recommended_q
from xinban.recommendation.models import PanelMember, ReportStatus, UnitRecommendationReport
from xinban.reports.models import (
    EVENT_TEXT_FIELDS,
    SUMMARY_TEXT_FIELDS,
    FilingStatus,
    ReviewForm,
    StatisticsReport,
    SummaryEvent,
    WorkSummary,
)

# Applications that took part in a year: submitted to the unit, not withdrawn.
NOT_TAKING_PART = NOT_APPLIED  # docs/rules.md, "Counts"
MIN_SUMMARY_CHARS = 3000

# The eight counted items of 附件6, in the form's order: (序号, field, 单位).
COUNTED_ITEMS: tuple[tuple[int, str, str], ...] = (
    (1, "enterprises", "个"),
    (2, "teams", "个"),
    (3, "cumulative_teams", "个"),
    (4, "participants", "人次"),
    (5, "recommended", "个"),
    (6, "funding", "万元"),
    (7, "rewards", "万元"),
)
# Declared items the platform can count itself (field → PlatformFigures attribute).
KNOWN_ITEMS = ("enterprises", "teams", "cumulative_teams", "recommended", "certified_judges")


def unit_get_for(*, user: User, pk: int) -> RecommendingUnit:
    """The unit if the user is its member or association staff; 404 otherwise."""
    roles = roles_of(user)
    if pk not in roles.unit_ids and not roles.is_staff:
        raise Http404
    unit = RecommendingUnit.objects.filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


def campaign_for(year: int | str | None = None) -> Campaign:
    """The campaign of ``year`` (the current one when not given); 404 when missing."""
    if year not in (None, ""):
        try:
            number = int(str(year))
        except ValueError as exc:
            raise Http404 from exc
        campaign = Campaign.objects.filter(year=number).first() if 1900 <= number <= 2200 else None
    else:
        campaign = campaign_current()
    if campaign is None:
        raise Http404
    return campaign


# --- the platform's own figures -------------------------------------------------------------


@dataclass(frozen=True)
class PlatformFigures:
    """What the platform counts for a unit about the period a 附件6 covers."""

    period_year: int
    has_period: bool  # the platform holds that year's campaign
    enterprises: int = 0
    teams: int = 0
    cumulative_teams: int = 0
    recommended: int = 0
    certified_judges: int = 0

    def get(self, name: str) -> int | None:
        if name not in KNOWN_ITEMS:
            return None
        if name != "cumulative_teams" and name != "certified_judges" and not self.has_period:
            return None
        return int(getattr(self, name))


def platform_figures_by_unit(
    campaign: Campaign, unit_ids: Iterable[int] | None = None
) -> dict[int, PlatformFigures]:
    """Per unit, about the calendar year before ``campaign``'s (the period its 附件6
    covers): organisations and teams that took part through the unit that year, teams it
    recommended that year, distinct teams (organisation + team name) that took part
    through it in any year up to then (历年累计, imported history included), and the
    judges on its panel holding a TGQ certificate. Four queries for all units."""
    period = campaign.year - 1
    period_campaign = Campaign.objects.filter(year=period).first()
    took_part = Application.objects.filter(submitted_at__isnull=False).exclude(
        state__in=NOT_TAKING_PART
    )
    if unit_ids is not None:
        ids = list(unit_ids)
        took_part = took_part.filter(recommending_unit_id__in=ids)
        panel = PanelMember.objects.filter(unit_id__in=ids)
    else:
        panel = PanelMember.objects.all()
    per_year: dict[int, dict[str, Any]] = {}
    if period_campaign is not None:
        for row in (
            took_part.filter(campaign=period_campaign)
            .order_by()
            .values("recommending_unit_id")
            .annotate(
                enterprises=Count("organisation_id", distinct=True),
                teams=Count("pk"),
                # docs/rules.md, "Counts": on the unit's list (filed or not, not voided).
                recommended=Count("pk", filter=recommended_q()),
            )
        ):
            per_year[row["recommending_unit_id"]] = dict(row)
    cumulative: dict[int, int] = defaultdict(int)
    for unit_id, _org, _team in (
        took_part.filter(campaign__year__lte=period)
        .order_by()  # the model's ordering would join the DISTINCT
        .values_list("recommending_unit_id", "organisation_id", "team_name")
        .distinct()
    ):
        cumulative[unit_id] += 1
    certified = dict(
        panel.exclude(judge__tgq_number="")
        .values("unit_id")
        .annotate(n=Count("judge_id", distinct=True))
        .values_list("unit_id", "n")
    )
    wanted = set(ids) if unit_ids is not None else set(per_year) | set(cumulative) | set(certified)
    result = {}
    for unit_id in wanted:
        counts = per_year.get(unit_id, {})
        result[unit_id] = PlatformFigures(
            period_year=period,
            has_period=period_campaign is not None,
            enterprises=counts.get("enterprises", 0),
            teams=counts.get("teams", 0),
            cumulative_teams=cumulative.get(unit_id, 0),
            recommended=counts.get("recommended", 0),
            certified_judges=certified.get(unit_id, 0),
        )
    return result


def platform_figures(*, unit: RecommendingUnit, campaign: Campaign) -> PlatformFigures:
    return platform_figures_by_unit(campaign, [unit.pk])[unit.pk]


# --- 附件6 -----------------------------------------------------------------------------------


def statistics_report(*, unit: RecommendingUnit, campaign: Campaign) -> StatisticsReport | None:
    return (
        StatisticsReport.objects.select_related("unit", "campaign")
        .filter(unit=unit, campaign=campaign)
        .first()
    )


@dataclass(frozen=True)
class ItemLine:
    """One counted item as the page shows it: declared beside the platform's figure."""

    number: int
    field: str
    label: str
    unit_label: str
    declared: Any
    platform: int | None

    @property
    def differs(self) -> bool:
        return (
            self.platform is not None
            and self.declared not in (None, "")
            and Decimal(str(self.declared)) != self.platform
        )


def _unit_labels() -> dict[str, str]:
    """The form's units of measure in the user's language (the official form itself keeps
    the Chinese ones)."""
    return {
        "个": pgettext("unit of a count in 附件6", "个"),
        "人次": pgettext("unit of a count in 附件6", "人次"),
        "万元": pgettext("unit of a count in 附件6", "万元"),
        "人": pgettext("unit of a count in 附件6", "人"),
    }


def item_lines(report: StatisticsReport, figures: PlatformFigures) -> list[ItemLine]:
    units = _unit_labels()
    lines = []
    for number, name, unit_label in (*COUNTED_ITEMS, (8, "certified_judges", "人")):
        label = str(StatisticsReport._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
        lines.append(
            ItemLine(
                number=number,
                field=name,
                label=label,
                unit_label=units.get(unit_label, unit_label),
                declared=getattr(report, name),
                platform=figures.get(name),
            )
        )
    return lines


def differences(report: StatisticsReport, figures: PlatformFigures) -> list[str]:
    """Fields whose declared value differs from the platform's figure."""
    return [line.field for line in item_lines(report, figures) if line.differs]


# --- 附件7 -----------------------------------------------------------------------------------


def work_summary(*, unit: RecommendingUnit, campaign: Campaign) -> WorkSummary | None:
    return (
        WorkSummary.objects.select_related("unit", "campaign")
        .filter(unit=unit, campaign=campaign)
        .first()
    )


def summary_events(summary: WorkSummary | None) -> list[SummaryEvent]:
    if summary is None or summary.pk is None:
        return []
    return list(summary.events.all())


def count_characters(*texts: str) -> int:
    """字数 as the form counts it: every character except white space (the same rule as
    xinban/static/xinban/reports.js)."""
    return sum(sum(1 for ch in text if not ch.isspace()) for text in texts if text)


def summary_texts(
    values: dict[str, Any] | WorkSummary, events: Iterable[dict[str, Any] | SummaryEvent]
) -> list[str]:
    def get(obj: Any, name: str) -> str:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, "")
        if isinstance(value, date):
            return date_cn(value)  # counted as printed: "2025年3月15日"
        return str(value or "")

    texts = [get(values, name) for name in SUMMARY_TEXT_FIELDS]
    for event in events:
        texts.extend(get(event, name) for name in EVENT_TEXT_FIELDS)
    return texts


def summary_length(summary: WorkSummary, events: Iterable[SummaryEvent] | None = None) -> int:
    rows = list(events) if events is not None else summary_events(summary)
    return count_characters(*summary_texts(summary, rows))


# --- staff: filing status and roll-up ---------------------------------------------------------


@dataclass
class FilingRow:
    unit: RecommendingUnit
    form5: str | None  # UnitRecommendationReport status, None when not started
    form6: str | None
    form7: str | None
    admins: list[str] = field(default_factory=list)

    @property
    def form5_filed(self) -> bool:
        return self.form5 in (ReportStatus.SUBMITTED, ReportStatus.VOIDED)

    @property
    def form6_filed(self) -> bool:
        return self.form6 == FilingStatus.SUBMITTED

    @property
    def form7_filed(self) -> bool:
        return self.form7 == FilingStatus.SUBMITTED

    @property
    def missing(self) -> list[str]:
        names = []
        if not self.form5_filed:
            names.append("附件5")
        if not self.form6_filed:
            names.append("附件6")
        if not self.form7_filed:
            names.append("附件7")
        return names


def filing_rows(campaign: Campaign) -> list[FilingRow]:
    """Every active unit with the state of its 附件5, 6 and 7 for ``campaign`` and its
    admins' e-mail addresses. Five queries."""
    units = list(RecommendingUnit.objects.filter(active=True).order_by("position", "name"))
    form5 = dict(
        UnitRecommendationReport.objects.filter(campaign=campaign).values_list("unit_id", "status")
    )
    form6 = dict(
        StatisticsReport.objects.filter(campaign=campaign).values_list("unit_id", "status")
    )
    form7 = dict(WorkSummary.objects.filter(campaign=campaign).values_list("unit_id", "status"))
    admins: dict[int, list[str]] = defaultdict(list)
    for unit_id, email in UnitMembership.objects.filter(role=UnitRole.ADMIN).values_list(
        "unit_id", "user__email"
    ):
        admins[unit_id].append(email)
    return [
        FilingRow(
            unit=u,
            form5=form5.get(u.pk),
            form6=form6.get(u.pk),
            form7=form7.get(u.pk),
            admins=sorted(admins.get(u.pk, [])),
        )
        for u in units
    ]


ROLLUP_NUMBERS = (
    "enterprises",
    "teams",
    "cumulative_teams",
    "participants",
    "recommended",
    "funding",
    "rewards",
    "certified_judges",
    "session_registered_teams",
    "session_presented_teams",
    "session_attendees",
)


@dataclass
class RollupRow:
    unit: RecommendingUnit
    report: StatisticsReport | None
    figures: PlatformFigures

    @property
    def submitted(self) -> bool:
        return self.report is not None and self.report.is_locked

    def value(self, name: str) -> Any:
        return getattr(self.report, name) if self.submitted else None


@dataclass
class Rollup:
    campaign: Campaign
    rows: list[RollupRow]
    totals: dict[str, Any]
    platform_totals: dict[str, int]
    review_form_counts: dict[str, int]
    sessions_held: int
    submitted: int


def statistics_rollup(campaign: Campaign) -> Rollup:
    """附件6 across all active units: each unit's submitted figures (drafts do not count),
    the totals, how many units used each review form and held a 发表会, and the
    platform's own figures summed."""
    units = list(RecommendingUnit.objects.filter(active=True).order_by("position", "name"))
    reports = {
        r.unit_id: r
        for r in StatisticsReport.objects.filter(campaign=campaign).select_related("campaign")
    }
    figures = platform_figures_by_unit(campaign, [u.pk for u in units])
    rows = [RollupRow(unit=u, report=reports.get(u.pk), figures=figures[u.pk]) for u in units]
    totals: dict[str, Any] = {}
    for name in ROLLUP_NUMBERS:
        values = [row.value(name) for row in rows if row.value(name) is not None]
        totals[name] = sum(values, Decimal(0) if name in ("funding", "rewards") else 0)
    platform_totals = {
        name: sum(int(getattr(row.figures, name)) for row in rows) for name in KNOWN_ITEMS
    }
    review_counts = {choice: 0 for choice in ReviewForm.values}
    sessions = 0
    for row in rows:
        if not row.submitted or row.report is None:
            continue
        for choice in row.report.review_forms or []:
            if choice in review_counts:
                review_counts[choice] += 1
        if row.report.session_held:
            sessions += 1
    return Rollup(
        campaign=campaign,
        rows=rows,
        totals=totals,
        platform_totals=platform_totals,
        review_form_counts=review_counts,
        sessions_held=sessions,
        submitted=sum(1 for row in rows if row.submitted),
    )
