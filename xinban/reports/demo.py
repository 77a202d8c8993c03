"""Demo 附件6 and 附件7 (called by ``seed_demo``) for this year's campaign: 黄浦区 has
submitted both; 浦东新区 (the demo unit admin's) has drafts — its 附件6 differs from the
platform's figures in one item, its 附件7 is still short of 3,000 characters — and a few
other units have submitted their 附件6 so that the staff roll-up has totals."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from xinban.organisations.models import RecommendingUnit, UnitMembership, UnitRole
from xinban.reports.models import FilingStatus, StatisticsReport, SummaryEvent, WorkSummary
from xinban.reports.selectors import platform_figures_by_unit

if TYPE_CHECKING:
    from xinban.ops.demo_data import DemoContext

OVERVIEW = (
    "{unit}坚持以《质量信得过班组建设准则》（T/CAQ 10204-2017）为指引，把质量信得过班组建设作为推动"
    "群众性质量提升活动的重要抓手，年初制定全年推进计划，明确标准普及宣传、专家和骨干队伍建设两项"
    "重点任务。全年组织标准宣贯会、班组长培训班和成果交流会，覆盖制造、市场服务、建设工程等领域的"
    "企业，参与班组数量和质量较上年均有提升。"
)
METHODS = (
    "一是分层分类推进，对首次参加的企业开展“一对一”辅导，对持续参加的企业组织对标交流；二是以赛促建，"
    "将质量信得过班组建设与技能竞赛、QC小组活动、质量攻关相结合，推动班组把质量改进成果固化为标准作业；"
    "三是专家进企业，组织持有中国质协评委证书的专家深入现场诊断，帮助班组梳理建设经验材料。"
)
HIGHLIGHTS = (
    "辖区内一家装备制造企业的数控加工班组通过开展防错改进，产品一次合格率由97.8%提升到99.6%，"
    "年减少质量损失约45万元；一家服务企业的前厅服务班以顾客满意为中心，建立服务质量日检查制度，"
    "顾客投诉同比下降六成，相关经验在区内推广。"
)
PROBLEMS = (
    "部分中小企业对质量信得过班组建设的认识仍停留在评比层面，建设过程记录不完整；服务业和非营利性"
    "服务领域的参与度偏低；基层推进人员流动较快，骨干队伍需要持续培养。"
)
DIRECTIONS = (
    "下一步将扩大活动覆盖面，重点发动服务业和“专精特新”中小企业参与；完善辅导机制，建立推进人员"
    "培训档案；加强成果宣传推广，组织优秀班组开放日和现场观摩。"
)
SUGGESTIONS = (
    "建议上海市质协进一步丰富线上学习课程，提供建设经验材料撰写范例，并在评审标准解读、"
    "评委培训等方面给予推荐单位更多支持。"
)


def _repeat(text: str, chars: int) -> str:
    parts = [text]
    while sum(len(p) for p in parts) < chars:
        parts.append(text)
    return "\n".join(parts)


def _events(summary: WorkSummary, year: int) -> None:
    rows = [
        (
            date(year, 3, 15),
            "区市民中心报告厅",
            "质量信得过班组建设准则宣贯会",
            "标准解读与案例分享",
            160,
        ),
        (
            date(year, 5, 20),
            "张江科学城会议中心",
            "班组长质量管理能力培训班",
            "专题授课与工具实操",
            85,
        ),
        (date(year, 6, 18), "区市民中心", "质量信得过班组成果发表会", "现场发表与专家点评", 210),
        (date(year, 9, 12), "企业现场", "优秀班组开放日", "现场观摩与交流", 60),
    ]
    SummaryEvent.objects.bulk_create(
        SummaryEvent(
            summary=summary,
            position=i,
            held_on=held_on,
            place=place,
            name=name,
            content=content,
            participants=participants,
        )
        for i, (held_on, place, name, content, participants) in enumerate(rows, start=1)
    )


def _admin_of(unit: RecommendingUnit) -> Any:
    membership = (
        UnitMembership.objects.filter(unit=unit, role=UnitRole.ADMIN).select_related("user").first()
    )
    return membership.user if membership else None


def seed(ctx: DemoContext) -> None:
    campaign = ctx.campaigns[ctx.year]
    period = ctx.year - 1
    now = timezone.now()
    units = ctx.builder.units
    figures = platform_figures_by_unit(campaign, [u.pk for u in units.values()])
    chosen = ["黄浦区", "浦东新区"] + [n for n in units if n not in ("黄浦区", "浦东新区")][:3]
    for position, name in enumerate(chosen):
        unit = units.get(name)
        if unit is None:
            continue
        known = figures[unit.pk]
        submitted = name != "浦东新区"
        admin = _admin_of(unit)
        teams = known.teams + (3 if name == "浦东新区" else 0)  # one item differs
        report = StatisticsReport.objects.create(
            unit=unit,
            campaign=campaign,
            status=FilingStatus.SUBMITTED if submitted else FilingStatus.DRAFT,
            number=f"{ctx.year}-TJ-{position:03d}" if submitted else "",
            enterprises=known.enterprises,
            teams=teams,
            cumulative_teams=max(known.cumulative_teams, teams) + 12,
            participants=teams * 35 + 120,
            recommended=min(known.recommended, teams),
            funding=Decimal("6.50") + position,
            rewards=Decimal("2.00") + position,
            has_certified_judges=True,
            certified_judges=max(known.certified_judges, 2),
            features_and_problems=(
                "活动覆盖面进一步扩大，制造业班组参与踊跃，成果质量稳步提高；服务业班组参与偏少，"
                "部分企业建设过程记录不够完整。"
            ),
            review_forms=["presentation", "materials", "on_site"],
            session_held=True,
            session_registered_teams=teams + 4,
            session_presented_teams=teams,
            session_time=date(period, 6, 18),
            session_place=f"{name}市民中心",
            session_attendees=150 + 10 * position,
            department_and_head=f"{name}市场监督管理局质量发展科 科长",
            contact_name="王敏",
            contact_mobile="13800138000",
            contact_email=f"report{position}@demo.saq",
            address=f"上海市{name}世纪大道100号",
            postcode="200120",
            filler_name="王敏",
            fill_date=date(ctx.year, 6, 1) if submitted else None,
            submitted_at=now - timedelta(days=2) if submitted else None,
            submitted_by=admin if submitted else None,
        )
        if position > 1 and report:
            continue  # the other units have filed 附件6 only
        short = name == "浦东新区"
        summary = WorkSummary.objects.create(
            unit=unit,
            campaign=campaign,
            status=FilingStatus.DRAFT if short else FilingStatus.SUBMITTED,
            overview=_repeat(OVERVIEW.format(unit=name), 300 if short else 900),
            methods=_repeat(METHODS, 200 if short else 700),
            highlights=HIGHLIGHTS if short else _repeat(HIGHLIGHTS, 500),
            problems=PROBLEMS if short else _repeat(PROBLEMS, 300),
            directions=DIRECTIONS if short else _repeat(DIRECTIONS, 300),
            suggestions="" if short else SUGGESTIONS,
            submitted_at=None if short else now - timedelta(days=1),
            submitted_by=None if short else admin,
        )
        _events(summary, period)
