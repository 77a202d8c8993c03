"""The dashboards' progress tables: the phases, each recommending unit's and each
judge's progress."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from operator import itemgetter
from typing import Any

from django.db.models import F, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.campaigns.models import Phase, PhaseKind
from xinban.core import compiled
from xinban.dashboards.models import JudgeTally, Tally
from xinban.dashboards.selectors.shared import (
    ROW_COLUMNS,
    STAGE_PHASE,
    UNIT,
    Options,
    Row,
    Scope,
    Year,
    _by,
    _query,
    _reverse,
    _tally,
)
from xinban.dashboards.tallies import ALL_UNITS
from xinban.recommendation.models import ReportStatus, UnitRecommendationReport
from xinban.scoring.models import Stage


def _elapsed(starts: datetime, ends: datetime, now: datetime) -> int:
    if now <= starts:
        return 0
    if now >= ends:
        return 100
    return round((now - starts) / (ends - starts) * 100)


def _phases(campaign: Year, now: datetime) -> list[dict[str, Any]]:
    rows = []
    for phase in Phase.objects.filter(campaign_id=campaign.pk).order_by("starts_at", "id"):
        status = (
            "upcoming" if phase.starts_at > now else "closed" if phase.ends_at < now else "open"
        )
        rows.append(
            {
                "kind": phase.kind,
                "label": str(PhaseKind(phase.kind).label),  # (get_kind_display, cheaper)
                "starts": timezone.localtime(phase.starts_at).strftime("%Y-%m-%d"),
                "ends": timezone.localtime(phase.ends_at).strftime("%Y-%m-%d"),
                "status": status,
                "elapsed": _elapsed(phase.starts_at, phase.ends_at, now),
            }
        )
    return rows


def _lagging(done: int, total: int, phase: Mapping[str, Any] | None) -> bool:
    """Behind schedule: less done than the share of the window that has passed."""
    if phase is None or total == 0 or done >= total:
        return False
    return bool(phase["status"] == "closed" or done * 100 < total * phase["elapsed"] - 0.5)


def _judge_query(campaign_id: int, only_unit: int | None) -> QuerySet[Any]:
    """Each judge's sheets of the year per stage and (unit stage) unit, from the judges'
    summary rows (``JudgeTally``): (judge id, name, stage, unit, total, submitted,
    drafts); ``only_unit``: that unit's unit-stage rows."""
    rows = JudgeTally.objects.filter(campaign_id=campaign_id)
    if only_unit is not None:  # a unit's own judges: unit-stage sheets of that unit
        rows = rows.filter(stage=Stage.UNIT, unit_id=only_unit)
    return rows.values_list(
        "judge_id", "judge__name", "stage", "unit_id", "total", "done", "drafts"
    ).order_by("stage", "judge__name", "judge_id", "unit_id")


def _judges(
    campaign: Year,
    phases: Mapping[str, Mapping[str, Any]],
    opts: Options,
    url: Callable[[str, int | None], str | None],
    only_unit: int | None = None,
    per_unit: dict[Any, dict[str, int]] | None = None,
) -> list[dict[str, Any]]:
    """Each judge's progress per stage; a unit-stage judge once per unit whose panel
    gave the sheets (``unit``), with ``url(stage, unit_id)``: the page behind the row
    (``only_unit``: that unit's unit-stage sheets only). ``per_unit`` is filled with
    each unit's unit-stage sheets (total, done): the units' progress, summed from the
    same rows rather than read again. One query, its SQL written once
    (``core.compiled``)."""
    rows: list[tuple[Any, ...]] = compiled.rows(_judge_query, campaign.pk, only_unit)
    unit_names = dict(opts.units)
    labels = {key: str(label) for key, label in Stage.choices}
    urls: dict[tuple[str, int | None], str | None] = {}
    result = []
    for _judge, name, stage, unit, total, done, drafts in rows:
        if per_unit is not None and stage == Stage.UNIT:
            summed = per_unit.setdefault(unit, {"total": 0, "done": 0})
            summed["total"] += total
            summed["done"] += done
        phase = phases.get(STAGE_PHASE.get(stage, ""))
        result.append(
            {
                "judge": name,
                "stage": labels[stage],
                "unit_id": unit,
                "unit": unit_names.get(unit, "") if unit else "",
                "total": total,
                "done": done,
                "drafts": drafts,
                "percent": round(done * 100 / total) if total else 0,
                "lagging": _lagging(done, total, phase),
                "url": urls[stage, unit]
                if (stage, unit) in urls
                else urls.setdefault((stage, unit), url(stage, unit)),
            }
        )
    result.sort(key=lambda r: (not r["lagging"], r["percent"], r["judge"]))
    return result


