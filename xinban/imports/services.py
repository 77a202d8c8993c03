"""Import of past years' teams and results from Excel (staff).

1. ``import_template_xlsx()``: the workbook to fill (one sheet of columns, one of rules).
2. ``import_check``: the upload is checked like every upload (size, real type, zip bomb),
   kept, and read row by row without writing anything: each row is new, an update of a
   row imported before, unchanged, or wrong (row number, column, message in Chinese).
3. ``import_commit``: the same check again inside one transaction; any error and nothing
   is written. Otherwise every row becomes real data: the year's campaign (created closed
   and published when missing), the organisation, and an application in its result state
   (建设经验 → ``selected``, 典型经验 → ``typical``, 推荐全国 → ``typical`` with the
   decision's national flag), with its evaluation decision, so that it counts in 历年累计
   and appears in the published results and the case library.

The natural key of a row is (年度, 单位名称, 班组名称): importing the same file twice
updates the rows of the first import (or leaves them unchanged) and never adds them
again. A row whose key belongs to an application made on the platform itself is refused.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from datetime import time as dt_time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from xinban.accounts.models import User
from xinban.applications.models import Application, ApplicationState
from xinban.applications.services import application_number_next
from xinban.applications.teams import team_recognise
from xinban.campaigns.models import Campaign, Domain, Industry, OrganisationNature, TeamType
from xinban.core import uploads
from xinban.core.audit import audit_record
from xinban.core.errors import NotAllowed, ServiceError, WrongState
from xinban.core.roles import roles_of
from xinban.core.spreadsheets import write_safe
from xinban.core.text import join_items
from xinban.evaluation.models import Decision, DecisionLevel
from xinban.imports.models import BatchState, ImportBatch, ImportedRecord
from xinban.organisations.models import Organisation, RecommendingUnit

MAX_ROWS = 5000
PREVIEW_ROWS = 1000
MAX_SUMMARY = 2000
SHEET_TITLE = "历年成果"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    example: str
    note: str


COLUMNS = (
    Column(
        "year",
        "年度",
        True,
        "2023",
        "活动年度，如 2023；只能导入往年（结果已发布或平台上尚无的年度）",
    ),
    Column("unit", "推荐单位", True, "浦东新区", "与平台中推荐单位的名称完全一致"),
    Column("organisation", "单位名称", True, "上海浦江智能装备股份有限公司", "全称，与公章一致"),
    Column("short_name", "单位简称", False, "浦江智能", "新单位的简称；不填则取单位名称"),
    Column("team", "班组名称", True, "数控加工一班", "证书上的班组名称"),
    Column("team_type", "班组类型", False, "生产操作型", "不填则自动选用该单位该年度未用过的类型"),
    Column("team_size", "班组人数", True, "12", "正整数"),
    Column(
        "domain",
        "重点领域",
        False,
        "制造",
        "制造、市场服务、非营利性服务、建设工程、“专精特新”中小企业",
    ),
    Column("nature", "单位性质", False, "国有", "国有、民营、外资、合资、事业单位、其他"),
    Column("industries", "重点产业", False, "高端装备、人工智能", "可填多个，用顿号分隔"),
    Column("result", "评价结果", True, "建设经验", "建设经验、典型经验、推荐全国典型经验或未入选"),
    Column("summary", "成果摘要", False, "", f"可选，最多 {MAX_SUMMARY} 字；填写后在案例库公开"),
)
HEADERS = {c.header: c for c in COLUMNS}

# 评价结果 as written → (application state, national).
RESULTS: dict[str, tuple[str, bool]] = {
    "建设经验": (ApplicationState.SELECTED, False),
    "典型经验": (ApplicationState.TYPICAL, False),
    "推荐全国典型经验": (ApplicationState.TYPICAL, True),
    "推荐全国质量信得过班组典型经验": (ApplicationState.TYPICAL, True),
    "全国典型经验": (ApplicationState.TYPICAL, True),
    # Took part and was not selected: counts in 历年累计, not in the results or the cases.
    "未入选": (ApplicationState.NOT_SELECTED, False),
}
RESULT_LABELS: dict[tuple[str, bool], str] = {
    (ApplicationState.SELECTED, False): "建设经验",
    (ApplicationState.TYPICAL, False): "典型经验",
    (ApplicationState.TYPICAL, True): "推荐全国典型经验",
    (ApplicationState.NOT_SELECTED, False): "未入选",
}
_SPLIT = re.compile(r"[、,，;；/\n]+")


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"


ACTION_LABELS = {
    "create": gettext_lazy("新增"),
    "update": gettext_lazy("更新"),
    "unchanged": gettext_lazy("无变化"),
    "error": gettext_lazy("有错误"),
}


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ParsedRow:
    row: int
    year: int
    unit: RecommendingUnit
    organisation: str
    short_name: str
    team: str
    team_type: TeamType | None
    team_size: int
    domain: str
    nature: str
    industries: list[str]
    state: str
    national: bool
    summary: str
    existing: Application | None = None
    action: str = Action.CREATE


@dataclass
class CheckResult:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total: int = 0

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def preview(self) -> list[dict[str, Any]]:
        wrong = {e.row for e in self.errors}
        items = [
            {
                "row": r.row,
                "year": r.year,
                "unit": r.unit.name,
                "organisation": r.organisation,
                "team": r.team,
                "result": RESULT_LABELS[(r.state, r.national)],
                "action": Action.ERROR if r.row in wrong else r.action,
            }
            for r in self.rows
        ]
        return items[:PREVIEW_ROWS]


class ImportHasErrors(ServiceError):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(
            _("导入文件中有 %(n)s 处错误，未导入任何数据。请按错误报告修改后重新上传。")
            % {"n": len(errors)},
            code="import_errors",
        )
        self.errors = errors
        # "row:column" → message (what the API shows under "errors").
        self.problems = {f"{e.row}:{e.column}": e.message for e in errors}


def require_staff(actor: User) -> None:
    if not roles_of(actor).is_staff:
        raise NotAllowed(_("只有质协工作人员可以导入历年数据。"), code="not_staff")


# --- the template ---------------------------------------------------------------------------


def import_template_xlsx() -> bytes:
    """The workbook staff fill: the columns (required ones marked), an example row, drop-down
    lists for 评价结果 and the taxonomies, and a sheet explaining every column."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_TITLE
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=index)
        write_safe(cell, column.header)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center")
        if column.required:
            cell.fill = required_fill
        ws.column_dimensions[get_column_letter(index)].width = (
            30
            if column.key
            in (
                "organisation",
                "summary",
            )
            else 14
        )
    ws.freeze_panes = "A2"
    lists = {
        "result": ["建设经验", "典型经验", "推荐全国典型经验"],
        "domain": list(Domain.objects.filter(active=True).values_list("name", flat=True)),
        "nature": list(
            OrganisationNature.objects.filter(active=True).values_list("name", flat=True)
        ),
        "team_type": list(TeamType.objects.filter(active=True).values_list("name", flat=True)),
    }
    for index, column in enumerate(COLUMNS, start=1):
        values = lists.get(column.key)
        if not values:
            continue
        formula = '"' + ",".join(v.replace('"', "") for v in values) + '"'
        if len(formula) > 255:  # Excel's limit for an inline list
            continue
        letter = get_column_letter(index)
        validation = DataValidation(type="list", formula1=formula, allow_blank=not column.required)
        validation.error = "请从列表中选择"
        validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        ws.add_data_validation(validation)
    help_ws = wb.create_sheet("填写说明")
    help_ws.column_dimensions["A"].width = 14
    help_ws.column_dimensions["B"].width = 8
    help_ws.column_dimensions["C"].width = 70
    help_ws.column_dimensions["D"].width = 30
    for col, text in enumerate(("列名", "必填", "说明", "示例"), start=1):
        write_safe(help_ws.cell(row=1, column=col), text).font = bold
    for row, column in enumerate(COLUMNS, start=2):
        for col, text in enumerate(
            (column.header, "是" if column.required else "", column.note, column.example), start=1
        ):
            write_safe(help_ws.cell(row=row, column=col), text)
    notes = (
        f"第一行为列名，请勿修改；数据从第二行开始，每行一个班组，最多 {MAX_ROWS} 行。",
        "同一年度、同一单位名称、同一班组名称视为同一条记录：重复导入只会更新，不会重复添加。",
        "上传后先预检，全部通过才能导入；有任何错误都不会导入任何数据。",
    )
    for offset, note in enumerate(notes, start=len(COLUMNS) + 3):
        write_safe(help_ws.cell(row=offset, column=1), note)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- reading --------------------------------------------------------------------------------


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


