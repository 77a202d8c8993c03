"""The pre-filled 附件3 申报表 as Word and PDF: content, fonts, rendering, odd input."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader

from xinban.applications.documents import (
    CHECKED,
    UNCHECKED,
    ApplicationFormData,
    application_form_docx,
    application_form_pdf,
    form_layout,
    indicator_display,
)
from xinban.core import fonts

ORG = "上海浦江精密机械制造有限公司"
TEAM = "数控车削加工一班"
NUMBER = "2026-0042"


def make_data(**overrides: object) -> ApplicationFormData:
    values: dict[str, object] = {
        "year": 2026,
        "recommending_unit": "闵行区质量协会",
        "number": NUMBER,
        "organisation_name": ORG,
        "is_member": True,
        "nature": "民营",
        "industries": ["集成电路", "高端装备"],
        "domain": "制造",
        "team_name": TEAM,
        "team_type": "生产操作型",
        "team_size": 14,
        "address": "上海市闵行区莘庄工业区春东路88号",
        "postcode": "201108",
        "management_department": "质量管理部",
        "promoter_name": "王晓红",
        "promoter_position": "质量管理部 副部长",
        "promoter_mobile": "13912345678",
        "promoter_email": "wangxh@pujiang-precision.example.cn",
        "completion_rate": "100",
        "qualification_rate": "99.8",
        "nonconformity_rate": "0.15",
        "first_pass_rate": "98.6",
        "accidents_per_year": "0",
        "complaints_per_year": "1",
        "trainees_per_year": "14",
        "training_hours_per_year": "320",
        "improvement_participation_rate": "100",
        "coverage_rate": "65",
        "quality_cost": "12.5",
    }
    values.update(overrides)
    return ApplicationFormData(**values)  # type: ignore[arg-type]


def docx_rows(content: bytes) -> list[list[str]]:
    """The form table as text, one entry per merged cell."""
    document = docx.Document(io.BytesIO(content))
    assert len(document.tables) == 1
    rows = []
    for row in document.tables[0].rows:
        seen, texts = set(), []
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                texts.append(cell.text)
        rows.append(texts)
    return rows


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    parts += [cell for row in docx_rows(content) for cell in row]
    return "\n".join(parts)


def row_with(rows: list[list[str]], label: str) -> list[str]:
    return next(row for row in rows if row[0].split("\n")[0] == label)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\xa0", " ")


# --- Word ----------------------------------------------------------------------------


def test_docx_carries_the_application() -> None:
    content = application_form_docx(make_data())
    text = docx_text(content)
    assert "2026年上海市“质量信得过班组”建设活动申报表" in text
    assert "推荐各区/行业/集团：闵行区质量协会" in text
    assert f"编号：{NUMBER}" in text

    rows = docx_rows(content)
    assert row_with(rows, "单位名称")[1] == ORG
    assert row_with(rows, "单位名称")[3] == f"{CHECKED}是　{UNCHECKED}否"
    assert row_with(rows, "质量信得过班组名称")[1:] == [TEAM, "班组人数", "14"]
    assert row_with(rows, "班组类型")[1] == "生产操作型"
    assert row_with(rows, "年培训人数/时数")[1] == "14 / 320"
    assert row_with(rows, "质量信得过班组创建普及率%")[3] == "12.5"


def test_docx_commitment_names_the_campaign_year_never_the_notice_typo() -> None:
    text = docx_text(application_form_docx(make_data()))
    assert "1）自愿参加 2026 年上海市“质量信得过班组”活动。" in text
    assert "2023" not in text
    assert "《质量信得过班组建设准则》（T/CAQ10204-2017）" in text
    assert "单位盖章：" in text
    assert "年　　月　　日" in text
    for note in (
        "注：1. 申报表纸质版需加盖公章。",
        "2. 质量信得过班组主要创建材料",
        "3. 请正确填写",
        "4. 附件名称：单位简称+班组名称",
    ):
        assert note in text


def test_docx_ticks_the_chosen_options_and_prints_the_others_unticked() -> None:
    rows = docx_rows(application_form_docx(make_data()))
    nature = row_with(rows, "单位性质")[1]
    assert f"{CHECKED}民营" in nature
    for other in ("国有", "外资", "合资", "事业单位"):
        assert f"{UNCHECKED}{other}" in nature
    assert nature.count(CHECKED) == 1

    industries = row_with(rows, "重点产业")[1]
    assert f"{CHECKED}集成电路" in industries and f"{CHECKED}高端装备" in industries
    assert f"{UNCHECKED}生物医药" in industries and f"{UNCHECKED}社区服务" in industries
    assert industries.count(CHECKED) == 2
    assert industries.count(UNCHECKED) == 19  # 21 options of the notice, 2 chosen

    domain = row_with(rows, "重点领域")[1]
    assert f"{CHECKED}制造" in domain and f"{UNCHECKED}“专精特新”中小企业" in domain
    assert domain.count(CHECKED) == 1


def test_docx_other_options_print_their_free_text() -> None:
    data = make_data(
        nature="其他",
        nature_other="社会团体",
        industries=["其他"],
        industry_other="低空经济",
        is_member=False,
    )
    rows = docx_rows(application_form_docx(data))
    assert f"{CHECKED}其他：社会团体" in row_with(rows, "单位性质")[1]
    assert f"{CHECKED}其他：低空经济" in row_with(rows, "重点产业")[1]
    assert row_with(rows, "单位名称")[3] == f"{UNCHECKED}是　{CHECKED}否"


def test_docx_rows_follow_the_notice_order() -> None:
    labels = [row[0].split("\n")[0] for row in docx_rows(application_form_docx(make_data()))]
    assert labels[:15] == [
        "单位名称",
        "单位性质",
        "重点产业",
        "重点领域",
        "质量信得过班组名称",
        "班组类型",
        "详细地址",
        "活动归口管理部门",
        "活动推进者姓名",
        "活动推进者手机",
        "班组工作完成率%",
        "产品/服务不合格率%",
        "年质量、安全事故数",
        "年培训人数/时数",
        "质量信得过班组创建普及率%",
    ]
    assert labels[15].startswith("组织承诺")
    assert labels[16].startswith("单位盖章")


def test_docx_is_a4_with_chinese_fonts_and_borders() -> None:
    document = docx.Document(io.BytesIO(application_form_docx(make_data())))
    section = document.sections[0]
    width, height, margin = section.page_width, section.page_height, section.left_margin
    assert width is not None and height is not None and margin is not None
    assert abs(width - Mm(210)) < Mm(1)
    assert abs(height - Mm(297)) < Mm(1)
    assert Mm(15) <= margin <= Mm(30)

    body = document.element.body
    east_asia = {f.get(qn("w:eastAsia")) for f in body.iter(qn("w:rFonts"))}
    assert east_asia and None not in east_asia and east_asia <= {"宋体", "黑体"}
    normal_fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal_fonts.get(qn("w:eastAsia")) == "宋体"

    borders = document.tables[0]._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"single"}
    assert len(borders) == 6


def test_empty_indicators_print_blank() -> None:
    data = make_data(
        trainees_per_year="", training_hours_per_year="", quality_cost="", completion_rate=""
    )
    rows = docx_rows(application_form_docx(data))
    assert row_with(rows, "年培训人数/时数")[1] == ""
    assert row_with(rows, "班组工作完成率%")[1] == ""
    assert row_with(rows, "质量信得过班组创建普及率%")[3] == ""


def test_indicator_display() -> None:
    assert indicator_display(None) == ""
    assert indicator_display(Decimal("98.50")) == "98.5"
    assert indicator_display(Decimal("100.00")) == "100"
    assert indicator_display(Decimal("1E+1")) == "10"
    assert indicator_display(Decimal("0.05")) == "0.05"
    assert indicator_display(0) == "0"


def test_both_formats_render_one_layout() -> None:
    layout = form_layout(make_data())
    assert all(sum(cell.span for cell in row) == layout.columns for row in layout.rows)
    assert len(docx_rows(application_form_docx(make_data()))) == len(layout.rows)


# --- PDF -----------------------------------------------------------------------------


def test_pdf_carries_the_application() -> None:
    content = application_form_pdf(make_data())
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    for expected in (ORG, TEAM, NUMBER, "闵行区质量协会", "自愿参加 2026 年", "单位盖章"):
        assert expected in text
    assert "2023" not in text
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    assert reader.metadata is not None
    assert reader.metadata.title == "2026年上海市“质量信得过班组”建设活动申报表"
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points


def test_pdf_embeds_the_cjk_font() -> None:
    reader = PdfReader(io.BytesIO(application_form_pdf(make_data())))
    embedded = []
    resources: Any = reader.pages[0]["/Resources"]
    for ref in resources["/Font"].values():
        font = ref.get_object()
        descriptor = font.get("/FontDescriptor")
        if descriptor is not None and "/FontFile2" in descriptor.get_object():
            embedded.append(str(font["/BaseFont"]))
    cjk_face = fonts.font_has_glyphs(fonts.cjk_font_path(), "中")
    assert cjk_face
    # reportlab embeds TrueType subsets: "/AAAAAA+WenQuanYiZenHei-0" and the like.
    assert any(re.fullmatch(r"/[A-Z]{6}\+.+", name) for name in embedded), embedded


def test_pdf_page_renders_ink(tmp_path: Path) -> None:
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(application_form_pdf(make_data()))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
        timeout=60,
    )
    (png,) = tmp_path.glob("p*.png")
    with Image.open(png) as image:
        histogram = image.convert("L").histogram()
    dark = sum(histogram[:128])
    total = sum(histogram)
    assert 0.01 < dark / total < 0.5, (dark, total)


# --- fonts ---------------------------------------------------------------------------


def test_cjk_font_is_truetype_with_chinese_glyphs() -> None:
    path = fonts.cjk_font_path()
    assert path.suffix.lower() in {".ttf", ".ttc"}
    assert fonts.font_has_glyphs(path, fonts.CJK_PROBE)


def test_cff_fonts_are_not_accepted() -> None:
    cff = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if not cff.exists():
        pytest.skip("fonts-noto-cjk not installed")
    assert not fonts.font_has_glyphs(cff, "中")


def test_missing_cjk_font_names_the_debian_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "broken.ttf").write_bytes(b"not a font")
    monkeypatch.delenv(fonts.CJK_FONT_ENV, raising=False)
    monkeypatch.setattr(fonts, "PREFERRED_CJK_FONTS", (tmp_path / "missing.ttc",))
    monkeypatch.setattr(fonts, "FONT_ROOTS", (tmp_path,))
    fonts.cjk_font_path.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="fonts-wqy-zenhei"):
            fonts.cjk_font_path()
    finally:
        fonts.cjk_font_path.cache_clear()


# --- odd input -----------------------------------------------------------------------

names = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.sampled_from("<>&\"'（）“”　·—"),
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisation=names, team=names)
def test_any_names_render_and_read_back(organisation: str, team: str) -> None:
    data = make_data(organisation_name=organisation, team_name=team)
    rows = docx_rows(application_form_docx(data))
    assert row_with(rows, "单位名称")[1] == organisation
    assert row_with(rows, "质量信得过班组名称")[1] == team
    assert application_form_pdf(data).startswith(b"%PDF")


def test_control_characters_are_dropped_not_fatal() -> None:
    data = make_data(organisation_name="上海\x00某\x0b公司\x1f", team_name="检修\ufffe一班")
    rows = docx_rows(application_form_docx(data))
    assert row_with(rows, "单位名称")[1] == "上海某公司"
    assert row_with(rows, "质量信得过班组名称")[1] == "检修一班"
    assert ORG not in pdf_text(application_form_pdf(data))
    assert "上海某公司" in pdf_text(application_form_pdf(data))


def test_long_values_wrap_inside_the_pdf_table() -> None:
    data = make_data(
        address="上海市浦东新区张江高科技园区" * 12,
        promoter_email="a" * 120 + "@example.com",
        organisation_name="上海" + "超长名称" * 25 + "有限公司",
    )
    reader = PdfReader(io.BytesIO(application_form_pdf(data)))
    assert 1 <= len(reader.pages) <= 3


def test_form_data_is_frozen() -> None:
    data = make_data()
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.year = 2023  # type: ignore[misc]
