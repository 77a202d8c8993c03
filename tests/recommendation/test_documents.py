"""The 附件5 推荐表 as Excel and Word: layout and content read back, formula-like text
neutralised, odd input, speed; plus the shared spreadsheet helper safe_cell."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from collections.abc import Iterator

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from xinban.applications.documents import clean
from xinban.core.spreadsheets import safe_cell, safe_text, write_safe
from xinban.recommendation.documents import (
    DECLARATION,
    JudgeRow,
    RecommendationFormData,
    RecommendedRow,
    download_name,
    recommendation_form_docx,
    recommendation_form_xlsx,
)

DDE = "=cmd|' /C calc'!A0"
AT_SUM = "@SUM(1)"
UNIT = "闵行区质量协会"
TEAM_HEADERS = [
    "企业名称",
    "班组名称",
    "班组人数",
    "材料评价（符合标准程度/特色/不足之处）",
    "打分",
    "排序",
    "评委",
    "推荐意见",
]
JUDGE_HEADERS = ["姓名", "工作单位", "TGQ 评委证书号", "通讯地址", "E-mail", "手机"]
NOTICE_DECLARATION = (
    "本单位遵守上海市群众性质量提升活动的有关规定，承诺遵守评审工作纪律，所提供的推荐申报材料"
    "真实有效，且不存在任何违反《中华人民共和国保守国家秘密法》等相关法律法规及侵犯他人知识产权"
    "的情形。如存在争议，将积极调查处理。如存在材料虚假或违纪行为，将承担相应责任。"
)

ROWS = (
    RecommendedRow(
        enterprise="上海浦江精密机械制造有限公司",
        team="数控车削加工一班",
        team_size=14,
        conformity="完全符合《质量信得过班组建设准则》要求",
        features="推行可视化看板与防错装置",
        shortcomings="数据分析深度不足",
        score="92.5",
        rank=1,
        judges="张伟、李娜",
        opinion="同意推荐",
    ),
    RecommendedRow(
        enterprise=DDE,
        team="客户服务热线组",
        team_size=9,
        conformity="基本符合",
        features="首问负责制",
        shortcomings="-",
        score="88",
        rank=2,
        judges="张伟",
        opinion="+推荐",
    ),
    RecommendedRow(
        enterprise="上海东海物流有限公司",
        team=AT_SUM,
        team_size=21,
        conformity="符合",
        features="<特色> & “标准化”",
        shortcomings="记录不全",
        score="-1+2",
        rank=3,
        judges="李娜",
        opinion="推荐为现场评审",
    ),
)
JUDGES = (
    JudgeRow(
        name="张伟",
        employer="上海市质量协会",
        tgq_number="TGQ2019-0123",
        address="上海市徐汇区肇嘉浜路 1 号",
        email="zhangwei@example.cn",
        mobile="13912345678",
    ),
    JudgeRow(
        name="李娜",
        employer="闵行区市场监督管理局",
        tgq_number="TGQ2021-0456",
        address="上海市闵行区沪闵路 6258 号",
        email="lina@example.cn",
        mobile="13812345678",
    ),
)


def make_data(**overrides: object) -> RecommendationFormData:
    values: dict[str, object] = {
        "year": 2026,
        "unit": UNIT,
        "rows": ROWS,
        "judges": JUDGES,
        "filler_name": "王晓红",
        "filler_phone": "021-64123456",
        "fill_date": "2026年5月8日",
    }
    values.update(overrides)
    return RecommendationFormData(**values)  # type: ignore[arg-type]


# --- helpers --------------------------------------------------------------------------


def load_sheet(content: bytes) -> Worksheet:
    wb = load_workbook(io.BytesIO(content))
    assert len(wb.worksheets) == 1
    return wb.worksheets[0]


def row_values(ws: Worksheet, row: int, columns: int = 8) -> list[object]:
    return [ws.cell(row=row, column=c).value for c in range(1, columns + 1)]


def find_row(ws: Worksheet, text: str, column: int = 1) -> int:
    for row in range(1, ws.max_row + 1):
        if ws.cell(row=row, column=column).value == text:
            return row
    raise AssertionError(f"{text!r} not in column {column}")


def judge_values(ws: Worksheet, row: int) -> list[object]:
    """The six judge cells: A, B, C, D, E (merged E:G), H."""
    return [ws.cell(row=row, column=c).value for c in (1, 2, 3, 4, 5, 8)]


def all_cells(ws: Worksheet) -> Iterator[Cell | MergedCell]:
    for row in ws.iter_rows():
        yield from row


def _cell_text(value: object) -> object:
    """What a cell holding safe_cell(value) reads back as: an empty string is no value."""
    safe = safe_cell(value)
    return None if safe == "" else safe


def expected_team_row(row: RecommendedRow) -> list[object]:
    evaluation = (
        f"符合标准程度：{clean(row.conformity)}\n特色：{clean(row.features)}\n"
        f"不足之处：{clean(row.shortcomings)}"
    )
    values = (
        row.enterprise,
        row.team,
        row.team_size,
        evaluation,
        # A score is stored as a number (92.5, 88); anything else stays text.
        float(row.score) if row.score.replace(".", "", 1).isdigit() else row.score,
        row.rank,
        row.judges,
        row.opinion,
    )
    return [_cell_text(v) for v in values]


def docx_tables(content: bytes) -> list[list[list[str]]]:
    document = docx.Document(io.BytesIO(content))
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def docx_paragraphs(content: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(content)).paragraphs]


@pytest.fixture(scope="module")
def xlsx() -> bytes:
    return recommendation_form_xlsx(make_data())


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    return recommendation_form_docx(make_data())


# --- safe_cell ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (DDE, "'" + DDE),
        (AT_SUM, "'" + AT_SUM),
        ("+86 139", "'+86 139"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("  =1+1", "'  =1+1"),
        ("\t=1+1", "'\t=1+1"),
        ("\r\n=1+1", "'\n=1+1"),
        ("=", "="),  # one character cannot be a formula
        ("-", "-"),
        ("-5", "-5"),  # plain numbers run nothing
        ("+3.25", "+3.25"),
        ("a=b", "a=b"),
        ("＝全角", "＝全角"),
        ("行1\r\n行2\r行3", "行1\n行2\n行3"),
        ("a\x00b\x07c\x1fd\x7f", "abcd"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("", ""),
        (None, None),
        (42, 42),
        (-3, -3),
        (2.5, 2.5),
        (True, True),
    ],
)
def test_safe_cell(value: object, expected: object) -> None:
    assert safe_cell(value) == expected


def test_safe_text_bounds_length_and_never_returns_none() -> None:
    assert safe_text(None) == ""
    assert len(safe_text("字" * 40_000)) == 32_767
    assert safe_text("=" + "x" * 40_000).startswith("'=")


@pytest.mark.parametrize("value", [DDE, AT_SUM, "#N/A", "#DIV/0!", "+1+1", "-1-cmd"])
def test_write_safe_keeps_text_text(value: str) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    cell = write_safe(ws["A1"], value)
    assert cell.data_type == "s"
    out = io.BytesIO()
    wb.save(out)
    back = load_sheet(out.getvalue())["A1"]
    assert back.data_type == "s"
    assert back.value == safe_cell(value)
    assert not str(back.value).startswith(("=", "+", "-", "@"))


# --- Excel ----------------------------------------------------------------------------


def test_xlsx_header_lines(xlsx: bytes) -> None:
    ws = load_sheet(xlsx)
    assert ws["A1"].value == "附件5"
    assert ws["A2"].value == "2026年上海市“质量信得过班组”建设经验推荐表"
    assert "A2:H2" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A2"].font.b
    assert ws["A3"].value == f"推荐各区/行业/集团（单位公章）：{UNIT}"
    assert ws["A4"].value == "一、上海市质量信得过班组建设经验"


def test_xlsx_team_table(xlsx: bytes) -> None:
    ws = load_sheet(xlsx)
    header = find_row(ws, "企业名称")
    assert row_values(ws, header) == TEAM_HEADERS
    for column in range(1, 9):
        cell = ws.cell(row=header, column=column)
        assert cell.font.b
        assert cell.alignment.wrap_text
        assert cell.border.left.style == cell.border.bottom.style == "thin"
    for offset, row in enumerate(ROWS, start=1):
        assert row_values(ws, header + offset) == expected_team_row(row)
    first = row_values(ws, header + 1)
    assert first[0] == "上海浦江精密机械制造有限公司"
    assert first[3] == (
        "符合标准程度：完全符合《质量信得过班组建设准则》要求\n"
        "特色：推行可视化看板与防错装置\n"
        "不足之处：数据分析深度不足"
    )
    assert first[2] == 14 and isinstance(first[2], int)
    assert ws.cell(row=header + 1, column=4).alignment.wrap_text
    assert ws.cell(row=header + 1, column=4).border.right.style == "thin"


def test_xlsx_total_is_the_sum_as_a_value(xlsx: bytes) -> None:
    ws = load_sheet(xlsx)
    total_row = find_row(ws, "班组人数总计", column=2)
    assert total_row == find_row(ws, "企业名称") + len(ROWS) + 1
    total = ws.cell(row=total_row, column=3)
    assert total.value == 14 + 9 + 21
    assert total.data_type == "n"
    assert ws.cell(row=total_row, column=1).value is None


def test_xlsx_formula_like_values_come_back_as_text(xlsx: bytes) -> None:
    ws = load_sheet(xlsx)
    header = find_row(ws, "企业名称")
    dde = ws.cell(row=header + 2, column=1)
    at_sum = ws.cell(row=header + 3, column=2)
    for cell, original in ((dde, DDE), (at_sum, AT_SUM)):
        assert cell.data_type == "s"
        assert cell.value == "'" + original
        assert not cell.value.startswith("=")
    assert ws.cell(row=header + 2, column=8).value == "'+推荐"
    assert ws.cell(row=header + 2, column=4).value.endswith("不足之处：-")
    assert ws.cell(row=header + 3, column=5).value == "'-1+2"
    assert all(cell.data_type != "f" for cell in all_cells(ws))
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


def test_xlsx_judges(xlsx: bytes) -> None:
    ws = load_sheet(xlsx)
    assert find_row(ws, "二、评委名单") > find_row(ws, "班组人数总计", column=2)
    header = find_row(ws, "姓名")
    assert judge_values(ws, header) == JUDGE_HEADERS
    assert ws.cell(row=header, column=1).font.b
    for offset, judge in enumerate(JUDGES, start=1):
        assert judge_values(ws, header + offset) == list(dataclasses.astuple(judge))
        assert f"E{header + offset}:G{header + offset}" in {str(r) for r in ws.merged_cells}
    mobile = ws.cell(row=header + 1, column=8)
    assert mobile.data_type == "s"  # a phone number is text, not 1.39E+10


def test_xlsx_declaration_and_signature_lines(xlsx: bytes) -> None:
    ws = load_sheet(xlsx)
    heading = find_row(ws, "三、推荐声明")
    assert heading > find_row(ws, "姓名") + len(JUDGES)
    assert DECLARATION == NOTICE_DECLARATION
    declaration = ws.cell(row=heading + 1, column=1)
    assert declaration.value == NOTICE_DECLARATION
    assert declaration.alignment.wrap_text
    assert f"A{heading + 1}:H{heading + 1}" in {str(r) for r in ws.merged_cells}
    assert (ws.row_dimensions[heading + 1].height or 0) >= 30  # merged rows never grow
    values = [ws.cell(row=r, column=1).value for r in range(heading + 2, ws.max_row + 1)]
    lines = [v for v in values if v is not None]
    assert lines == [
        "填表人：王晓红",
        "电话：021-64123456",
        "填表日期：2026年5月8日",
        "注：1、此表是推荐单位的正式汇总材料。",
        "2、附件名称：推荐单位+质量班组活动统计表",
    ]


def test_xlsx_print_setup(xlsx: bytes) -> None:
    ws = load_sheet(xlsx)
    header = find_row(ws, "企业名称")
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == f"${header}:${header}"
    assert all(ws.column_dimensions[c].width >= 8 for c in "ABCDEFGH")
    assert ws.column_dimensions["D"].width > ws.column_dimensions["E"].width


def test_xlsx_custom_declaration_and_empty_lists() -> None:
    ws = load_sheet(recommendation_form_xlsx(make_data(rows=[], judges=[], declaration="=声明")))
    header = find_row(ws, "企业名称")
    assert ws.cell(row=header + 1, column=2).value == "班组人数总计"
    assert ws.cell(row=header + 1, column=3).value == 0
    assert ws.cell(row=find_row(ws, "三、推荐声明") + 1, column=1).value == "'=声明"


# --- Word -----------------------------------------------------------------------------


def test_docx_tables(docx_bytes: bytes) -> None:
    teams, judges = docx_tables(docx_bytes)
    assert teams[0] == TEAM_HEADERS
    for row, values in zip(ROWS, teams[1:-1], strict=True):
        assert values == [
            row.enterprise,
            row.team,
            str(row.team_size),
            f"符合标准程度：{row.conformity}\n特色：{row.features}\n不足之处：{row.shortcomings}",
            {"92.5": "92.50", "88": "88.00"}.get(row.score, row.score),  # two decimals
            str(row.rank),
            row.judges,
            row.opinion,
        ]
    assert teams[-1] == ["", "班组人数总计", "44", "", "", "", "", ""]
    assert judges[0] == JUDGE_HEADERS
    assert judges[1:] == [list(dataclasses.astuple(judge)) for judge in JUDGES]


def test_docx_paragraphs(docx_bytes: bytes) -> None:
    texts = [t for t in docx_paragraphs(docx_bytes) if t]
    assert texts == [
        "附件5",
        "2026年上海市“质量信得过班组”建设经验推荐表",
        f"推荐各区/行业/集团（单位公章）：{UNIT}",
        "一、上海市质量信得过班组建设经验",
        "二、评委名单",
        "三、推荐声明",
        NOTICE_DECLARATION,
        "填表人：王晓红",
        "电话：021-64123456",
        "填表日期：2026年5月8日",
        "注：1、此表是推荐单位的正式汇总材料。",
        "2、附件名称：推荐单位+质量班组活动统计表",
    ]


def test_docx_page_fonts_and_borders(docx_bytes: bytes) -> None:
    document = docx.Document(io.BytesIO(docx_bytes))
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width is not None and section.page_height is not None
    assert abs(section.page_width - Mm(297)) < Mm(1)
    assert abs(section.page_height - Mm(210)) < Mm(1)
    normal = document.styles["Normal"].element.rPr
    assert normal is not None
    fonts = normal.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    title_run = document.paragraphs[1].runs[0]
    assert title_run._r.rPr is not None
    assert title_run._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "黑体"
    assert title_run.font.bold
    for table in document.tables:
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        assert {b.get(qn("w:val")) for b in borders} == {"single"}
        header = table.rows[0]
        assert header._tr.trPr is not None
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated per page
        assert all(cell.paragraphs[0].runs[0].font.bold for cell in header.cells)
    assert document.core_properties.title == "2026年上海市“质量信得过班组”建设经验推荐表"


# --- file names -----------------------------------------------------------------------


def test_download_name_follows_the_notice() -> None:
    assert download_name(UNIT, "xlsx") == "闵行区质量协会质量班组活动统计表.xlsx"
    assert download_name(UNIT, ".DOCX") == "闵行区质量协会质量班组活动统计表.docx"
    assert download_name('浦东/新区:"质协"*', "xlsx") == "浦东_新区__质协__质量班组活动统计表.xlsx"
    assert download_name("", "xlsx") == "质量班组活动统计表.xlsx"
    long = download_name("长" * 300, "docx")
    assert long.endswith("质量班组活动统计表.docx") and len(long) <= 105
    assert "\n" not in download_name("a\nb\u202ec", "xlsx")


# --- odd input ------------------------------------------------------------------------

TRIGGERS = ["", "=", "+", "-", "@", " =", "\t@", "=HYPERLINK(", "<", "&amp;", "]]>", "'"]
odd_text = st.builds(lambda p, t: p + t, st.sampled_from(TRIGGERS), st.text(max_size=40))
odd_rows = st.builds(
    RecommendedRow,
    enterprise=odd_text,
    team=odd_text,
    team_size=st.integers(min_value=0, max_value=10_000),
    conformity=odd_text,
    features=odd_text,
    shortcomings=odd_text,
    score=odd_text,
    rank=st.integers(min_value=-5, max_value=10_000),
    judges=odd_text,
    opinion=odd_text,
)
odd_judges = st.builds(
    JudgeRow,
    name=odd_text,
    employer=odd_text,
    tgq_number=odd_text,
    address=odd_text,
    email=odd_text,
    mobile=odd_text,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(odd_rows, max_size=4),
    judges=st.lists(odd_judges, max_size=3),
    unit=odd_text,
    filler=odd_text,
    declaration=odd_text,
)
def test_odd_text_round_trips_safely(
    rows: list[RecommendedRow],
    judges: list[JudgeRow],
    unit: str,
    filler: str,
    declaration: str,
) -> None:
    data = make_data(
        rows=rows,
        judges=judges,
        unit=unit,
        filler_name=filler,
        filler_phone=filler,
        fill_date=filler,
        declaration=declaration,
    )
    ws = load_sheet(recommendation_form_xlsx(data))
    assert all(cell.data_type != "f" for cell in all_cells(ws))
    header = find_row(ws, "企业名称")
    for offset, row in enumerate(rows, start=1):
        assert row_values(ws, header + offset) == expected_team_row(row)
        for cell in ws[header + offset]:
            if isinstance(cell.value, str):
                assert cell.data_type == "s"
    total_row = header + len(rows) + 1
    assert ws.cell(row=total_row, column=3).value == sum(r.team_size for r in rows)
    judges_header = total_row + 3
    assert judge_values(ws, judges_header) == JUDGE_HEADERS
    for offset, judge in enumerate(judges, start=1):
        expected = [_cell_text(v) for v in dataclasses.astuple(judge)]
        assert judge_values(ws, judges_header + offset) == expected
    heading = judges_header + len(judges) + 2
    assert ws.cell(row=heading, column=1).value == "三、推荐声明"
    assert ws.cell(row=heading + 1, column=1).value == _cell_text(declaration)
    assert ws["A3"].value == safe_cell(f"推荐各区/行业/集团（单位公章）：{clean(unit)}")

    teams, judge_table = docx_tables(recommendation_form_docx(data))
    assert len(teams) == len(rows) + 2
    for row, values in zip(rows, teams[1:-1], strict=True):
        assert values[0] == clean(row.enterprise)
        assert values[2] == str(row.team_size)
    assert teams[-1][2] == str(sum(r.team_size for r in rows))
    assert [r[4] for r in judge_table[1:]] == [clean(j.email) for j in judges]


# Speed is measured by the benchmark, not here (a timed test flakes on a busy machine):
# `make bench` prints form5_xlsx_vs_openpyxl against bare openpyxl in the same run
# (docs/benchmarks.md).


def test_xlsx_scores_are_numbers_with_two_decimals(xlsx: bytes) -> None:
    ws = load_sheet(xlsx)
    first = find_row(ws, ROWS[0].enterprise)
    cell = ws.cell(row=first, column=5)
    assert cell.value == 92.5 and cell.data_type == "n" and cell.number_format == "0.00"
    assert ws.cell(row=first + 2, column=5).value == "'-1+2"  # not a number: text


def test_docx_rows_never_split_and_numbers_never_wrap(docx_bytes: bytes) -> None:
    document = docx.Document(io.BytesIO(docx_bytes))
    for table in document.tables:
        for row in table.rows:
            assert row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
    teams, judges = document.tables
    for row in teams.rows[1:]:
        kept = [c._tc.tcPr.find(qn("w:noWrap")) is not None for c in row.cells]
        assert kept == [False, False, True, False, True, True, False, False]
    for row in judges.rows[1:]:
        kept = [c._tc.tcPr.find(qn("w:noWrap")) is not None for c in row.cells]
        assert kept == [False, False, True, False, False, True]


def test_docx_numbers_its_pages(docx_bytes: bytes) -> None:
    footer = docx.Document(io.BytesIO(docx_bytes)).sections[0].footer.paragraphs[0]
    instructions = [t.text.strip() for t in footer._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"] and footer.text.startswith("第 ")
