"""The demo's states, logins and plans, and the small helpers the builder shares."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from typing import TypeVar

from django.db import models
from django.utils import timezone

from xinban.accounts.models import User
from xinban.campaigns import seed as taxonomy
from xinban.campaigns.models import (
    TeamType,
)
from xinban.campaigns.services import template_window
from xinban.ops.demo_data.places import (
    OPEN_DAYS_AFTER,
    OPEN_DAYS_BEFORE,
    District,
    S,
)
from xinban.organisations.models import (
    RecommendingUnit,
    Registration,
)
from xinban.scoring.models import Judge, SheetStatus

# --- states -----------------------------------------------------------------------------

CURRENT_STATE_WEIGHTS: dict[str, int] = {
    S.DRAFT: 14,
    S.SUBMITTED: 22,
    S.RETURNED: 7,
    S.WITHDRAWN: 4,
    S.RECOMMENDED: 14,
    S.NOT_RECOMMENDED: 6,
    S.FORMAL_PASSED: 8,
    S.FORMAL_FAILED: 3,
    S.EXPERT_REVIEW: 8,
    S.SELECTED: 7,
    S.TYPICAL_CANDIDATE: 4,
    S.TYPICAL: 3,
}
PAST_STATE_WEIGHTS: dict[str, int] = {S.SELECTED: 55, S.TYPICAL: 10, S.NOT_SELECTED: 35}

# The recommending unit's review (docs/architecture.md, "Scores and rankings"). States in which the
# unit's judges have
# scored (or are scoring) an application; states that mean the unit submitted its 附件5
# and recommended it (every later state too); states still waiting for the unit.
REVIEWED_STATES = frozenset(
    {
        S.SUBMITTED,
        S.RECOMMENDED,
        S.NOT_RECOMMENDED,
        S.FORMAL_PASSED,
        S.FORMAL_FAILED,
        S.EXPERT_REVIEW,
        S.SELECTED,
        S.TYPICAL_CANDIDATE,
        S.TYPICAL,
        S.NOT_SELECTED,
    }
)
DECIDED_STATES = REVIEWED_STATES - {S.SUBMITTED}
RECOMMENDED_STATES = DECIDED_STATES - {S.NOT_RECOMMENDED}
PENDING_STATES = frozenset({S.SUBMITTED, S.RETURNED})
# How good an application in a state is, as a share of the maximum points (the judges'
# scores scatter around it): recommended ones above the ones a unit did not recommend.
QUALITY: dict[str, tuple[float, float]] = {
    S.SUBMITTED: (0.62, 0.93),
    S.NOT_RECOMMENDED: (0.58, 0.78),
    S.RECOMMENDED: (0.78, 0.92),
    S.FORMAL_FAILED: (0.76, 0.88),
    S.FORMAL_PASSED: (0.78, 0.92),
    S.EXPERT_REVIEW: (0.78, 0.93),
    S.NOT_SELECTED: (0.76, 0.88),
    S.SELECTED: (0.8, 0.93),
    S.TYPICAL_CANDIDATE: (0.86, 0.95),
    S.TYPICAL: (0.88, 0.96),
}
PANEL_SIZE = (3, 7)  # judges per unit
# At least the campaign's minimum of judge sheets to recommend (rule 2, docs/rules.md).
JUDGES_PER_APPLICATION = (3, 5)
# judge@demo.saq's sheets in 浦东新区, in this order of the unit's submitted applications.
FEATURED_SHEETS = (
    SheetStatus.SUBMITTED,
    SheetStatus.DRAFT,
    SheetStatus.ASSIGNED,
    SheetStatus.SUBMITTED,
    SheetStatus.ASSIGNED,
    SheetStatus.DRAFT,
    SheetStatus.SUBMITTED,
    SheetStatus.ASSIGNED,
)
FEATURED_UNIT = "浦东新区"  # unit X: report in progress, a few recommendations chosen
OPEN_UNITS = ("浦东新区", "黄浦区")  # units X and Y are still reviewing this year
UNIT_REPORT_DIR = "unit_reports/demo"

INDUSTRY_SLUGS: dict[str, str] = {
    "上海市建筑施工行业协会": "jzsg",
    "上海市电力行业": "dianli",
    "上海市医药行业协会": "yiyao",
    "上海市交通运输行业协会": "jtys",
    "上海市医院协会": "yyxh",
    "上海市电子信息行业协会": "dzxx",
    "上海市燃气行业协会": "ranqi",
    "上海市商业联合会": "shanglian",
}
# Where judges work besides the unit's own bodies: (name, e-mail slug, district).
CITY_EMPLOYERS: tuple[tuple[str, str, str], ...] = (
    ("上海市质量协会", "saq", "长宁区"),
    ("上海质量管理科学研究院", "sqi", "徐汇区"),
    ("上海市质量和标准化研究院", "sist", "长宁区"),
    ("上海市计量测试技术研究院", "simt", "徐汇区"),
    ("同济大学经济与管理学院", "tongji", "杨浦区"),
    ("上海交通大学安泰经济与管理学院", "sjtu", "徐汇区"),
    ("华东理工大学商学院", "ecust", "徐汇区"),
    ("上海理工大学管理学院", "usst", "杨浦区"),
    ("上海大学管理学院", "shu", "宝山区"),
)
STRENGTHS = ("基础管理", "现场管理", "技能培训", "质量改进", "班组文化建设", "标准化作业")
CONFORMITY_TEXTS: dict[str, tuple[str, ...]] = {
    "high": (
        "班组建设全面符合《质量信得过班组建设准则》要求，六个方面材料完整、数据翔实，"
        "{strength}尤为突出。",
        "对照准则逐项核查，班组各项指标均达到或优于要求，{strength}成效显著。",
    ),
    "mid": (
        "班组建设基本符合《质量信得过班组建设准则》要求，材料较为完整，{strength}有一定成效。",
        "大部分条款符合准则要求，{strength}做法规范，个别指标的证据略显不足。",
    ),
    "low": (
        "班组建设部分符合准则要求，{weak}方面的材料和数据支撑不足。",
        "对照准则，班组在{weak}方面与要求仍有差距，需进一步完善。",
    ),
}
FEATURE_TEXTS = (
    "“{feature}”的管理做法扎实有效，具有推广价值。",
    "围绕“{topic}”开展质量改进，过程规范，效果数据清晰。",
    "班组以“{motto}”为理念，班组文化鲜明，凝聚力强。",
    "师带徒和岗位练兵常态化，成员技能等级提升明显。",
    "管理看板和目视化管理运用得当，异常问题处置闭环及时。",
)
SHORTCOMING_TEXTS = (
    "质量改进成果的经济效益测算依据不够充分。",
    "近三年业绩数据缺少与同行业水平的对比。",
    "创新成果的推广应用范围有限。",
    "班组文化建设的特色提炼不够。",
    "质量工具应用以排列图、因果图为主，方法较单一。",
    "标准作业程序的修订记录不够完整。",
    "荣誉证明材料不够齐全。",
    "人员技能等级结构有待进一步优化。",
)
OPINIONS = (
    "该班组{strength}扎实，“{feature}”特色鲜明，同意推荐。",
    "班组管理规范，质量改进成效显著，推荐参加上海市质量信得过班组评审。",
    "材料完整、数据翔实，在“{topic}”方面成果突出，同意推荐。",
    "经本单位评委评审，该班组综合得分靠前，同意推荐。",
)
ON_SITE_NOTES = (
    "拟赴现场查看班组管理看板、质量记录和交接班制度的执行情况。",
    "现场核实改进课题的数据来源，并与班组长和两名成员座谈。",
)


# --- demo logins ------------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    email: str
    name: str
    role: str


LOGINS: tuple[Login, ...] = (
    Login("staff@demo.saq", "陈思远", "质协工作人员（会员与质量推进部）；Django 管理后台 /admin/"),
    Login(
        "applicant-a@demo.saq", "王海燕", "申报单位 A（浦东新区，3 份申报：草稿、已提交、退回修改）"
    ),
    Login(
        "applicant-b@demo.saq",
        "李俊",
        "申报单位 B（黄浦区，2 份申报：草稿、已提交；还可新建 1 份）",
    ),
    Login("unit-x@demo.saq", "张立明", "推荐单位 X 管理员：浦东新区（评审进行中，推荐表填写中）"),
    Login("unit-y@demo.saq", "刘芳", "推荐单位 Y 管理员：黄浦区"),
    Login("judge@demo.saq", "赵建国", "评委（浦东新区评委，评审任务：已提交、评分中、待评分）"),
    Login("expert@demo.saq", "孙文博", "质协专家评委（专家评审）"),
    Login("guide@demo.saq", "周敏", "指导单位：" + taxonomy.GUIDING_UNITS[0]),
)


# --- plans ------------------------------------------------------------------------------


@dataclass
class OrgPlan:
    """An organisation to create and what its yearly registration says."""

    name: str
    short_name: str
    slug: str
    district: District
    domain: str
    nature: str
    industries: tuple[str, ...]
    unit: str
    nature_other: str = ""
    industry_other: str = ""
    is_member: bool = False
    is_specialised: bool = False
    is_high_tech: bool = False
    department: str = "质量管理部"
    promoter_name: str = ""
    promoter_email: str = ""
    promoter_mobile: str = ""
    promoter_position: str = ""
    address: str = ""
    postcode: str = ""


@dataclass
class AppPlan:
    registration: Registration
    unit: RecommendingUnit
    team_type: TeamType
    team_name: str
    state: str
    created_at: datetime
    submitted_at: datetime | None
    actor: User | None = None


@dataclass
class Panel:
    """A recommending unit's admin (who assigns, recommends and submits) and its judges."""

    unit: RecommendingUnit
    admin: User
    judges: list[Judge] = field(default_factory=list)


