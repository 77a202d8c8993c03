"""Demo events (called by ``seed_demo``): this year's briefing (applicants A and B signed
up), two trainings (the first full, with a waiting list), this year's exchange meeting
with presenting teams in order, 浦东新区's presentation session organised by the demo unit
admin with its own teams, and last year's exchange meeting (past)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from xinban.applications.models import Application, ApplicationState
from xinban.events.models import Event, EventKind, EventState, Presenter, Signup, SignupStatus
from xinban.events.rules import may_present

if TYPE_CHECKING:
    from xinban.ops.demo_data import DemoContext

SAQ = "上海市长宁区泰安路74号 上海市质量协会三楼会议室"
# This year's best first: who presents at the exchange meeting.
SHOWCASE = (
    ApplicationState.TYPICAL,
    ApplicationState.TYPICAL_CANDIDATE,
    ApplicationState.SELECTED,
    ApplicationState.EXPERT_REVIEW,
    ApplicationState.FORMAL_PASSED,
    ApplicationState.RECOMMENDED,
)


def _showcase(event: Event, limit: int) -> list[Application]:
    """Teams that may present at ``event`` (docs/rules.md, rule 10), best results first."""
    chosen: list[Application] = []
    for state in SHOWCASE:
        chosen += list(
            Application.objects.filter(may_present(event), state=state).order_by("number")[
                : limit - len(chosen)
            ]
        )
        if len(chosen) >= limit:
            break
    return chosen


def seed(ctx: DemoContext) -> None:
    campaign = ctx.campaigns[ctx.year]
    staff = ctx.user("staff@demo.saq")
    now = timezone.now()

    def event(
        kind: str,
        title: str,
        days: int,
        capacity: int | None,
        description: str = "",
        *,
        location: str = SAQ,
        unit: Any = None,
        created_by: Any = None,
        on: Any = campaign,
    ) -> Event:
        starts = timezone.localtime(now + timedelta(days=days)).replace(
            hour=9, minute=30, second=0, microsecond=0
        )
        return Event.objects.create(
            campaign=on,
            kind=kind,
            title=title,
            description=description,
            location=location,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            signup_closes_at=starts - timedelta(days=1),
            capacity=capacity,
            state=EventState.PUBLISHED,
            unit=unit,
            created_by=created_by or staff,
        )

    briefing = event(
        EventKind.BRIEFING,
        f"{ctx.year}年质量信得过班组建设活动推进及成果申报说明会",
        12,
        120,
        "面向各区、各行业、各集团公司推荐单位和申报单位：介绍本年度活动安排和申报流程，"
        "优秀组织推进单位分享推进经验，讲解申报材料撰写要点和平台操作注意事项。",
    )
    training = event(
        EventKind.TRAINING,
        "班组成果材料撰写辅导（第一期）",
        20,
        3,
        "结合《质量信得过班组建设准则》(T/CAQ 10204-2017) 解读六方面创建材料的写法，"
        "现场对部分申报材料进行诊断。小班辅导，名额有限。",
    )
    event(
        EventKind.TRAINING,
        "QC 工具与数据分析实务培训（线上线下结合）",
        27,
        60,
        "排列图、因果图、控制图等常用工具在班组质量改进中的应用，配合案例练习。",
        location="线上（腾讯会议）与质协大楼二楼培训室同步",
    )
    exchange = event(
        EventKind.EXCHANGE,
        f"{ctx.year}年上海市质量信得过班组优秀成果交流会",
        60,
        300,
        "本年度典型经验班组现场发表，专家点评，交流班组建设经验。",
    )
    pudong = ctx.builder.units.get("浦东新区")
    session = None
    if pudong is not None:
        session = event(
            EventKind.PRESENTATION,
            f"浦东新区{ctx.year}年质量信得过班组成果发表会",
            35,
            80,
            "浦东新区推荐范围内的申报班组现场发表，区评审委员会评分。",
            location="浦东新区世纪大道2001号 区市场监管局报告厅",
            unit=pudong,
            created_by=ctx.user("unit-x@demo.saq"),
        )
    past = event(
        EventKind.EXCHANGE,
        f"{ctx.year - 1}年上海市质量信得过班组优秀成果交流会",
        -300,
        300,
        "上一年度典型经验班组发表与交流。",
        on=ctx.campaigns[ctx.year - 1],
    )

    a, b = ctx.user("applicant-a@demo.saq"), ctx.user("applicant-b@demo.saq")
    unit_x, judge = ctx.user("unit-x@demo.saq"), ctx.user("judge@demo.saq")
    org_a, org_b = "上海浦江智能装备股份有限公司", "上海外滩数字信息服务有限公司"
    base = now - timedelta(days=3)

    def signup(
        event: Event, user: Any, minutes: int, status: str, organisation: str = ""
    ) -> Signup:
        return Signup(
            event=event,
            user=user,
            name=user.name,
            organisation=organisation,
            phone=user.mobile or "",
            status=status,
            created_at=base + timedelta(minutes=minutes),
        )

    rows = [
        signup(briefing, a, 1, SignupStatus.CONFIRMED, org_a),
        signup(briefing, b, 2, SignupStatus.CONFIRMED, org_b),
        signup(briefing, unit_x, 3, SignupStatus.CONFIRMED, "浦东新区市场监督管理局"),
        # The first training is full: the demo unit admin waits for a place.
        signup(training, a, 1, SignupStatus.CONFIRMED, org_a),
        signup(training, b, 2, SignupStatus.CONFIRMED, org_b),
        signup(training, judge, 3, SignupStatus.CONFIRMED),
        signup(training, unit_x, 4, SignupStatus.WAITING, "浦东新区市场监督管理局"),
        signup(exchange, b, 5, SignupStatus.CONFIRMED, org_b),
    ]
    if session is not None:
        rows.append(signup(session, a, 6, SignupStatus.CONFIRMED, org_a))
    past_row = signup(past, a, 7, SignupStatus.CONFIRMED, org_a)
    past_row.created_at = past.starts_at - timedelta(days=20)
    past_row.checked_in_at = past.starts_at
    rows.append(past_row)
    times = [row.created_at for row in rows]
    # auto_now_add overrides created_at on insert: put the intended order back.
    for row, when in zip(Signup.objects.bulk_create(rows), times, strict=True):
        Signup.objects.filter(pk=row.pk).update(created_at=when)

    presenters = [
        Presenter(event=exchange, application=app, position=n)
        for n, app in enumerate(_showcase(exchange, 6), 1)
    ]
    presenters += [
        Presenter(event=past, application=app, position=n)
        for n, app in enumerate(_showcase(past, 6), 1)
    ]
    if session is not None:
        own = Application.objects.filter(may_present(session))
        presenters += [
            Presenter(event=session, application=app, position=n)
            for n, app in enumerate(own.order_by("number")[:5], 1)
        ]
    Presenter.objects.bulk_create(presenters)