# --- services ---------------------------------------------------------------------------------


def _open(batch: ImportBatch) -> Any:
    batch.file.open("rb")
    return batch.file


def import_check(*, actor: User, file: UploadedFile) -> ImportBatch:
    """Keep the upload and check it (dry run): the batch holds the row-by-row report."""
    require_staff(actor)
    detected = uploads.validate_upload(file, kinds=uploads.UploadKind.DOCUMENT)
    if detected.ext != "xlsx":
        raise ValidationError(
            _("只接受 Excel（.xlsx）文件，请使用平台提供的模板。"), code="unsupported_type"
        )
    result = check_rows(file)
    file.seek(0)
    with transaction.atomic():
        batch = ImportBatch(
            original_name=uploads.clean_display_name(file.name or "import.xlsx"),
            sha256=uploads.sha256_of(file),
            size=file.size or 0,
            created_by=actor,
        )
        _store_result(batch, result)
        batch.file.save(uploads.safe_storage_name(file.name or "", ext="xlsx"), file, save=False)
        stored = batch.file.name
        try:
            batch.save()
            audit_record(
                actor=actor,
                action="imports.check",
                obj=batch,
                changes={
                    "name": batch.original_name,
                    "sha256": batch.sha256,
                    "rows": batch.total_rows,
                    "errors": batch.error_count,
                },
            )
        except BaseException:
            if stored:
                batch.file.storage.delete(stored)
            raise
    return batch


