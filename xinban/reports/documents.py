"""The official forms as files: 附件6 成果统计表 (Excel and Word, laid out like the
notice's table), 附件7 推进工作总结 (Word), and the staff roll-up of 附件6 (Excel).

File names follow the notice: 附件6 注2 "推荐单位+信班活动统计表", 附件7 注 "推荐单位名称+
班组总结". Every spreadsheet value is written through xinban.core.spreadsheets.write_safe
(text that looks like a formula stays text). Texts in the files are the official form's
own words, so they are not translated."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_noop
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from xinban.applications.documents import (
    CHECKED,
    DOCX_FONTS,
    DOCX_SIZES,
    UNCHECKED,
    _docx_borders,
    _docx_defaults,
    _set_fonts,
    clean,
)
from xinban.core.printlayout import a4_print, fit_row_heights
from xinban.core.spreadsheets import write_safe
from xinban.core.stamp import DocumentKind, Stamp, docx_stamp, sign, xlsx_stamp
from xinban.core.uploads import download_name_for
from xinban.reports.models import (
    ReviewForm,
    StatisticsReport,
    SummaryEvent,
    WorkSummary,
)
from xinban.reports.selectors import COUNTED_ITEMS, PlatformFigures, Rollup

AUTHOR = "上海市质量协会"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

FORM6_SUFFIX = "信班活动统计表"
FORM7_SUFFIX = "班组总结"

# The form's own wording (附件6).
FORM6_LABEL = "附件6"
FORM6_ITEMS = {
    "enterprises": "本年度开展质量信得过班组企业数",
    "teams": "本年度开展质量信得过班组数",
    "cumulative_teams": "历年质量信得过班组累计数",
    "participants": "本年度参与质量信得过班组活动员工数",
    "recommended": "本年度推荐上海市质量信得过班组数",
    "funding": "本年度对质量信得过班组活动经费投入（培训、交流、规范化等）",
    "rewards": "本年度对质量信得过班组活动奖励费用",
    "certified_judges": "取得中国质协评委证书人数",
}
FORM6_REVIEW_FORMS = {
    ReviewForm.PRESENTATION: "发表评审",
    ReviewForm.MATERIALS: "资料评审",
    ReviewForm.ON_SITE: "现场评审",
    ReviewForm.WITH_QC: "与QC小组合开",
    ReviewForm.SEPARATE: "单独举办",
}
FORM6_NOTES = ("注：1. 本统计表来自企业统计数据资料", "2. 附件名称：推荐单位+信班活动统计表")

# 附件7: the sections and their sub-points, as the notice words them.
FORM7_LABEL = "附件7"
FORM7_REQUIREMENT = (
    "要求：围绕本年度活动重点要求，认真总结本区、行业、集团一年来质量信得过班组建设活动的推进"
    "经验和具体做法，特色鲜明、成效突出、数据详实，字数要求3000字以上。"
)
FORM7_SECTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        gettext_noop("一、基本情况"),
        (
            (
                "overview",
                gettext_noop(
                    "1. 全年质量信得过班组活动开展情况介绍，"
                    "年度重点工作任务（标准普及宣传、专家和骨干队伍建设）等。"
                ),
            ),
            (
                "events",
                gettext_noop(
                    "2. 质量信得过班组建设推进活动开展情况请列表说明"
                    "（如：活动时间、地点、名称、内容/形式、参与人数等）。"
                ),
            ),
        ),
    ),
    (
        gettext_noop("二、推进经验和做法"),
        (
            (
                "methods",
                gettext_noop(
                    "1. 推进质量信得过班组活动过程中采取的具有特色的方法、措施和取得的效果。"
                ),
            ),
            ("highlights", gettext_noop("2. 本行业、区、集团企业开展质量信得过班组建设突出事迹。")),
        ),
    ),
    (
        gettext_noop("三、存在问题及改进方向"),
        (
            ("problems", gettext_noop("1. 年度活动推进存在的问题或遇到的困难。")),
            ("directions", gettext_noop("2. 未来改进方向和拟采取的措施。")),
            ("suggestions", gettext_noop("3. 需要上海市质协支持或对今后活动推进的建议。")),
        ),
    ),
)
EVENT_HEADERS = ("序号", "时间", "地点", "名称", "内容/形式", "参与人数")


def form6_title(year: int) -> str:
    return f"{year}年上海市“质量信得过班组”建设活动成果统计表"


def form6_period(year: int) -> str:
    return f"（{year - 1}年1月至{year - 1}年12月）"


def form7_title(year: int) -> str:
    return f"{year}年开展“质量信得过班组”建设活动推进工作总结"


def form6_download_name(unit: str, ext: str) -> str:
    """'浦东新区信班活动统计表.xlsx' (附件6 注2: 推荐单位+信班活动统计表)."""
    return download_name_for(unit[: 100 - len(FORM6_SUFFIX)], FORM6_SUFFIX, "", ext)


def form7_download_name(unit: str, *, draft: bool = False) -> str:
    """'浦东新区班组总结.docx' (附件7 注: 推荐单位名称+班组总结); a draft (under 3,000
    characters) '浦东新区班组总结-草稿.docx'."""
    suffix = DRAFT_MARK if draft else ""
    return download_name_for(unit[: 100 - len(FORM7_SUFFIX)], FORM7_SUFFIX, suffix, "docx")


DRAFT_MARK = "草稿"


def summary_is_draft(summary: WorkSummary, events: Sequence[SummaryEvent]) -> bool:
    """Under the form's 3,000 characters: the download is marked 草稿."""
    from xinban.reports.selectors import MIN_SUMMARY_CHARS, summary_length

    return summary_length(summary, events) < MIN_SUMMARY_CHARS


