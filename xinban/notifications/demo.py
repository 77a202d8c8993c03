"""Demo notifications (called by ``seed_demo``): what the demo logins find under the bell —
applicant A's returned application (unread) and earlier submission (read), unit X's new
submissions to review, the judge's assignment. They hang off the demo users, so
``--reset`` removes them with the users."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from xinban.applications.models import Application, ApplicationState
from xinban.notifications.models import Notification

if TYPE_CHECKING:
    from xinban.ops.demo_data import DemoContext


def seed(ctx: DemoContext) -> None:
    now = timezone.now()
    campaign = ctx.campaigns[ctx.year]
    applicant_a = ctx.user("applicant-a@demo.saq")
    mine = Application.objects.filter(
        campaign=campaign, organisation__members=applicant_a
    ).order_by("pk")
    returned = mine.filter(state=ApplicationState.RETURNED).first()
    submitted = mine.filter(state=ApplicationState.SUBMITTED).first()
    rows: list[tuple[str, str, str, int, bool]] = []  # login, title, body, hours ago, read
    if submitted is not None:
        rows.append(
            (
                "applicant-a@demo.saq",
                f"申报已提交：{submitted.team_name}（{submitted.number}）",
                "您的申报已提交至推荐单位，审核结果将另行通知。",
                72,
                True,
            )
        )
    if returned is not None:
        rows.append(
            (
                "applicant-a@demo.saq",
                f"申报被退回修改：{returned.team_name}（{returned.number}）",
                "推荐单位退回了您的申报，请按意见补充盖章页后重新提交。",
                5,
                False,
            )
        )
    rows += [
        (
            "unit-x@demo.saq",
            "有新的申报待形式审查",
            "本周有 6 份申报提交至浦东新区，请在形式审查截止日前完成审查。",
            20,
            False,
        ),
        (
            "judge@demo.saq",
            "评审任务已分配",
            "浦东新区评审组为您分配了 3 份申报，请登录平台在截止日前完成评分。",
            30,
            False,
        ),
        (
            "expert@demo.saq",
            "专家评审即将开始",
            "协会专家评审将于下周开始，评审任务分配后会再通知您。",
            48,
            True,
        ),
    ]
    created = Notification.objects.bulk_create(
        [
            Notification(
                user=ctx.user(login),
                title=title,
                body=body,
                read_at=now - timedelta(hours=ago - 1) if read else None,
            )
            for login, title, body, ago, read in rows
        ]
    )
    # created_at is set on insert: spread them over the past days.
    for note, (_login, _title, _body, ago, _read) in zip(created, rows, strict=True):
        Notification.objects.filter(pk=note.pk).update(created_at=now - timedelta(hours=ago))
