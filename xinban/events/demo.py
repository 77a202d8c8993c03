"""Demo events (called by ``seed_demo``): this year's briefing (applicants A and B signed
up), two trainings (one full, with a waiting list), the exchange meeting with presenting
teams, and 浦东新区's presentation session organised by the demo unit admin."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from xinban.applications.models import Application, ApplicationState
from xinban.events.models import Event, EventKind, EventState, Presenter, Signup

if TYPE_CHECKING:
    from xinban.core.management.commands.seed_demo import DemoContext


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
        unit: object = None,
        created_by: object = None,
    ) -> Event:
        starts = (now + timedelta(days=days)).replace(hour=9, minute=30, second=0, microsecond=0)
        return Event.objects.create(
            campaign=campaign,
            kind=kind,
            title=title,
            description=description,
            location="上海市长宁区泰安路74号 质协大楼三楼会议室",
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            signup_closes_at=starts - timedelta(days=1),
            capacity=capacity,
            state=EventState.PUBLISHED,
            unit=unit,  # type: ignore[misc]
            created_by=created_by or staff,  # type: ignore[misc]
        )

    briefing = event(
        EventKind.BRIEFING,
        f"{ctx.year}年质量信得过班组建设活动推进及成果申报说明会",
        12,
        120,
        description="介绍本年度活动安排、申报材料撰写要点和平台操作，欢迎各单位质量管理人员参加。",
    )
    training = event(EventKind.TRAINING, "班组成果材料撰写辅导（第一期）", 20, 3)
    event(EventKind.TRAINING, "QC 工具与数据分析培训", 27, 60)
    exchange = event(EventKind.EXCHANGE, f"{ctx.year}年质量信得过班组优秀成果交流会", 60, 300)
    pudong = ctx.builder.units.get("浦东新区")
    session = event(
        EventKind.PRESENTATION,
        "浦东新区质量信得过班组成果发表会",
        35,
        80,
        unit=pudong,
        created_by=ctx.user("unit-x@demo.saq"),
    )
    a, b = ctx.user("applicant-a@demo.saq"), ctx.user("applicant-b@demo.saq")
    Signup.objects.bulk_create(
        [
            Signup(
                event=briefing,
                user=a,
                name=a.name,
                organisation="上海浦江智能装备股份有限公司",
                status="confirmed",
            ),
            Signup(
                event=briefing,
                user=b,
                name=b.name,
                organisation="上海外滩数字信息服务有限公司",
                status="confirmed",
            ),
            Signup(event=training, user=a, name=a.name, status="confirmed"),
            Signup(event=training, user=b, name=b.name, status="confirmed"),
            Signup(event=training, user=staff, name=staff.name, status="confirmed"),
        ]
    )
    typical = list(
        Application.objects.filter(
            campaign=ctx.campaigns[ctx.year - 1], state=ApplicationState.TYPICAL
        ).order_by("number")[:6]
    )
    Presenter.objects.bulk_create(
        [Presenter(event=exchange, application=app, position=n) for n, app in enumerate(typical, 1)]
    )
    if pudong is not None:
        own = Application.objects.filter(
            campaign=campaign, recommending_unit=pudong, state=ApplicationState.SUBMITTED
        ).order_by("number")[:5]
        Presenter.objects.bulk_create(
            [Presenter(event=session, application=app, position=n) for n, app in enumerate(own, 1)]
        )
