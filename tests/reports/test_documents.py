"""The files: 附件6 as Excel and Word, 附件7 as Word, the roll-up as Excel, read back."""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from openpyxl import load_workbook

from tests.reports.conftest import EVENT, complete_statistics, stamped_submit, summary_data
from xinban.reports import documents, selectors, services

pytestmark = pytest.mark.django_db


def _submitted_statistics(campaign: Any, unit: Any, admin: Any, **overrides: Any) -> Any:
    report = services.statistics_report_for(unit=unit, campaign=campaign)
    services.statistics_save(actor=admin, report=report, data=complete_statistics(**overrides))
    return stamped_submit(admin, report)


def _sheet_texts(ws: Any) -> list[str]:
    return [str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None]


def test_statistics_xlsx_is_the_official_form(
    campaign: Any, unit_x: Any, unit_x_admin: Any, history: dict[str, Any]
) -> None:
    report = _submitted_statistics(
        campaign, unit_x, unit_x_admin, features_and_problems='=HYPERLINK("x")特点'
    )
    figures = selectors.platform_figures(unit=unit_x, campaign=campaign)
    wb = load_workbook(io.BytesIO(documents.statistics_xlsx(report, figures)))
    form, compare = wb["成果统计表"], wb["平台数据对照"]
    texts = _sheet_texts(form)
    assert "附件6" in texts
    assert f"{campaign.year}年上海市“质量信得过班组”建设活动成果统计表" in texts
    assert f"（{campaign.year - 1}年1月至{campaign.year - 1}年12月）" in texts
    assert f"推荐各区/行业/集团（推荐单位公章）：{unit_x.name}" in texts
    assert f"编号：{report.number}" in texts
    items = {
        row[1]: row[5] for row in form.iter_rows(values_only=True) if row[0] in tuple("1234567")
    }
    assert items["本年度开展质量信得过班组数"] == 3
    assert items["历年质量信得过班组累计数"] == 5
    assert items["本年度对质量信得过班组活动经费投入（培训、交流、规范化等）"] == 12.5
    assert any("☑有，4人" in t and "☐无" in t for t in texts)
    assert any("发表评审☑" in t and "资料评审☐" in t and "现场评审☑" in t for t in texts)
    assert "☑是  ☐否" in texts
    assert "联系人手机" in texts and "13800138000" in texts
    assert "填表人：王敏" in texts and "填表日期：2026-06-01" in texts
    # 发表会时间 is a date column, printed as the form always printed it (rule 11).
    assert "2025年6月18日" in texts
    assert "2. 附件名称：推荐单位+信班活动统计表" in texts
    # User text never becomes a formula.
    cell = next(c for row in form.iter_rows() for c in row if "HYPERLINK" in str(c.value or ""))
    assert cell.data_type == "s" and not str(cell.value).startswith("=")
    rows = {row[1]: row for row in compare.iter_rows(min_row=2, values_only=True) if row[1]}
    assert rows["历年质量信得过班组累计数"][2:] == (5, 4, "不一致")
    assert rows["本年度开展质量信得过班组数"][2:] == (3, 3, "一致")


def test_statistics_docx_is_the_official_form(
    campaign: Any, unit_x: Any, unit_x_admin: Any
) -> None:
    report = _submitted_statistics(campaign, unit_x, unit_x_admin)
    document = docx.Document(io.BytesIO(documents.statistics_docx(report)))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "附件6"
    assert f"{campaign.year}年上海市“质量信得过班组”建设活动成果统计表" in paragraphs
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert "本年度推荐上海市质量信得过班组数" in cells and "2" in cells
    assert any("主要特点与问题" in c and "覆盖面扩大" in c for c in cells)
    assert "浦东新区市民中心" in cells and "200120" in cells
    assert "2025年6月18日" in cells  # 发表会时间, a date printed as before (rule 11)
    assert "填表人：王敏" in paragraphs


def test_download_names_follow_the_notice(unit_x: Any) -> None:
    assert documents.form6_download_name("浦东新区", "xlsx") == "浦东新区信班活动统计表.xlsx"
    assert documents.form7_download_name("浦东新区") == "浦东新区班组总结.docx"
    assert documents.form7_download_name("浦东新区", draft=True) == "浦东新区班组总结-草稿.docx"
    assert documents.form6_download_name("a/b:c", "docx") == "a_b_c信班活动统计表.docx"