@dataclass
class Created:
    """What this run created; recorded in the audit log so ``--reset`` can remove it."""

    campaign_ids: list[int] = field(default_factory=list)
    organisation_ids: list[int] = field(default_factory=list)
    unit_ids: list[int] = field(default_factory=list)
    guiding_unit_ids: list[int] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)
    judge_ids: list[int] = field(default_factory=list)
    years: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, list[int]]:
        return {
            "campaign_ids": self.campaign_ids,
            "organisation_ids": self.organisation_ids,
            "unit_ids": self.unit_ids,
            "guiding_unit_ids": self.guiding_unit_ids,
            "user_ids": self.user_ids,
            "judge_ids": self.judge_ids,
            "years": self.years,
        }


Numbering = Callable[[int], str]
M = TypeVar("M", bound=models.Model)


def aware(day: date, at: dtime = dtime.min) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def year_window(year: int, kind: str) -> tuple[datetime, datetime]:
    return template_window(year, kind)


def open_window(today: date) -> tuple[datetime, datetime]:
    return (
        aware(today - timedelta(days=OPEN_DAYS_BEFORE)),
        aware(today + timedelta(days=OPEN_DAYS_AFTER), dtime(23, 59, 59)),
    )


def stamped_sample_pdf(
    title: str = "质量信得过班组建设活动申报表（附件3）",
    note: str = "演示数据：盖章申报表扫描件样例，非真实文件。",
) -> bytes:
    """A one-page stand-in for the scan of a stamped form (built once per run): the 附件3
    by default, the 附件5 for the units' reports."""
    from reportlab.lib.colors import red
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setFont("STSong-Light", 16)
    pdf.drawString(72, 760, title)
    pdf.setFont("STSong-Light", 11)
    pdf.drawString(72, 736, note)
    pdf.setStrokeColor(red)
    pdf.setFillColor(red)
    pdf.circle(420, 640, 48, stroke=1, fill=0)
    pdf.drawCentredString(420, 636, "演示用章")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def bulk_create_dated(model: type[M], rows: list[M], *, keep: bool = True) -> list[M]:
    """``bulk_create`` that keeps the ``created_at`` / ``updated_at`` the rows carry (the
    auto_now_add / auto_now fields would overwrite them with now), so that the demo's
    history is spread over the year; rows without a value get now. The fields' flags are
    switched off only during the insert of this one-off, single-threaded process."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if keep and (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
    ]
    now = timezone.now()
    for row in rows:
        for f in fields:
            if getattr(row, f.attname) is None:
                setattr(row, f.attname, now)
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]  # type: ignore[attr-defined]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False  # type: ignore[attr-defined]
        return model._default_manager.bulk_create(rows, batch_size=500)
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add  # type: ignore[attr-defined]


def _pct(rng: random.Random, low: float, high: float) -> Decimal:
    value = Decimal(f"{rng.uniform(low, high):.2f}")
    return min(max(value, Decimal("0.00")), Decimal("100.00"))
