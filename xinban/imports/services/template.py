"""The workbook to fill (one sheet of columns, one of rules)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from xinban.campaigns.models import Domain, OrganisationNature, TeamType
from xinban.core.spreadsheets import write_safe
from xinban.imports.services.rows import COLUMNS, MAX_ROWS, SHEET_TITLE


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