def test_summary_docx_has_the_three_sections_and_the_events(
    campaign: Any, unit_x: Any, unit_x_admin: Any
) -> None:
    summary = services.work_summary_for(unit=unit_x, campaign=campaign)
    data = summary_data(per_section=50)
    data["methods"] = "第一段做法。\n第二段做法。"
    services.summary_save(actor=unit_x_admin, summary=summary, data=data, events=[EVENT])
    summary.refresh_from_db()
    document = docx.Document(
        io.BytesIO(documents.summary_docx(summary, selectors.summary_events(summary)))
    )
    paragraphs = [p.text for p in document.paragraphs]
    # Under 3,000 characters: a draft, marked at the top and in every page's header.
    assert paragraphs[0].startswith("草稿：目前 ") and "要求 3,000 字以上" in paragraphs[0]
    assert document.sections[0].header.paragraphs[0].text == "草稿"
    assert paragraphs[1] == "附件7"
    assert (
        "2. 质量信得过班组建设推进活动开展情况请列表说明"
        "（如：活动时间、地点、名称、内容/形式、参与人数等）。"
    ) in paragraphs  # the notice's full prompt
    assert f"{campaign.year}年开展“质量信得过班组”建设活动推进工作总结" in paragraphs
    order = [
        paragraphs.index(h)
        for h in ("一、基本情况", "二、推进经验和做法", "三、存在问题及改进方向")
    ]
    assert order == sorted(order)
    assert "第一段做法。" in paragraphs and "第二段做法。" in paragraphs
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == list(documents.EVENT_HEADERS)
    assert [c.text for c in table.rows[1].cells] == [
        "1",
        EVENT["held_on"],
        EVENT["place"],
        EVENT["name"],
        EVENT["content"],
        "120",
    ]


def test_rollup_totals_only_submitted_reports(
    campaign: Any, unit_x: Any, unit_y: Any, unit_x_admin: Any, unit_y_admin: Any
) -> None:
    _submitted_statistics(campaign, unit_x, unit_x_admin)
    _submitted_statistics(
        campaign,
        unit_y,
        unit_y_admin,
        teams=10,
        cumulative_teams=20,
        funding="7.5",
        session_held=False,
    )
    from tests.conftest import make_user
    from xinban.organisations.models import RecommendingUnit, UnitMembership, UnitRole

    unit_z = RecommendingUnit.objects.create(name="静安区", kind="district", position=9)
    admin_z = make_user("z@example.com", "静安管理员")
    UnitMembership.objects.create(unit=unit_z, user=admin_z, role=UnitRole.ADMIN)
    draft = services.statistics_report_for(unit=unit_z, campaign=campaign)
    services.statistics_save(actor=admin_z, report=draft, data=complete_statistics(teams=99))
    rollup = selectors.statistics_rollup(campaign)
    assert rollup.submitted == 2
    assert rollup.totals["teams"] == 13
    assert str(rollup.totals["funding"]) == "20.00"
    assert rollup.sessions_held == 1
    assert rollup.review_form_counts["presentation"] == 2
    wb = load_workbook(io.BytesIO(documents.rollup_xlsx(rollup)))
    rows = list(wb.active.iter_rows(values_only=True))
    header = rows[1]
    total = next(r for r in rows if r[0] == "合计")
    assert total[header.index("班组数（个）")] == 13
    assert float(total[header.index("经费投入（万元）")]) == 20.0
    units = [r[0] for r in rows[2:-1]]
    # Every active unit, the special one of the reference data (organisations 0003) last.
    assert units == ["浦东新区", "黄浦区", "静安区", "其他-市质协会员与质量推进部"]
    jingan = rows[2 + units.index("静安区")]
    assert jingan[1] == "填写中" and jingan[4] is None  # a draft's figures are not shown


def test_a_complete_summary_is_no_draft_and_numbers_its_pages(
    campaign: Any, unit_x: Any, unit_x_admin: Any
) -> None:
    summary = services.work_summary_for(unit=unit_x, campaign=campaign)
    services.summary_save(
        actor=unit_x_admin, summary=summary, data=summary_data(per_section=620), events=[EVENT]
    )
    summary.refresh_from_db()
    events = selectors.summary_events(summary)
    assert not documents.summary_is_draft(summary, events)
    document = docx.Document(io.BytesIO(documents.summary_docx(summary, events)))
    assert document.paragraphs[0].text == "附件7"
    assert "草稿" not in document.sections[0].header.paragraphs[0].text
    footer = document.sections[0].footer.paragraphs[0]
    instructions = [t.text.strip() for t in footer._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert footer.text.startswith("第 ") and footer.text.endswith(" 页")