def _store_result(batch: ImportBatch, result: CheckResult) -> None:
    batch.total_rows = result.total
    batch.error_count = len(result.errors)
    batch.errors = [e.as_dict() for e in result.errors]
    batch.preview = result.preview()
    batch.created_count = result.count(Action.CREATE)
    batch.updated_count = result.count(Action.UPDATE)
    batch.unchanged_count = result.count(Action.UNCHANGED)


def _campaign_for(actor: User, year: int, cache: dict[int, Campaign]) -> Campaign:
    if year in cache:
        return cache[year]
    campaign = Campaign.objects.select_for_update().filter(year=year).first()
    if campaign is None:
        campaign = Campaign.objects.create(
            year=year,
            title=f"{year}年上海市“质量信得过班组”建设活动",
            results_published=True,
        )
        audit_record(
            actor=actor,
            action="imports.campaign_create",
            obj=campaign,
            changes={"year": year, "results_published": True},
        )
    elif not campaign.results_published:
        raise WrongState(
            _("%(year)s年度的结果尚未发布，不能导入。") % {"year": year}, code="not_published"
        )
    cache[year] = campaign
    return campaign


def _submitted_at(year: int) -> datetime:
    """Imported rows count as submitted in their year (the units see submitted ones only)."""
    return timezone.make_aware(datetime.combine(datetime(year, 5, 31).date(), dt_time(12)))


def import_commit(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Write every row of a checked batch, or nothing: the file is checked again inside the
    transaction (the database may have changed since the dry run)."""
    require_staff(actor)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.state != BatchState.CHECKED:
            raise WrongState(_("该文件已经导入过。"), code="already_committed")
        result = check_rows(_open(locked))
        locked.file.close()
        if result.errors:
            errors = result.errors
        else:
            errors = []
            touched = _write(actor, locked, result.rows)
            _store_result(locked, result)
            locked.state = BatchState.COMMITTED
            locked.committed_by = actor
            locked.committed_at = timezone.now()
            locked.save()
            audit_record(
                actor=actor,
                action="imports.commit",
                obj=locked,
                changes={
                    "created": locked.created_count,
                    "updated": locked.updated_count,
                    "unchanged": locked.unchanged_count,
                    "applications": touched,
                },
            )
    if errors:
        # Keep the new report with the batch, then refuse (nothing else was written).
        _store_result(batch, result)
        batch.save(
            update_fields=[
                "total_rows",
                "error_count",
                "errors",
                "preview",
                "created_count",
                "updated_count",
                "unchanged_count",
            ]
        )
        raise ImportHasErrors(errors)
    return locked


def _write(actor: User, batch: ImportBatch, rows: Iterable[ParsedRow]) -> list[int]:
    from xinban.publication.models import ConsentScope, PublicationConsent
    from xinban.publication.services import case_entries_rebuild

    campaigns: dict[int, Campaign] = {}
    organisations: dict[str, Organisation] = {}
    touched: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        if row.action == Action.UNCHANGED:
            continue
        campaign = _campaign_for(actor, row.year, campaigns)
        if row.existing is not None:
            app = Application.objects.select_for_update().get(pk=row.existing.pk)
        else:
            organisation = organisations.get(row.organisation)
            if organisation is None:
                organisation, _created = Organisation.objects.get_or_create(
                    name=row.organisation, defaults={"short_name": row.short_name}
                )
                organisations[row.organisation] = organisation
            app = Application(
                campaign=campaign,
                organisation=organisation,
                number=application_number_next(row.year),
                submitted_at=_submitted_at(row.year),
                created_by=actor,
                team_name=row.team,
            )
        app.recommending_unit = row.unit
        app.team_size = row.team_size
        if row.team_type is not None:
            app.team_type = row.team_type
        app.state = row.state
        app.material_results = row.summary
        app.organisation_snapshot = _snapshot(row, app.organisation_snapshot)
        if app.pk:
            app.version += 1
        app.save()
        if app.team_id is None:  # the team across years (docs/rules.md, "Each team's history")
            team_recognise(app)
        if row.state == ApplicationState.NOT_SELECTED:
            Decision.objects.filter(application=app).delete()
        else:
            Decision.objects.update_or_create(
                application=app,
                defaults={
                    "level": DecisionLevel.TYPICAL
                    if row.state == ApplicationState.TYPICAL
                    else DecisionLevel.SELECTED,
                    "national": row.national,
                    "decided_by": actor,
                    "reason": "历年数据导入",
                },
            )
        ImportedRecord.objects.update_or_create(
            application=app, defaults={"batch": batch, "row_number": row.row}
        )
        if row.summary:
            PublicationConsent.objects.get_or_create(
                application=app, defaults={"scope": ConsentScope.SUMMARY, "updated_by": actor}
            )
        touched[campaign.pk].append(app.pk)
    for campaign_pk, ids in touched.items():
        case_entries_rebuild(campaign=Campaign.objects.get(pk=campaign_pk), only=ids)
    return [pk for ids in touched.values() for pk in ids]
