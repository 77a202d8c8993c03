"""Reading an import workbook row by row without writing anything: each row is new, an
update of a row imported before, unchanged, or wrong (row number, column, message in
Chinese)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign, Domain, Industry, OrganisationNature, TeamType
from xinban.core.errors import ServiceError
from xinban.core.text import join_items
from xinban.imports.services.rows import (
    _SPLIT,
    COLUMNS,
    HEADERS,
    MAX_ROWS,
    MAX_SUMMARY,
    RESULTS,
    SHEET_TITLE,
    Action,
    CheckResult,
    ParsedRow,
    RowError,
)
from xinban.organisations.models import RecommendingUnit


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    return re.sub(r"\s+", " ", str(value)).strip()


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = _text(value)
    return int(text) if re.fullmatch(r"\d{1,9}", text) else None


def _read_rows(file: Any) -> Iterator[tuple[int, dict[str, Any]] | RowError]:
    """(row number, {column key: cell value}) for every non-empty data row, or a RowError
    for a header problem. Raises ServiceError when the workbook cannot be read."""
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # untrusted bytes: any parse failure means "cannot read"
        raise ServiceError(
            _("无法读取该 Excel 文件，请用 Office 或 WPS 另存为 .xlsx 后重新上传。"),
            code="unreadable",
            field="file",
        ) from exc
    try:
        ws = wb[SHEET_TITLE] if SHEET_TITLE in wb.sheetnames else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None) or ()
        positions: dict[str, int] = {}
        for index, value in enumerate(header):
            name = _text(value).replace("*", "").strip()
            if name in HEADERS and HEADERS[name].key not in positions:
                positions[HEADERS[name].key] = index
        missing = [c.header for c in COLUMNS if c.required and c.key not in positions]
        if missing:
            yield RowError(
                1,
                join_items(missing),
                _("第一行缺少必需的列：%(columns)s。请使用平台提供的模板。")
                % {"columns": join_items(missing)},
            )
            return
        for number, values in enumerate(rows, start=2):
            if values is None or all(_text(v) == "" for v in values):
                continue
            if number > MAX_ROWS + 1:
                yield RowError(
                    number, "", _("数据超过 %(n)s 行，请分成多个文件导入。") % {"n": MAX_ROWS}
                )
                return
            yield (
                number,
                {
                    key: values[index] if index < len(values) else None
                    for key, index in positions.items()
                },
            )
    finally:
        wb.close()


@dataclass
class _Lookups:
    units: dict[str, RecommendingUnit]
    team_types: dict[str, TeamType]
    team_type_order: list[TeamType]
    domains: set[str]
    natures: set[str]
    industries: set[str]
    campaigns: dict[int, Campaign]

    @classmethod
    def load(cls) -> _Lookups:
        types = list(TeamType.objects.filter(active=True).order_by("position", "id"))
        return cls(
            units={u.name: u for u in RecommendingUnit.objects.all()},
            team_types={t.name: t for t in TeamType.objects.all()},
            team_type_order=types,
            domains=set(Domain.objects.values_list("name", flat=True)),
            natures=set(OrganisationNature.objects.values_list("name", flat=True)),
            industries=set(Industry.objects.values_list("name", flat=True)),
            campaigns={c.year: c for c in Campaign.objects.all()},
        )


def _parse_row(number: int, raw: dict[str, Any], lookups: _Lookups) -> ParsedRow | list[RowError]:
    errors: list[RowError] = []

    def error(key: str, message: str) -> None:
        header = next(c.header for c in COLUMNS if c.key == key)
        errors.append(RowError(number, header, message))

    text = {key: _text(raw.get(key)) for key in HEADERS_BY_KEY}
    for column in COLUMNS:
        if column.required and not text[column.key]:
            error(column.key, _("必填，不能为空。"))
    this_year = timezone.localdate().year
    year = _integer(raw.get("year")) if text["year"] else None
    if text["year"] and (year is None or not 1990 <= year < this_year):
        error("year", _("应为过去的年份（1990–%(last)s），如 2023。") % {"last": this_year - 1})
        year = None
    if (
        year is not None
        and year in lookups.campaigns
        and not lookups.campaigns[year].results_published
    ):
        error("year", _("%(year)s年度的结果尚未发布，不能导入。") % {"year": year})
    unit = lookups.units.get(text["unit"])
    if text["unit"] and unit is None:
        error("unit", _("平台中没有名为“%(name)s”的推荐单位。") % {"name": text["unit"]})
    if len(text["organisation"]) > 120:
        error("organisation", _("单位名称不能超过 120 个字。"))
    if len(text["short_name"]) > 40:
        error("short_name", _("单位简称不能超过 40 个字。"))
    if len(text["team"]) > 60:
        error("team", _("班组名称不能超过 60 个字。"))
    team_type = None
    if text["team_type"]:
        team_type = lookups.team_types.get(text["team_type"])
        if team_type is None:
            error(
                "team_type",
                _("班组类型应为：%(choices)s。")
                % {"choices": join_items(t.name for t in lookups.team_type_order)},
            )
    size = _integer(raw.get("team_size")) if text["team_size"] else None
    if text["team_size"] and (size is None or not 1 <= size <= 10000):
        error("team_size", _("应为 1 到 10000 之间的整数。"))
    if text["domain"] and text["domain"] not in lookups.domains:
        error(
            "domain",
            _("重点领域应为：%(choices)s。") % {"choices": join_items(sorted(lookups.domains))},
        )
    if text["nature"] and text["nature"] not in lookups.natures:
        error(
            "nature",
            _("单位性质应为：%(choices)s。") % {"choices": join_items(sorted(lookups.natures))},
        )
    industries = [part.strip() for part in _SPLIT.split(text["industries"]) if part.strip()]
    unknown = [name for name in industries if name not in lookups.industries]
    if unknown:
        error(
            "industries", _("平台中没有这些重点产业：%(names)s。") % {"names": join_items(unknown)}
        )
    result = RESULTS.get(text["result"].replace(" ", ""))
    if text["result"] and result is None:
        error("result", _("评价结果应为：建设经验、典型经验、推荐全国典型经验或未入选。"))
    summary = str(raw.get("summary") or "").strip()
    if len(summary) > MAX_SUMMARY:
        error("summary", _("成果摘要不能超过 %(n)s 字。") % {"n": MAX_SUMMARY})
    if errors:
        return errors
    assert year is not None and unit is not None and size is not None and result is not None
    return ParsedRow(
        row=number,
        year=year,
        unit=unit,
        organisation=text["organisation"],
        short_name=text["short_name"] or text["organisation"][:40],
        team=text["team"],
        team_type=team_type,
        team_size=size,
        domain=text["domain"],
        nature=text["nature"],
        industries=industries,
        state=result[0],
        national=result[1],
        summary=summary,
    )


HEADERS_BY_KEY = {c.key: c.header for c in COLUMNS}


def _snapshot(row: ParsedRow, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    snapshot = dict(previous or {})
    snapshot.update(
        name=row.organisation,
        short_name=row.short_name,
        domain=row.domain or snapshot.get("domain", ""),
        industries=row.industries or snapshot.get("industries", []),
        nature=row.nature or snapshot.get("nature", ""),
        imported=True,
    )
    return snapshot


def _unchanged(app: Application, row: ParsedRow) -> bool:
    decision = getattr(app, "evaluation_decision", None)
    return (
        app.recommending_unit_id == row.unit.pk
        and app.team_size == row.team_size
        and (row.team_type is None or app.team_type_id == row.team_type.pk)
        and app.state == row.state
        and bool(decision and decision.national) == row.national
        and app.material_results == row.summary
        and app.organisation_snapshot == _snapshot(row, app.organisation_snapshot)
    )


def check_rows(file: Any) -> CheckResult:
    """Read and check every row against the rules and the database, writing nothing."""
    lookups = _Lookups.load()
    result = CheckResult()
    parsed: list[ParsedRow] = []
    for item in _read_rows(file):
        if isinstance(item, RowError):
            result.errors.append(item)
            continue
        number, raw = item
        result.total += 1
        outcome = _parse_row(number, raw, lookups)
        if isinstance(outcome, list):
            result.errors.extend(outcome)
        else:
            parsed.append(outcome)
    # Duplicates within the file.
    seen: dict[tuple[int, str, str], int] = {}
    keep: list[ParsedRow] = []
    for row in parsed:
        key = (row.year, row.organisation, row.team)
        if key in seen:
            result.errors.append(
                RowError(
                    row.row,
                    "班组名称",
                    _("与第 %(row)s 行重复（同一年度、单位名称、班组名称）。") % {"row": seen[key]},
                )
            )
            continue
        seen[key] = row.row
        keep.append(row)
    # Against the database: applications with the same key, team types in use.
    existing: dict[tuple[int, str, str], Application] = {}
    used_types: dict[tuple[int, str], set[int]] = defaultdict(set)
    years = {r.year for r in keep}
    names = {r.organisation for r in keep}
    if keep:
        for app in (
            Application.objects.filter(campaign__year__in=years, organisation__name__in=names)
            .exclude(state=ApplicationState.WITHDRAWN)
            .select_related("campaign", "organisation", "evaluation_decision", "import_record")
        ):
            existing[(app.campaign.year, app.organisation.name, app.team_name)] = app
            used_types[(app.campaign.year, app.organisation.name)].add(app.team_type_id)
    for row in keep:
        found = existing.get((row.year, row.organisation, row.team))
        if found is not None:
            app = found
            if not hasattr(app, "import_record"):
                result.errors.append(
                    RowError(
                        row.row,
                        "班组名称",
                        _("%(year)s年度平台上已有该班组的申报（编号 %(number)s），不能用导入覆盖。")
                        % {"year": row.year, "number": app.number},
                    )
                )
                continue
            row.existing = app
            row.action = Action.UNCHANGED if _unchanged(app, row) else Action.UPDATE
    # Team types: distinct per organisation and year (the platform's rule); rows that do
    # not name one get the first type still free.
    for row in keep:
        if row.existing is not None and row.team_type is not None:
            taken = used_types[(row.year, row.organisation)] - {row.existing.team_type_id}
            if row.team_type.pk in taken:
                result.errors.append(
                    RowError(row.row, "班组类型", _("同一单位同一年度的班组类型不能重复。"))
                )
            else:
                used_types[(row.year, row.organisation)].discard(row.existing.team_type_id)
                used_types[(row.year, row.organisation)].add(row.team_type.pk)
    for row in keep:
        if row.existing is not None:
            continue
        taken = used_types[(row.year, row.organisation)]
        if row.team_type is not None:
            if row.team_type.pk in taken:
                result.errors.append(
                    RowError(row.row, "班组类型", _("同一单位同一年度的班组类型不能重复。"))
                )
                continue
        else:
            free = [t for t in lookups.team_type_order if t.pk not in taken]
            if not free:
                result.errors.append(
                    RowError(
                        row.row,
                        "班组类型",
                        _("该单位本年度的班组类型已用完，请填写班组类型。"),
                    )
                )
                continue
            row.team_type = free[0]
        taken.add(row.team_type.pk)
    result.rows = keep
    result.errors.sort(key=lambda e: (e.row, e.column))
    return result
