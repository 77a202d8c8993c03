"""The Excel files: 附件6 laid out like the notice's table, and the staff roll-up of 附件6.
Every value is written through xinban.core.spreadsheets.write_safe."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from xinban.applications.documents import clean
from xinban.core.printlayout import a4_print, fit_row_heights
from xinban.core.spreadsheets import write_safe
from xinban.core.stamp import Stamp, xlsx_stamp
from xinban.reports.documents.content import (
    AUTHOR,
    FORM6_ITEMS,
    FORM6_LABEL,
    FORM6_NOTES,
    FORM6_REVIEW_FORMS,
    _form6_rows,
    _number,
    _unit_line,
    form6_period,
    form6_title,
)
from xinban.reports.models import ReviewForm, StatisticsReport
from xinban.reports.selectors import COUNTED_ITEMS, PlatformFigures, Rollup

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = Font(name="宋体", size=10.5)
_BOLD = Font(name="宋体", size=10.5, bold=True)
_TITLE = Font(name="黑体", size=16, bold=True)
_WRAP = Alignment(vertical="center", wrap_text=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
FORM6_WIDTHS = (10.0, 22.0, 16.0, 18.0, 14.0, 22.0)


def _put(ws: Worksheet, row: int, column: int, value: Any, **style: Any) -> None:
    cell = ws.cell(row=row, column=column)
    write_safe(cell, value)
    cell.font = style.get("font", _FONT)
    cell.alignment = style.get("alignment", _WRAP)
    if style.get("border"):
        cell.border = _BORDER


_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


def _line(
    ws: Worksheet,
    row: int,
    text: str,
    *,
    font: Font = _FONT,
    merge: bool = False,
    across: bool = False,
) -> None:
    """A line of the form in column A: ``merge`` centres it over the six columns,
    ``across`` spans it over them left-aligned (a long line wraps there, not in A)."""
    _put(ws, row, 1, text, font=font, alignment=_CENTER if merge else _LEFT if across else _WRAP)
    if merge or across:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)


def statistics_xlsx(
    report: StatisticsReport, figures: PlatformFigures | None = None, stamp: Stamp | None = None
) -> bytes:
    """附件6 as an Excel workbook: the form on the first sheet; with ``figures``, a
    second sheet comparing the declared items with the platform's own figures; with
    ``stamp``, its QR code at the form's top right and its text in the page footer."""
    year = report.campaign.year
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "成果统计表"
    wb.properties.title = form6_title(year)
    wb.properties.subject = clean(report.unit.name)
    wb.properties.creator = wb.properties.lastModifiedBy = AUTHOR
    for index, width in enumerate(FORM6_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    _line(ws, 1, FORM6_LABEL)
    _line(ws, 2, form6_title(year), font=_TITLE, merge=True)
    ws.row_dimensions[2].height = 30
    _line(ws, 3, form6_period(year), merge=True)
    _put(ws, 4, 1, _unit_line(report.unit.name))
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=4)
    _put(ws, 4, 5, f"编号：{report.number}")
    ws.merge_cells(start_row=4, start_column=5, end_row=4, end_column=6)
    row = 4
    for cells in _form6_rows(report):
        row += 1
        column = 1
        header = row == 5
        for text, span in cells:
            _put(
                ws,
                row,
                column,
                text,
                font=_BOLD if header else _FONT,
                alignment=_CENTER if header or span == 1 and len(_number(text)) < 12 else _WRAP,
                border=True,
            )
            for extra in range(column + 1, column + span):
                ws.cell(row=row, column=extra).border = _BORDER
            if span > 1:
                ws.merge_cells(
                    start_row=row, start_column=column, end_row=row, end_column=column + span - 1
                )
            column += span
        # At least two lines' height (three for the long text); more where the text
        # wraps further (fit_row_heights below).
        ws.row_dimensions[row].height = 51 if len(cells) == 1 else 30
    row += 2
    _line(ws, row, f"填表人：{clean(report.filler_name)}", across=True)
    row += 1
    fill_date = report.fill_date.isoformat() if report.fill_date else ""
    _line(ws, row, f"填表日期：{fill_date}", across=True)
    row += 2
    for note in FORM6_NOTES:
        _line(ws, row, note, font=Font(name="宋体", size=9), across=True)
        row += 1
    fit_row_heights(ws)  # wrapped texts print whole (docs/forms.md)
    a4_print(ws, columns=6)
    if stamp is not None:
        xlsx_stamp(ws, stamp, anchor="F1", size_px=64)

    if figures is not None:
        cmp = wb.create_sheet("平台数据对照")
        for index, width in enumerate((8, 52, 12, 12, 14), start=1):
            cmp.column_dimensions[get_column_letter(index)].width = width
        headers = ("序号", "统计项目", "填报数", "平台数据", "是否一致")
        for column, text in enumerate(headers, start=1):
            _put(cmp, 1, column, text, font=_BOLD, alignment=_CENTER, border=True)
        items = [(n, name) for n, name, _u in COUNTED_ITEMS] + [(8, "certified_judges")]
        for offset, (number, name) in enumerate(items, start=2):
            declared = getattr(report, name)
            known = figures.get(name)
            same = (
                ""
                if known is None or declared is None
                else ("一致" if Decimal(str(declared)) == known else "不一致")
            )
            values = (number, FORM6_ITEMS[name], declared, known, same)
            for column, value in enumerate(values, start=1):
                _put(cmp, offset, column, value, border=True)
        note_row = len(items) + 3
        _put(
            cmp,
            note_row,
            1,
            f"平台数据：{figures.period_year}年度在本平台经本单位提交的申报（历年累计含往年导入数据）；"
            "评委证书人数为本单位评委名单中有TGQ评委证书号的人数。",
            alignment=_LEFT,
        )
        cmp.merge_cells(start_row=note_row, start_column=1, end_row=note_row, end_column=5)
        fit_row_heights(cmp)
        a4_print(cmp, columns=5)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rollup_xlsx(rollup: Rollup) -> bytes:
    """The roll-up of 附件6 across units: one row per unit (submitted figures only),
    the totals, and the platform's figures beside them."""
    year = rollup.campaign.year
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "附件6汇总"
    wb.properties.title = f"{form6_title(year)}汇总"
    wb.properties.creator = wb.properties.lastModifiedBy = AUTHOR
    headers = (
        "推荐单位",
        "状态",
        "编号",
        "企业数（个）",
        "班组数（个）",
        "历年累计数（个）",
        "参与员工（人次）",
        "推荐数（个）",
        "经费投入（万元）",
        "奖励费用（万元）",
        "评委证书人数（人）",
        "评审及交流形式",
        "是否组织发表会",
        "发表会报名班组数",
        "发表班组数",
        "参会人数",
        "平台：企业数",
        "平台：班组数",
        "平台：历年累计数",
        "平台：推荐数",
        "联系人",
        "联系人手机",
        "联系人邮箱",
    )
    _line(ws, 1, f"{form6_title(year)}汇总 {form6_period(year)}", font=_BOLD)
    for column, text in enumerate(headers, start=1):
        _put(ws, 2, column, text, font=_BOLD, alignment=_CENTER, border=True)
        ws.column_dimensions[get_column_letter(column)].width = 24 if column == 1 else 12
    numbers = (
        "enterprises",
        "teams",
        "cumulative_teams",
        "participants",
        "recommended",
        "funding",
        "rewards",
        "certified_judges",
    )
    row = 2
    for line in rollup.rows:
        row += 1
        report = line.report
        status = "已报送" if line.submitted else ("填写中" if report else "未填写")
        review = (
            "、".join(FORM6_REVIEW_FORMS[ReviewForm(v)] for v in report.review_forms)
            if line.submitted and report
            else ""
        )
        held = ""
        if line.submitted and report and report.session_held is not None:
            held = "是" if report.session_held else "否"
        values: list[Any] = [
            line.unit.name,
            status,
            report.number if report else "",
            *[line.value(name) for name in numbers],
            review,
            held,
            line.value("session_registered_teams"),
            line.value("session_presented_teams"),
            line.value("session_attendees"),
            line.figures.enterprises if line.figures.has_period else None,
            line.figures.teams if line.figures.has_period else None,
            line.figures.cumulative_teams,
            line.figures.recommended if line.figures.has_period else None,
            line.value("contact_name"),
            line.value("contact_mobile"),
            line.value("contact_email"),
        ]
        for column, value in enumerate(values, start=1):
            _put(ws, row, column, value, border=True)
    row += 1
    totals: list[Any] = [
        "合计",
        f"已报送 {rollup.submitted} 家",
        "",
        *[rollup.totals[name] for name in numbers],
        "；".join(
            f"{FORM6_REVIEW_FORMS[ReviewForm(k)]} {v}" for k, v in rollup.review_form_counts.items()
        ),
        f"{rollup.sessions_held} 家",
        rollup.totals["session_registered_teams"],
        rollup.totals["session_presented_teams"],
        rollup.totals["session_attendees"],
        rollup.platform_totals["enterprises"],
        rollup.platform_totals["teams"],
        rollup.platform_totals["cumulative_teams"],
        rollup.platform_totals["recommended"],
        "",
        "",
        "",
    ]
    for column, value in enumerate(totals, start=1):
        _put(ws, row, column, value, font=_BOLD, border=True)
    ws.freeze_panes = "B3"
    fit_row_heights(ws)
    a4_print(ws, columns=len(headers), landscape=True)
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