def _number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


def _box(checked: bool) -> str:
    return CHECKED if checked else UNCHECKED


def _judges_line(report: StatisticsReport) -> str:
    has = report.has_certified_judges
    count = _number(report.certified_judges) if has else ""
    return (
        f"{FORM6_ITEMS['certified_judges']}：{_box(has is True)}有，{count or '＿＿'}人  "
        f"{_box(has is False)}无"
    )


def _review_forms_line(report: StatisticsReport) -> str:
    chosen = set(report.review_forms or [])
    return "  ".join(f"{label}{_box(key in chosen)}" for key, label in FORM6_REVIEW_FORMS.items())


def _held_line(report: StatisticsReport) -> str:
    return f"{_box(report.session_held is True)}是  {_box(report.session_held is False)}否"


def _form6_rows(report: StatisticsReport) -> list[Any]:
    """The form's body below the header, as rows of (text, span) cells over six
    columns; a span of 6 is a full-width line."""
    rows: list[Any] = [
        [("序号", 1), ("统计项目", 3), ("单位", 1), ("数量", 1)],
    ]
    for number, name, unit_label in COUNTED_ITEMS:
        rows.append(
            [
                (str(number), 1),
                (FORM6_ITEMS[name], 3),
                (unit_label, 1),
                (getattr(report, name), 1),
            ]
        )
    rows.append([("8", 1), (_judges_line(report), 5)])
    rows.append(
        [
            (
                "本年度开展质量信得过班组建设活动主要特点与问题：\n"
                + clean(report.features_and_problems),
                6,
            )
        ]
    )
    rows.append([("质量信得过班组建设经验评审及交流形式", 2), (_review_forms_line(report), 4)])
    rows.append(
        [
            ("是否组织发表会", 1),
            (_held_line(report), 1),
            ("发表会报名班组数", 1),
            (report.session_registered_teams, 1),
            ("发表班组数", 1),
            (report.session_presented_teams, 1),
        ]
    )
    rows.append(
        [
            ("发表会时间", 1),
            (report.session_time_text, 1),
            ("发表会地点", 1),
            (report.session_place, 1),
            ("参会人数", 1),
            (report.session_attendees, 1),
        ]
    )
    rows.append([("质量信得过班组工作归口部门及负责人：" + report.department_and_head, 6)])
    rows.append(
        [
            ("联系人", 1),
            (report.contact_name, 1),
            ("联系人手机", 1),
            (report.contact_mobile, 1),
            ("联系人邮箱", 1),
            (report.contact_email, 1),
        ]
    )
    rows.append([("通信地址", 1), (report.address, 3), ("邮编", 1), (report.postcode, 1)])
    return rows