def _units_progress(
    campaign: Year,
    opts: Options,
    phase: Mapping[str, Any] | None,
    overall: Iterable[Row] | None = None,
    sheets: Mapping[Any, Mapping[str, int]] | None = None,
    reports: Mapping[int, str] | None = None,
) -> list[dict[str, Any]]:
    """``overall``: each unit's overall summary rows of the year, when already read;
    ``sheets``: each unit's unit-stage sheets (total, done), likewise (``_judges``);
    ``reports``: each unit's 附件5 status (``_reports``), likewise."""
    received = _tally(  # the year's summary rows
        overall
        if overall is not None
        else Tally.objects.filter(campaign_id=campaign.pk, dimension="", unit_id__gt=ALL_UNITS)
        .values_list(*ROW_COLUMNS)
        .order_by(),
        itemgetter(UNIT),
        ["applied", "recommended"],
    )
    if sheets is None:
        sheets = _by(
            JudgeTally.objects.filter(campaign_id=campaign.pk, stage=Stage.UNIT)
            .values(unit=F("unit_id"))
            .annotate(total=Sum("total"), done=Sum("done"))
            .order_by(),
            "unit",
        )
    if reports is None:
        reports = _reports(campaign)
    labels = dict(ReportStatus.choices)
    current = campaign.year == opts.current_year
    year = "?" + _query({"year": str(campaign.year)})
    inbox, judges, report = (
        _reverse(name, 0)
        for name in ("recommendation:inbox", "recommendation:judges", "recommendation:report")
    )
    staff_list = _reverse("applications:staff_list") + "?" + _query({"year": str(campaign.year)})
    rows = []
    for pk, name in opts.units:
        got, scored = received.get(pk, {}), sheets.get(pk, {})
        if not any(got.values()) and pk not in reports:
            continue
        status = reports.get(pk, "")
        total, done = scored.get("total", 0), scored.get("done", 0)
        submitted = status == ReportStatus.SUBMITTED
        rows.append(
            {
                "unit_id": pk,
                "unit": name,
                "applied": got.get("applied", 0),
                "recommended": got.get("recommended", 0),
                "sheets_total": total,
                "sheets_done": done,
                "percent": round(done * 100 / total) if total else 0,
                "report": str(labels.get(status, _("未开始"))),
                "report_status": str(status),
                "report_submitted": submitted,
                "lagging": not submitted
                and phase is not None
                and (
                    phase["status"] == "closed"
                    or _lagging(done, total, phase)
                    or (total == 0 and got.get("applied", 0) > 0 and phase["elapsed"] >= 50)
                ),
                "url": _unit_url(inbox, pk) + year,
                # The numbers open the staff list of the unit's applications of the year
                # at that stage (the same counts); the judges' page and 附件5 show the
                # current year only.
                "applied_url": f"{staff_list}&unit={pk}&stage=applied",
                "recommended_url": f"{staff_list}&unit={pk}&stage=recommended",
                "sheets_url": _unit_url(judges, pk) if current else None,
                "report_url": _unit_url(report, pk) if current else None,
            }
        )
    rows.sort(key=lambda r: (not r["lagging"], r["report_submitted"], r["percent"]))
    return rows


def _reports(campaign: Year) -> dict[int, str]:
    """Each unit's 附件5 status of the year (unit id → status)."""
    return dict(compiled.rows(_reports_query, campaign.pk))


def _reports_query(campaign_id: int) -> QuerySet[Any]:
    return UnitRecommendationReport.objects.filter(campaign_id=campaign_id).values_list(
        "unit_id", "status"
    )


def _unit_url(reversed_for_0: str, pk: int) -> str:
    """A unit's page from its URL reversed for unit 0 (``…/0/…``): the one number
    replaced (the lists' URLs hold no other ``/0/``)."""
    head, _sep, tail = reversed_for_0.rpartition("/0/")
    return f"{head}/{pk}/{tail}"


def _staff_list(campaign: Year, **params: Any) -> str:
    query = _query({"year": str(campaign.year), **{k: str(v) for k, v in params.items()}})
    return _reverse("applications:staff_list") + "?" + query


def _judge_url(scope: Scope, campaign: Year, opts: Options) -> Callable[..., str | None]:
    """The page behind a judge's row, for whoever sees the dashboard: a unit-stage judge
    → that unit's judges page (a unit's dashboard holds its own unit's judges only); an
    expert → the association's expert panel (staff). Those pages show the current
    year's progress: rows of another year link nowhere."""
    current = campaign.year == opts.current_year

    def url(stage: str, unit_id: int | None) -> str | None:
        if not current:
            return None
        if stage == Stage.UNIT and unit_id is not None:
            if scope.is_unit and unit_id != scope.unit_id:
                return None
            return _reverse("recommendation:judges", unit_id)
        if stage == Stage.EXPERT and not scope.is_unit:
            return _reverse("evaluation:panel")
        return None

    return url


def _progress(
    scope: Scope,
    campaign: Year | None,
    opts: Options,
    unit_rows: Iterable[Row] | None = None,
    reports: Mapping[int, str] | None = None,
) -> dict[str, Any]:
    if campaign is None:
        return {"phases": [], "units": [], "judges": []}
    now = timezone.now()
    phases = _phases(campaign, now)
    by_kind = {p["kind"]: p for p in phases}
    judge_url = _judge_url(scope, campaign, opts)
    if scope.is_unit:
        return {
            "phases": [p for p in phases if p["kind"] == PhaseKind.RECOMMENDATION],
            "units": [],
            "judges": _judges(campaign, by_kind, opts, judge_url, scope.unit_id),
        }
    per_unit: dict[Any, dict[str, int]] = {}
    judges = _judges(campaign, by_kind, opts, judge_url, per_unit=per_unit)
    recommendation = by_kind.get(PhaseKind.RECOMMENDATION)
    return {
        "phases": phases,
        "units": _units_progress(campaign, opts, recommendation, unit_rows, per_unit, reports),
        "judges": judges,
    }
