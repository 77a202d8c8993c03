"""What waits for one person now (工作台), read from the same selectors and rules as the
pages each line links to, so a count here and the list behind its link agree
(docs/architecture.md, "Where a rule lives"). One section per role the person holds;
nothing of anyone else's organisation, unit, panel or sheets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import Application, ApplicationState
from xinban.applications.readiness import submission_problem_lines
from xinban.applications.selectors import applications_of_organisations
from xinban.campaigns.models import Campaign, PhaseKind
from xinban.campaigns.selectors import campaign_current, phase_window_end, phases_with_status
from xinban.core.roles import Roles, roles_of
from xinban.evaluation.selectors import (
    applicant_outcomes,
    decisions_waiting,
    expert_sheets,
    formal_review_queue,
    guiding_to_review,
    round_deadlines,
    unassigned_applications,
)
from xinban.events.selectors import signups_upcoming
from xinban.notifications.models import OutboxState
from xinban.notifications.selectors import outbox
from xinban.organisations.models import RecommendingUnit
from xinban.organisations.selectors import registration_exists
from xinban.publication.selectors import certificates_ready
from xinban.recommendation.models import ReportStatus
from xinban.recommendation.selectors import (
    judge_sheets,
    judges_behind,
    unit_applications,
    unit_report_status,
)
from xinban.reports.models import FilingStatus
from xinban.reports.selectors import statistics_report, work_summary
from xinban.scoring.models import SheetStatus
from xinban.tasks.models import TaskState
from xinban.tasks.selectors import tasks_for_staff

# A window that ends within this many days is shown as closing.
CLOSING_DAYS = 7
# What is missing from a draft: the first few, then how many more (the page lists all).
SHOWN_PROBLEMS = 3


@dataclass(frozen=True)
class Line:
    """One thing to open: its text, where it is, and what to know about it."""

    text: str
    url: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Item:
    """One kind of waiting work: how many (``count``) or where it stands (``status``),
    the page with the whole list, and up to a few lines."""

    key: str
    title: str
    url: str
    count: int | None = None
    status: str = ""
    # Nothing to do (count 0, or a status that is final): shown muted.
    done: bool = False
    # Needs attention soon (a window about to close).
    urgent: bool = False
    lines: tuple[Line, ...] = ()


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: list[Item] = field(default_factory=list)
    note: str = ""

    @property
    def waiting(self) -> int:
        return sum(i.count or 0 for i in self.items)


@dataclass(frozen=True)
class Workbench:
    campaign: Campaign | None
    sections: list[Section]

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


def _when(value: datetime | None) -> str:
    if value is None:
        return ""
    return date_format(timezone.localtime(value), "Y-m-d H:i")


def _deadline(end: datetime | None) -> str:
    return _("截止 %(when)s") % {"when": _when(end)} if end else ""


def _counted(key: str, title: str, url: str, lines: list[Line]) -> Item:
    return Item(key=key, title=title, url=url, count=len(lines), done=not lines, lines=tuple(lines))


def _with_query(url: str, **params: str) -> str:
    return f"{url}?{urlencode(params)}"


# --------------------------------------------------------------------------- applicant


def _applicant(user: User, roles: Roles, campaign: Campaign | None) -> Section:
    items: list[Item] = []
    dashboard = reverse("applications:dashboard")
    if campaign is not None:
        missing = [
            o
            for o in roles.organisations
            if not registration_exists(organisation=o, campaign=campaign)
        ]
        registration = reverse("organisations:registration")
        items.append(
            _counted(
                "registration",
                _("待填写的报名表（附件2）"),
                registration,
                [Line(text=o.name, url=registration) for o in missing],
            )
        )
        current = applications_of_organisations(user=user, campaign=campaign)
        drafts = list(current.filter(state=ApplicationState.DRAFT).defer(None))
        lines = []
        for application in drafts:
            window = phase_window_end(
                campaign=campaign,
                kind=PhaseKind.APPLICATION,
                organisation_id=application.organisation_id,
            )
            problems = [message for _field, message in submission_problem_lines(application)]
            notes = [_deadline(window[1])] if window else []
            notes += problems[:SHOWN_PROBLEMS] or [_("内容已齐全，可以提交。")]
            if len(problems) > SHOWN_PROBLEMS:
                notes.append(
                    _("另有 %(count)s 项待补充") % {"count": len(problems) - SHOWN_PROBLEMS}
                )
            lines.append(
                Line(
                    text=application.team_name,
                    url=reverse("applications:detail", args=[application.pk]),
                    notes=tuple(notes),
                )
            )
        items.append(_counted("drafts", _("待完成的申报草稿"), dashboard, lines))
        returned = current.filter(state=ApplicationState.RETURNED).defer(None)
        items.append(
            _counted(
                "returned",
                _("退回修改的申报"),
                dashboard,
                [
                    Line(
                        text=a.team_name,
                        url=reverse("applications:detail", args=[a.pk]),
                        notes=(_("退回原因：%(reason)s") % {"reason": a.return_reason},)
                        if a.return_reason
                        else (),
                    )
                    for a in returned
                ],
            )
        )
        videos = [o for o in applicant_outcomes(user=user, campaign=campaign) if o.video_required]
        if videos:
            items.append(
                _counted(
                    "videos",
                    _("待上传的发表视频"),
                    reverse("evaluation:outcomes"),
                    [
                        Line(
                            text=o.application.team_name,
                            url=reverse("evaluation:video_upload", args=[o.application.pk]),
                        )
                        for o in videos
                    ],
                )
            )
    items.append(
        _counted(
            "certificates",
            _("可下载的证书"),
            reverse("evaluation:outcomes"),
            [
                Line(
                    text=f"{entry.year} {entry.team_name}",
                    url=reverse("publication:certificate", args=[entry.application_id]),
                    notes=(entry.get_level_display(),),
                )
                for entry in certificates_ready(organisation_ids=roles.organisation_ids)
            ],
        )
    )
    items.append(_events(user))
    names = "、".join(o.name for o in roles.organisations)
    return Section(key="applicant", title=_("申报单位：%(names)s") % {"names": names}, items=items)


def _events(user: User) -> Item:
    return _counted(
        "events",
        _("已报名的活动"),
        reverse("events:list"),
        [
            Line(
                text=s.event.title,
                url=reverse("events:detail", args=[s.event_id]),
                notes=(_when(s.event.starts_at), s.get_status_display()),
            )
            for s in signups_upcoming(user)
        ],
    )


# --------------------------------------------------------------------------- recommending unit


def _filing_status(status: str | None, labels: Any, final: str) -> tuple[str, bool]:
    if status is None:
        return _("未开始"), False
    return str(labels(status).label), status == final


def _unit(unit: RecommendingUnit, campaign: Campaign, *, admin: bool) -> Section:
    inbox = reverse("recommendation:inbox", args=[unit.pk])
    items = [
        _counted(
            "review",
            _("待审核的申报"),
            _with_query(inbox, state=ApplicationState.SUBMITTED),
            [
                Line(
                    text=f"{a.number} {a.team_name}",
                    url=reverse("recommendation:application", args=[unit.pk, a.pk]),
                    notes=(a.organisation.name,),
                )
                for a in unit_applications(
                    unit=unit, campaign=campaign, state=ApplicationState.SUBMITTED
                )
            ],
        ),
        _counted(
            "judges",
            _("未完成评分的评委"),
            reverse("recommendation:judges", args=[unit.pk]),
            [
                Line(
                    text=b.judge.name,
                    url=reverse("recommendation:judges", args=[unit.pk]),
                    notes=(
                        _("已提交 %(submitted)s / 已分配 %(assigned)s")
                        % {"submitted": b.submitted, "assigned": b.assigned},
                    ),
                )
                for b in judges_behind(unit=unit, campaign=campaign)
            ],
        ),
    ]
    status, done = _filing_status(
        unit_report_status(unit=unit, campaign=campaign), ReportStatus, ReportStatus.SUBMITTED
    )
    items.append(
        Item(
            key="report",
            title=_("推荐表（附件5）"),
            url=reverse("recommendation:report", args=[unit.pk]),
            status=status,
            done=done,
        )
    )
    for key, title, url_name, filing in (
        ("statistics", _("成果统计表（附件6）"), "reports:statistics", statistics_report),
        ("summary", _("工作总结（附件7）"), "reports:summary", work_summary),
    ):
        row = filing(unit=unit, campaign=campaign)
        status, done = _filing_status(
            row.status if row else None, FilingStatus, FilingStatus.SUBMITTED
        )
        items.append(
            Item(
                key=key,
                title=title,
                url=reverse(url_name, args=[unit.pk]),
                status=status,
                done=done,
            )
        )
    items.append(
        _window(
            "window",
            _("成果推荐窗口"),
            inbox,
            phase_window_end(campaign=campaign, kind=PhaseKind.RECOMMENDATION, unit_id=unit.pk),
        )
    )
    return Section(
        key="unit",
        title=_("推荐单位：%(name)s") % {"name": unit.name},
        items=items,
        note="" if admin else _("您是本单位的成员，审核和报送由管理员完成。"),
    )


def _window(key: str, title: str, url: str, window: tuple[datetime, datetime] | None) -> Item:
    now = timezone.now()
    if window is None:
        return Item(key=key, title=title, url=url, status=_("未设置"), done=True)
    starts, ends = window
    if now < starts:
        return Item(
            key=key,
            title=title,
            url=url,
            status=_("%(when)s 开始") % {"when": _when(starts)},
            done=True,
        )
    if now > ends:
        return Item(key=key, title=title, url=url, status=_("已结束"), done=True)
    days = (ends - now).days
    return Item(
        key=key,
        title=title,
        url=url,
        status=_("开放中，%(deadline)s（还剩 %(days)s 天）")
        % {"deadline": _deadline(ends), "days": days},
        urgent=days < CLOSING_DAYS,
    )


# --------------------------------------------------------------------------- judges and experts


def _judge(user: User, campaign: Campaign) -> Item:
    """The unit-stage sheets still to score: not submitted, and not locked by the unit's
    filed 推荐表 (recommendation.services.unit_sheet_gate)."""
    lines = []
    windows: dict[int, tuple[datetime, datetime] | None] = {}
    locked: dict[int, bool] = {}
    for sheet in (
        judge_sheets(user=user)
        .filter(application__campaign=campaign)
        .exclude(status=SheetStatus.SUBMITTED)
    ):
        unit_id = sheet.application.recommending_unit_id
        if unit_id not in locked:
            unit = sheet.application.recommending_unit
            report = unit_report_status(unit=unit, campaign=campaign)
            locked[unit_id] = report is not None and report != ReportStatus.DRAFT
            windows[unit_id] = phase_window_end(
                campaign=campaign, kind=PhaseKind.RECOMMENDATION, unit_id=unit_id
            )
        if locked[unit_id]:
            continue
        window = windows[unit_id]
        lines.append(
            Line(
                text=sheet.application.team_name,
                url=reverse("recommendation:judge_sheet", args=[sheet.pk]),
                notes=(
                    sheet.application.organisation.name,
                    sheet.get_status_display(),
                    _deadline(window[1]) if window else "",
                ),
            )
        )
    return _counted(
        "sheets", _("待评分（推荐单位评审）"), reverse("recommendation:judge_home"), lines
    )


def _expert(user: User, campaign: Campaign) -> Item:
    deadlines = round_deadlines(campaign)
    lines = [
        Line(
            text=sheet.application.team_name,
            url=reverse("evaluation:expert_sheet", args=[sheet.pk]),
            notes=(
                _("第 %(round)s 轮") % {"round": sheet.round},
                sheet.get_status_display(),
                _deadline(deadlines.get(sheet.round)),
            ),
        )
        for sheet in expert_sheets(user=user, campaign=campaign).exclude(
            status=SheetStatus.SUBMITTED
        )
    ]
    return _counted(
        "expert_sheets", _("待评分（专家评审）"), reverse("evaluation:expert_home"), lines
    )


# --------------------------------------------------------------------------- staff


def _staff(campaign: Campaign) -> Section:
    open_phases = [p.phase for p in phases_with_status(campaign) if p.status == "open"]
    items = [
        Item(
            key="phase",
            title=_("%(year)s 年度当前阶段") % {"year": campaign.year},
            url=reverse("evaluation:staff_home"),
            status=open_phases[0].get_kind_display()
            if len(open_phases) == 1
            else _("%(count)s 个阶段开放中") % {"count": len(open_phases)}
            if open_phases
            else _("无开放阶段"),
            lines=tuple(
                Line(
                    text=p.get_kind_display(),
                    url=reverse("admin:campaigns_campaign_change", args=[campaign.pk]),
                    notes=(_deadline(p.ends_at),),
                )
                for p in open_phases
            ),
        )
    ]

    def application_lines(applications: list[Application]) -> list[Line]:
        return [
            Line(
                text=f"{a.number} {a.team_name}",
                url=reverse("evaluation:application", args=[a.pk]),
                notes=(a.organisation.name,),
            )
            for a in applications
        ]

    items.append(
        _counted(
            "formal",
            _("待形式审查"),
            reverse("evaluation:formal_list"),
            [
                Line(
                    text=f"{row.application.number} {row.application.team_name}",
                    url=reverse("evaluation:formal_review", args=[row.application.pk]),
                    notes=(row.application.organisation.name,),
                )
                for row in formal_review_queue(campaign=campaign)
            ],
        )
    )
    items.append(
        _counted(
            "unassigned",
            _("尚未分配专家的申报"),
            reverse("evaluation:assignments"),
            application_lines(unassigned_applications(campaign=campaign)),
        )
    )
    items.append(
        _counted(
            "decisions",
            _("待作出评价结果"),
            reverse("evaluation:ranking"),
            application_lines(decisions_waiting(campaign=campaign)),
        )
    )
    failed_mail = outbox(state=OutboxState.FAILED)
    items.append(
        Item(
            key="mail",
            title=_("发送失败的邮件"),
            url=_with_query(reverse("notifications:outbox"), state=OutboxState.FAILED),
            count=failed_mail.count(),
            done=not failed_mail.exists(),
        )
    )
    failed_tasks = tasks_for_staff(state=TaskState.FAILED)
    items.append(
        Item(
            key="tasks",
            title=_("失败的后台任务"),
            url=_with_query(reverse("tasks:list"), state=TaskState.FAILED),
            count=failed_tasks.count(),
            done=not failed_tasks.exists(),
        )
    )
    return Section(key="staff", title=_("协会工作人员"), items=items)


# --------------------------------------------------------------------------- everything


def workbench_for(user: User) -> Workbench:
    roles = roles_of(user)
    campaign = campaign_current()
    sections: list[Section] = []
    if roles.is_staff and campaign is not None:
        sections.append(_staff(campaign))
    if roles.is_applicant:
        sections.append(_applicant(user, roles, campaign))
    if campaign is not None:
        for unit in RecommendingUnit.objects.filter(pk__in=roles.unit_ids).order_by(
            "position", "name"
        ):
            sections.append(_unit(unit, campaign, admin=unit.pk in roles.unit_admin_ids))
        if roles.is_judge:
            # A judge of a unit's panel, an expert of the association's, or both (as
            # the menu shows 我的评审 and 专家评审).
            judge = [_judge(user, campaign)] if roles.is_unit_judge else []
            if roles.is_expert:
                judge.append(_expert(user, campaign))
            sections.append(Section(key="judge", title=_("评审"), items=judge))
        if roles.is_guiding:
            sections.append(
                Section(
                    key="guiding",
                    title=_("指导单位"),
                    items=[
                        _counted(
                            "candidates",
                            _("待审核的典型经验候选"),
                            reverse("evaluation:guiding_home"),
                            [
                                Line(
                                    text=f"{a.number} {a.team_name}",
                                    url=reverse("evaluation:guiding_candidate", args=[a.pk]),
                                    notes=(a.organisation.name,),
                                )
                                for a in guiding_to_review(user=user, campaign=campaign)
                            ],
                        )
                    ],
                )
            )
    newcomer = not (roles.is_applicant or roles.is_staff or roles.unit_ids)
    if newcomer and not (roles.is_judge or roles.is_guiding):
        sections.append(
            Section(
                key="newcomer",
                title=_("开始使用"),
                items=[
                    Item(
                        key="organisation",
                        title=_("登记您的单位，即可填写报名表和申报材料"),
                        url=reverse("organisations:create"),
                        status=_("尚未登记"),
                    ),
                    _events(user),
                ],
            )
        )
    return Workbench(campaign=campaign, sections=sections)