def _unit_line(unit: str) -> str:
    return f"推荐各区/行业/集团（推荐单位公章）：{clean(unit)}"


# --- Excel ------------------------------------------------------------------------------------

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


def form6_content(report: StatisticsReport) -> dict[str, object]:
    """What 附件6 prints, JSON-able (the stamp's HMAC covers it)."""
    return {
        "year": report.campaign.year,
        "unit": clean(report.unit.name),
        "number": report.number,
        "rows": [[[str(text), span] for text, span in cells] for cells in _form6_rows(report)],
        "filler_name": clean(report.filler_name),
        "fill_date": report.fill_date.isoformat() if report.fill_date else "",
    }


def form6_stamp(report: StatisticsReport) -> Stamp:
    """The code printed on 附件6 (docs/rules.md, "The stamp check"): its number (the
    year and the unit before it has one), its version and the HMAC of what it prints."""
    number = report.number or f"{report.campaign.year}-{report.unit.pk}"
    return sign(DocumentKind.STATISTICS, number, report.version or 0, form6_content(report))


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


# --- Word -------------------------------------------------------------------------------------

DOCX_MARGIN_MM = 20
DOCX_USABLE_MM = 210 - 2 * DOCX_MARGIN_MM


def _field(run: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) in ``run``: Word and LibreOffice fill it in."""
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, separate, shown, end):
        run._r.append(element)


def page_numbers(document: Any) -> None:
    """ "第 N 页 共 M 页" centred in every page's footer."""
    for section in document.sections:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run("第 ")
        _field(paragraph.add_run(), "PAGE")
        paragraph.add_run(" 页 共 ")
        _field(paragraph.add_run(), "NUMPAGES")
        paragraph.add_run(" 页")


def draft_header(document: Any) -> None:
    """ "草稿" at the top right of every page."""
    for section in document.sections:
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = paragraph.add_run(DRAFT_MARK)
        run.font.bold = True
        run.font.size = Pt(14)


def _new_document(title: str, subject: str) -> Any:
    document = Document()
    _docx_defaults(document)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(DOCX_MARGIN_MM)
    section.top_margin = section.bottom_margin = Mm(DOCX_MARGIN_MM)
    props = document.core_properties
    props.title = title
    props.subject = clean(subject)
    props.author = props.last_modified_by = AUTHOR
    return document


def _para(
    document: Any,
    text: str,
    *,
    style: str = "body",
    align: str = "left",
    bold: bool = False,
    space_before: float = 0,
    indent: bool = False,
) -> Any:
    paragraph = document.add_paragraph()
    if align == "center":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "justify":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if space_before:
        paragraph.paragraph_format.space_before = Pt(space_before)
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(21)
    run = paragraph.add_run(clean(text))
    if style != "body" or bold:
        run.font.size = DOCX_SIZES[style]
        run.font.bold = bold or style == "title"
        _set_fonts(run._r, DOCX_FONTS[style])
    return paragraph


