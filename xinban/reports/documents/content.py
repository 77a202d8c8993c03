"""What the forms say, whatever the file: the official wording of 附件6 and 附件7, titles,
file names, the lines of 附件6's table, and the stamp of a filed 附件6."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_noop

from xinban.applications.documents import CHECKED, UNCHECKED, clean
from xinban.core.stamp import DocumentKind, Stamp, sign
from xinban.core.uploads import download_name_for
from xinban.reports.models import ReviewForm, StatisticsReport, SummaryEvent, WorkSummary
from xinban.reports.selectors import COUNTED_ITEMS, MIN_SUMMARY_CHARS, summary_length

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
