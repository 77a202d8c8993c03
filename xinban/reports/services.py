"""Writes of 附件6 (成果统计表) and 附件7 (推进工作总结): drafts by the unit's admin, submission
(which locks), and staff reminders to the units that have not filed.

Both forms are filed while the unit's recommendation window is open (the notice asks for
附件5, 6 and 7 together, "在活动周期内"); staff extend it per unit as for 附件5."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.campaigns.models import Campaign, PhaseKind
from xinban.campaigns.selectors import phase_is_open
from xinban.core.audit import audit_record
from xinban.core.errors import ServiceError, WindowClosed, WrongState
from xinban.core.rulebook import Refusal
from xinban.core.stamp import (
    DocumentKind,
    ScanRefusals,
    Stamp,
    scan_match,
    stamped_scan_changes,
    stamped_scan_upload,
    store_stamped_scan,
)
from xinban.core.text import join_items
from xinban.core.validators import date_of_text
from xinban.notifications.delivery import notify_after_commit
from xinban.organisations.models import RecommendingUnit
from xinban.recommendation.services import require_staff, require_unit_admin
from xinban.reports import selectors
from xinban.reports.documents import form6_content, form6_stamp
from xinban.reports.models import (
    EVENT_TEXT_FIELDS,
    SUMMARY_TEXT_FIELDS,
    FilingStatus,
    ReviewForm,
    StatisticsReport,
    SummaryEvent,
    WorkSummary,
)

# --- guards ---------------------------------------------------------------------------------


def require_window(campaign: Campaign, unit_id: int) -> None:
    if not phase_is_open(campaign=campaign, kind=PhaseKind.RECOMMENDATION, unit_id=unit_id):
        raise WindowClosed(
            _("不在本年度推荐材料的报送时间内（成果推荐阶段）。"), code="window_closed"
        )


class Incomplete(ServiceError):
    """Submission refused: ``problems`` maps each field to what is missing."""

    def __init__(self, message: str, problems: dict[str, str]) -> None:
        super().__init__(message, code="incomplete")
        self.problems = problems


# --- 附件6 成果统计表 -----------------------------------------------------------------------

STATISTICS_FIELDS = (
    "enterprises",
    "teams",
    "cumulative_teams",
    "participants",
    "recommended",
    "funding",
    "rewards",
    "has_certified_judges",
    "certified_judges",
    "features_and_problems",
    "review_forms",
    "session_held",
    "session_registered_teams",
    "session_presented_teams",
    "session_time",
    "session_place",
    "session_attendees",
    "department_and_head",
    "contact_name",
    "contact_mobile",
    "contact_email",
    "address",
    "postcode",
    "filler_name",
    "fill_date",
)
SESSION_FIELDS = (
    "session_registered_teams",
    "session_presented_teams",
    "session_time",
    "session_place",
    "session_attendees",
)


def _as_date(value: Any) -> date | None:
    """A date column's value from the forms' cleaned data (a date) or from a caller that
    writes the text ("2025年6月18日"; "" for none). Rule 11, docs/rules.md."""
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    return date_of_text(text) if text else None


def statistics_report_for(
    *, unit: RecommendingUnit, campaign: Campaign, lock: bool = False
) -> StatisticsReport:
    StatisticsReport.objects.get_or_create(unit=unit, campaign=campaign)
    qs = StatisticsReport.objects.select_related("unit", "campaign")
    if lock:
        qs = qs.select_for_update()
    return qs.get(unit=unit, campaign=campaign)


def _require_open(report: StatisticsReport | WorkSummary) -> None:
    if report.is_locked:
        raise WrongState(_("已报送上海市质协，不能再修改。"), code="locked")


def statistics_save(
    *, actor: User, report: StatisticsReport, data: dict[str, Any]
) -> StatisticsReport:
    """Save the unit's draft of 附件6 (any subset of the fields; nothing is required
    before submission)."""
    require_unit_admin(actor, report.unit_id)
    with transaction.atomic():
        locked = (
            StatisticsReport.objects.select_for_update()
            .select_related("campaign")
            .get(pk=report.pk)
        )
        _require_open(locked)
        require_window(locked.campaign, locked.unit_id)
        changes = {}
        for name in STATISTICS_FIELDS:
            if name not in data:
                continue
            value = data[name]
            if name == "session_time":
                value = _as_date(value)
            if name == "review_forms":
                value = [v for v in ReviewForm.values if v in (value or [])]
            if getattr(locked, name) != value:
                changes[name] = value
            setattr(locked, name, value)
        locked.version += 1
        locked.save()
        audit_record(actor=actor, action="reports.statistics_save", obj=locked, changes=changes)
    return locked


def statistics_fill_from_platform(
    *, actor: User, report: StatisticsReport, data: dict[str, Any] | None = None
) -> StatisticsReport:
    """Fill the declared items the unit left empty with the platform's figures. ``data``
    is what the unit has typed and not saved yet (the form's cleaned data): it is saved
    with the filled items, in the same call, so nothing typed is lost."""
    report = StatisticsReport.objects.select_related("unit", "campaign").get(pk=report.pk)
    figures = selectors.platform_figures(unit=report.unit, campaign=report.campaign)
    typed = dict(data or {})

    def current(name: str) -> Any:
        return typed[name] if name in typed else getattr(report, name)

    filled: dict[str, Any] = {
        name: figures.get(name)
        for name in selectors.KNOWN_ITEMS
        if figures.get(name) is not None and current(name) is None
    }
    if "certified_judges" in filled and current("has_certified_judges") is None:
        filled["has_certified_judges"] = int(filled["certified_judges"]) > 0
        if not filled["has_certified_judges"]:
            filled["certified_judges"] = None
    return statistics_save(actor=actor, report=report, data={**typed, **filled})


def statistics_scan_refusal(report: StatisticsReport) -> Refusal | None:
    """Rule 11: 附件6 is filed with the unit's stamp, as 附件5 is (the stamped scan)."""
    if report.stamped_scan:
        return None
    return Refusal(
        _("请上传加盖公章的成果统计表扫描件。"), code="stamped_scan", field="stamped_scan"
    )


def _statistics_scan_refusal(
    report: StatisticsReport, stamps: list[Stamp]
) -> tuple[Stamp | None, ServiceError | None]:
    """The code of ``stamps`` that matches 附件6 as it prints now, or why the scan is of
    another document, unit or version (naming it), as for 附件5. Under the row lock."""
    current = form6_stamp(report)
    content = form6_content(report)
    refusals = ScanRefusals(
        wrong_document=_(
            "该扫描件是%(kind)s %(number)s（第 %(version)s 版），不是成果统计表（附件6）。"
        ),
        other_document=_(
            "该扫描件是另一份成果统计表（编号 %(number)s，第 %(version)s 版），"
            "不是本单位本年度的成果统计表（%(own)s）。"
        ),
        outdated=_(
            "该扫描件是本成果统计表第 %(version)s 版，此后统计表上打印的内容已修改"
            "（当前为第 %(current)s 版）。请下载最新的成果统计表，盖章后重新上传。"
        ),
    )
    return scan_match(
        stamps,
        kind=DocumentKind.STATISTICS,
        number=current.number,
        version=current.version,
        content=content,
        refusals=refusals,
    )


def statistics_upload_scan(
    *, actor: User, report: StatisticsReport, file: UploadedFile
) -> StatisticsReport:
    """The stamped 附件6 (printed, stamped, scanned); a new upload replaces the old one.
    The same mechanism as 附件5's (``recommendation.services.report_upload_scan``): its
    QR code is checked against 附件6 as it prints now (docs/rules.md, "The stamp check");
    a scan of another document or version is refused, an unreadable code accepted as
    未能核验."""
    require_unit_admin(actor, report.unit_id)
    with stamped_scan_upload(report, file) as scan:
        locked = scan.locked
        _require_open(locked)
        require_window(locked.campaign, locked.unit_id)
        matched: Stamp | None = None
        if scan.stamps:
            matched, refusal = _statistics_scan_refusal(locked, scan.stamps)
            if refusal is not None:
                raise refusal
        store_stamped_scan(
            locked,
            file,
            ext=scan.ext,
            matched=matched,
            stored=scan.stored,
            extra_fields=("updated_at",),
        )
        audit_record(
            actor=actor,
            action="reports.statistics_scan",
            obj=locked,
            changes=stamped_scan_changes(locked, file),
        )
    return locked


def statistics_problems(report: StatisticsReport) -> dict[str, str]:
    """What 附件6 still lacks, or contradicts, before it can be submitted."""
    problems: dict[str, str] = {}
    scan = statistics_scan_refusal(report)
    if scan is not None and scan.field:
        problems[scan.field] = scan.message
    for _number, name, _unit in selectors.COUNTED_ITEMS:
        if getattr(report, name) is None:
            problems[name] = _("请填写此项（没有请填 0）。")
    if report.has_certified_judges is None:
        problems["has_certified_judges"] = _("请选择是否有取得中国质协评委证书的人员。")
    elif report.has_certified_judges and not report.certified_judges:
        problems["certified_judges"] = _("选择“有”时请填写人数。")
    elif not report.has_certified_judges and report.certified_judges:
        problems["certified_judges"] = _("选择“无”时人数应为空。")
    if not report.features_and_problems.strip():
        problems["features_and_problems"] = _("请填写本年度活动的主要特点与问题。")
    if not report.review_forms:
        problems["review_forms"] = _("请至少选择一种评审及交流形式。")
    if report.session_held is None:
        problems["session_held"] = _("请选择是否组织发表会。")
    elif report.session_held:
        for name in SESSION_FIELDS:
            if getattr(report, name) in (None, ""):
                problems[name] = _("组织了发表会时请填写此项。")
    for name, message in (
        ("department_and_head", _("请填写归口部门及负责人。")),
        ("contact_name", _("请填写联系人。")),
        ("contact_mobile", _("请填写联系人手机。")),
        ("contact_email", _("请填写联系人邮箱。")),
        ("address", _("请填写通信地址。")),
        ("postcode", _("请填写邮编。")),
        ("filler_name", _("请填写填表人。")),
        ("fill_date", _("请填写填表日期。")),
    ):
        if not getattr(report, name):
            problems[name] = message
    # Figures that cannot both be true.
    teams = report.teams
    if teams is not None and report.enterprises is not None and report.enterprises > teams:
        problems.setdefault("enterprises", _("企业数不应多于班组数。"))
    if teams is not None and report.recommended is not None and report.recommended > teams:
        problems.setdefault("recommended", _("推荐数不应多于本年度开展的班组数。"))
    if (
        teams is not None
        and report.cumulative_teams is not None
        and report.cumulative_teams < teams
    ):
        problems.setdefault("cumulative_teams", _("历年累计数不应少于本年度班组数。"))
    if (
        report.session_held
        and report.session_registered_teams is not None
        and report.session_presented_teams is not None
        and report.session_presented_teams > report.session_registered_teams
    ):
        problems.setdefault("session_presented_teams", _("发表班组数不应多于报名班组数。"))
    return problems


def _next_number(campaign: Campaign) -> str:
    """编号: the year and the order of submission ("2026-TJ-003")."""
    taken = StatisticsReport.objects.filter(campaign=campaign).exclude(number="").count()
    return f"{campaign.year}-TJ-{taken + 1:03d}"


def statistics_submit(*, actor: User, report: StatisticsReport) -> StatisticsReport:
    require_unit_admin(actor, report.unit_id)
    with transaction.atomic():
        locked = (
            StatisticsReport.objects.select_for_update()
            .select_related("campaign", "unit")
            .get(pk=report.pk)
        )
        _require_open(locked)
        require_window(locked.campaign, locked.unit_id)
        problems = statistics_problems(locked)
        if problems:
            raise Incomplete(_("成果统计表还不完整，不能报送。"), problems)
        # Numbers are handed out in submission order: lock the year's reports first.
        list(
            StatisticsReport.objects.select_for_update()
            .filter(campaign=locked.campaign)
            .values_list("pk", flat=True)
        )
        if not locked.number:
            locked.number = _next_number(locked.campaign)
        locked.status = FilingStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by = actor
        locked.save(update_fields=["number", "status", "submitted_at", "submitted_by"])
        figures = selectors.platform_figures(unit=locked.unit, campaign=locked.campaign)
        audit_record(
            actor=actor,
            action="reports.statistics_submit",
            obj=locked,
            changes={
                "number": locked.number,
                "differs_from_platform": selectors.differences(locked, figures),
            },
        )
    return locked


# --- 附件7 推进工作总结 ---------------------------------------------------------------------


def work_summary_for(
    *, unit: RecommendingUnit, campaign: Campaign, lock: bool = False
) -> WorkSummary:
    WorkSummary.objects.get_or_create(unit=unit, campaign=campaign)
    qs = WorkSummary.objects.select_related("unit", "campaign")
    if lock:
        qs = qs.select_for_update()
    return qs.get(unit=unit, campaign=campaign)


MAX_EVENTS = 200


def summary_save(
    *,
    actor: User,
    summary: WorkSummary,
    data: dict[str, Any],
    events: Sequence[dict[str, Any]] | None = None,
) -> WorkSummary:
    """Save the draft: the section texts in ``data`` and, when given, the whole table of
    events (it replaces the previous rows, in the given order)."""
    require_unit_admin(actor, summary.unit_id)
    if events is not None and len(events) > MAX_EVENTS:
        raise ServiceError(
            _("活动列表最多 %(n)s 行。") % {"n": MAX_EVENTS}, code="too_many_events", field="events"
        )
    with transaction.atomic():
        locked = (
            WorkSummary.objects.select_for_update().select_related("campaign").get(pk=summary.pk)
        )
        _require_open(locked)
        require_window(locked.campaign, locked.unit_id)
        for name in SUMMARY_TEXT_FIELDS:
            if name in data:
                setattr(locked, name, data[name] or "")
        locked.version += 1
        locked.save()
        if events is not None:
            locked.events.all().delete()
            SummaryEvent.objects.bulk_create(
                SummaryEvent(
                    summary=locked,
                    position=position,
                    participants=row.get("participants"),
                    held_on=_as_date(row.get("held_on")),
                    **{
                        name: str(row.get(name) or "")
                        for name in EVENT_TEXT_FIELDS
                        if name != "held_on"
                    },
                )
                for position, row in enumerate(events, start=1)
            )
        audit_record(
            actor=actor,
            action="reports.summary_save",
            obj=locked,
            changes={
                "characters": selectors.summary_length(locked),
                "events": locked.events.count(),
            },
        )
    return locked


def summary_problems(summary: WorkSummary) -> dict[str, str]:
    problems: dict[str, str] = {}
    events = selectors.summary_events(summary)
    for name, message in (
        ("overview", _("请填写“一、基本情况”第1点。")),
        ("methods", _("请填写“二、推进经验和做法”第1点。")),
        ("highlights", _("请填写“二、推进经验和做法”第2点。")),
        ("problems", _("请填写“三、存在问题及改进方向”第1点。")),
        ("directions", _("请填写“三、存在问题及改进方向”第2点。")),
    ):
        if not getattr(summary, name).strip():
            problems[name] = message
    if not events:
        problems["events"] = _("请在“一、基本情况”第2点的列表中至少填写一项推进活动。")
    count = selectors.summary_length(summary, events)
    if count < selectors.MIN_SUMMARY_CHARS:
        problems["length"] = _(
            "工作总结目前 %(count)s 字，要求 %(min)s 字以上，还差 %(missing)s 字。"
        ) % {
            "count": f"{count:,}",
            "min": f"{selectors.MIN_SUMMARY_CHARS:,}",
            "missing": f"{selectors.MIN_SUMMARY_CHARS - count:,}",
        }
    return problems


def summary_submit(*, actor: User, summary: WorkSummary) -> WorkSummary:
    require_unit_admin(actor, summary.unit_id)
    with transaction.atomic():
        locked = (
            WorkSummary.objects.select_for_update()
            .select_related("campaign", "unit")
            .get(pk=summary.pk)
        )
        _require_open(locked)
        require_window(locked.campaign, locked.unit_id)
        problems = summary_problems(locked)
        if problems:
            message = problems.get("length") or _("工作总结还不完整，不能报送。")
            raise Incomplete(message, problems)
        locked.status = FilingStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by = actor
        locked.save(update_fields=["status", "submitted_at", "submitted_by"])
        audit_record(
            actor=actor,
            action="reports.summary_submit",
            obj=locked,
            changes={"characters": selectors.summary_length(locked)},
        )
    return locked


# --- staff ------------------------------------------------------------------------------------


def reminders_send(*, actor: User, campaign: Campaign) -> list[str]:
    """E-mail the admins of every active unit that has not filed 附件5, 6 or 7 of
    ``campaign``, naming what is missing; returns the units reminded (audited once)."""
    require_staff(actor)
    reminded: list[str] = []
    with transaction.atomic():
        for row in selectors.filing_rows(campaign):
            if not row.missing or not row.admins:
                continue
            notify_after_commit(
                to=row.admins,
                template="reports_reminder",
                context={
                    "unit_name": row.unit.name,
                    "year": campaign.year,
                    "missing": join_items(row.missing),
                    "link": settings.SITE_URL.rstrip("/")
                    + reverse("reports:unit", kwargs={"unit_pk": row.unit.pk}),
                },
            )
            reminded.append(row.unit.name)
        audit_record(
            actor=actor,
            action="reports.remind",
            obj=campaign,
            changes={"units": reminded, "count": len(reminded)},
        )
    return reminded