def _cell_text(cell: Any, text: str, *, bold: bool = False, center: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(clean(text))
    if bold:
        run.font.bold = True


def statistics_docx(report: StatisticsReport, stamp: Stamp | None = None) -> bytes:
    """附件6 as a Word document (A4 portrait), the same table as the notice; with
    ``stamp``, its QR code in the header and its text in the footer."""
    year = report.campaign.year
    document = _new_document(form6_title(year), report.unit.name)
    _para(document, FORM6_LABEL)
    _para(document, form6_title(year), style="title", align="center", space_before=6)
    _para(document, form6_period(year), align="center")
    _para(document, f"{_unit_line(report.unit.name)}    编号：{report.number}", space_before=8)
    rows = _form6_rows(report)
    table = document.add_table(rows=len(rows), cols=6)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _docx_borders(table)
    widths = [Mm(DOCX_USABLE_MM * w / sum(FORM6_WIDTHS)) for w in FORM6_WIDTHS]
    for index, cells in enumerate(rows):
        docx_row = table.rows[index]
        for column, width in enumerate(widths):
            docx_row.cells[column].width = width
        column = 0
        for text, span in cells:
            cell = docx_row.cells[column]
            if span > 1:
                cell = cell.merge(docx_row.cells[column + span - 1])
            _cell_text(cell, _number(text), bold=index == 0, center=index == 0 or span == 1)
            column += span
    _para(document, f"填表人：{report.filler_name}", space_before=12)
    _para(
        document,
        f"填表日期：{report.fill_date.isoformat() if report.fill_date else ''}",
        space_before=4,
    )
    for i, note in enumerate(FORM6_NOTES):
        _para(document, note, style="small", space_before=2 if i else 12)
    if stamp is not None:
        docx_stamp(document, stamp, size_mm=18)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _paragraphs(document: Any, text: str) -> None:
    parts = [p.strip() for p in clean(text).split("\n") if p.strip()]
    for part in parts or [""]:
        _para(document, part, align="justify", indent=True, space_before=2)


def summary_docx(
    summary: WorkSummary, events: Sequence[SummaryEvent], *, blank_event_rows: int = 0
) -> bytes:
    """附件7 as a Word document: title, the unit, the three sections with their
    sub-points, the table of events in section 一.2. With ``blank_event_rows`` it is the
    blank form (the notice's download): no draft mark, that many empty rows to fill in."""
    year = summary.campaign.year
    document = _new_document(form7_title(year), summary.unit.name)
    page_numbers(document)
    if not blank_event_rows and summary_is_draft(summary, events):
        from xinban.reports.selectors import MIN_SUMMARY_CHARS, summary_length

        count, wanted = summary_length(summary, events), MIN_SUMMARY_CHARS
        draft_header(document)
        note = f"{DRAFT_MARK}：目前 {count:,} 字，要求 {wanted:,} 字以上，尚未达到报送要求。"
        _para(document, note, bold=True)
    _para(document, FORM7_LABEL)
    _para(document, form7_title(year), style="title", align="center", space_before=6)
    _para(document, f"推荐单位：{summary.unit.name}", align="center", space_before=6)
    for heading, points in FORM7_SECTIONS:
        _para(document, heading, bold=True, space_before=12)
        for key, label in points:
            _para(document, label, bold=True, space_before=6)
            if key == "events":
                table = document.add_table(rows=1, cols=len(EVENT_HEADERS))
                table.style = document.styles["Table Grid"]
                table.alignment = WD_TABLE_ALIGNMENT.CENTER
                _docx_borders(table)
                for cell, text in zip(table.rows[0].cells, EVENT_HEADERS, strict=True):
                    _cell_text(cell, text, bold=True, center=True)
                for number, event in enumerate(events, start=1):
                    cells = table.add_row().cells
                    values = (
                        str(number),
                        event.held_on_text,
                        event.place,
                        event.name,
                        event.content,
                        _number(event.participants),
                    )
                    for cell, text in zip(cells, values, strict=True):
                        _cell_text(cell, text)
                for _row in range(blank_event_rows):
                    table.add_row()
            else:
                _paragraphs(document, getattr(summary, key))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
