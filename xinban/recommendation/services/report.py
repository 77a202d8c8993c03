"""The unit's 推荐表 (附件5): its fields, what must hold before it is filed, and filing it."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.lifecycle import Notice, transition
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign, PhaseKind
from xinban.campaigns.selectors import phase_is_open
from xinban.core.audit import audit_record
from xinban.core.errors import ServiceError, WindowClosed
from xinban.core.rulebook import Refusal, enforce
from xinban.notifications.delivery import organisation_emails
from xinban.recommendation.models import ReportStatus, UnitRecommendationReport
from xinban.recommendation.services.guards import (
    _require_open_report,
    require_recommendation_window,
    require_unit_admin,
)
from xinban.scoring.models import Judge, ScoreSheet, SheetStatus, Stage

REPORT_FIELDS = [
    "filler_name",
    "filler_phone",
    "fill_date",
    "no_fee_declared",
    "declaration_accepted",
]


def fill_date_refusal(campaign: Campaign, value: date | None) -> Refusal | None:
    """Rule 11: 附件5's 填表日期 is a date within the campaign's year."""
    if value is None or value.year == campaign.year:
        return None
    return Refusal(
        _("填表日期应在 %(year)s 年内。") % {"year": campaign.year},
        code="fill_date_year",
        field="fill_date",
        error=ServiceError,
    )


def report_save(
    *, actor: User, report: UnitRecommendationReport, data: dict[str, Any]
) -> UnitRecommendationReport:
    require_unit_admin(actor, report.unit_id)
    with transaction.atomic():
        locked = UnitRecommendationReport.objects.select_for_update().get(pk=report.pk)
        _require_open_report(locked)
        require_recommendation_window(locked.campaign, locked.unit_id)
        if "fill_date" in data:
            enforce(fill_date_refusal(locked.campaign, data["fill_date"]))
        for name in REPORT_FIELDS:
            if name in data:
                setattr(locked, name, data[name])
        locked.version += 1
        locked.save()
        audit_record(
            actor=actor,
            action="unit.report_save",
            obj=locked,
            changes={k: data.get(k) for k in REPORT_FIELDS if k in data},
        )
    return locked


def report_scores_refusal(report: UnitRecommendationReport) -> Refusal | None:
    """Rule 2: every recommended row of 附件5 carries the judges' score."""
    if report.pk is None:
        return None
    recommended = list(
        report.recommendations.order_by("position").values_list(
            "application_id", "application__team_name"
        )
    )
    scored = set(
        ScoreSheet.objects.filter(
            application_id__in=[pk for pk, _name in recommended],
            stage=Stage.UNIT,
            status=SheetStatus.SUBMITTED,
            total__isnull=False,
        ).values_list("application_id", flat=True)
    )
    missing = [name for pk, name in recommended if pk not in scored]
    if not missing:
        return None
    return Refusal(
        _("以下推荐班组还没有评委评分：%(teams)s。") % {"teams": "、".join(missing)},
        code="scores_missing",
        field="scores",
    )


def report_judges_refusal(report: UnitRecommendationReport) -> Refusal | None:
    """Rule 2: every judge listed on 附件5 (the unit's panel) has a TGQ 评委证书号."""
    missing = list(
        Judge.objects.filter(unit_panels__unit_id=report.unit_id, tgq_number="")
        .order_by("name", "pk")
        .values_list("name", flat=True)
    )
    if not missing:
        return None
    return Refusal(
        _("以下评委未填写 TGQ评委证书号：%(judges)s。") % {"judges": "、".join(missing)},
        code="tgq_missing",
        field="judges",
    )


def report_warnings(report: UnitRecommendationReport) -> list[str]:
    """ "原则上每家申报单位推荐的成果数量为2-3个": one recommended team for an organisation
    is allowed, and said on the 附件5 page (rule 2, docs/rules.md)."""
    if report.pk is None:
        return []
    counts = Counter(
        report.recommendations.values_list("application__organisation__name", flat=True)
    )
    return [
        _("%(org)s 只推荐了 1 个班组；原则上每家申报单位推荐 2-3 个。") % {"org": org}
        for org, n in sorted(counts.items())
        if n == 1
    ]


def report_problems(report: UnitRecommendationReport) -> dict[str, str]:
    problems: dict[str, str] = {}
    if report.pk is None or not report.recommendations.exists():
        problems["recommendations"] = _("推荐名单为空。")
    for refusal in (report_scores_refusal(report), report_judges_refusal(report)):
        if refusal is not None and refusal.field:
            problems[refusal.field] = refusal.message
    for name, message in (
        ("filler_name", _("请填写填表人。")),
        ("filler_phone", _("请填写电话。")),
        ("fill_date", _("请填写填表日期。")),
    ):
        if not getattr(report, name):
            problems[name] = message
    if not report.no_fee_declared:
        problems["no_fee_declared"] = _("请确认未向参与单位和班组收取任何费用。")
    if not report.declaration_accepted:
        problems["declaration_accepted"] = _("请确认推荐声明。")
    if not report.stamped_scan:
        problems["stamped_scan"] = _("请上传加盖公章的推荐表扫描件。")
    return problems


def report_list_refusal(report: UnitRecommendationReport) -> Refusal | None:
    """Every team on the list is still submitted (not returned for correction, not
    withdrawn)."""
    if report.pk is None or not (
        report.recommendations.exclude(application__state=ApplicationState.SUBMITTED).exists()
    ):
        return None
    return Refusal(_("推荐名单中有退回修改或已撤回的申报，请先处理。"), code="returned_in_list")


def report_submit_refusal(report: UnitRecommendationReport) -> Refusal | None:
    """Whether 附件5 may be filed now (transition ``recommend``; docs/rules.md, "The
    application's lifecycle"): open, in the recommendation window, complete
    (:func:`report_problems`, listed on the page) and every listed team still submitted.
    The page offers the 报送 button only when this is ``None``."""
    if report.is_locked:
        return Refusal(_("本单位的推荐表已报送质协，不能再修改。"), code="report_locked")
    if not phase_is_open(
        campaign=report.campaign, kind=PhaseKind.RECOMMENDATION, unit_id=report.unit_id
    ):
        return Refusal(_("成果推荐不在开放时间内。"), code="window_closed", error=WindowClosed)
    if report_problems(report):
        return Refusal(_("推荐表还不完整，不能报送。"), code="incomplete")
    return report_list_refusal(report)


class ReportIncomplete(ServiceError):
    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(_("推荐表还不完整，不能报送。"), code="incomplete")
        self.problems = problems


def report_submit(*, actor: User, report: UnitRecommendationReport) -> UnitRecommendationReport:
    """Submit the recommendation to the association: it locks the list; recommended
    applications become 已推荐, the unit's other submitted ones 未推荐; applicants are told."""
    require_unit_admin(actor, report.unit_id)
    with transaction.atomic():
        locked = (
            UnitRecommendationReport.objects.select_for_update()
            .select_related("campaign", "unit")
            .get(pk=report.pk)
        )
        _require_open_report(locked)
        require_recommendation_window(locked.campaign, locked.unit_id)
        problems = report_problems(locked)
        if problems:
            raise ReportIncomplete(problems)
        recommended_ids = set(locked.recommendations.values_list("application_id", flat=True))
        pending = list(
            Application.objects.select_for_update().filter(
                recommending_unit=locked.unit,
                campaign=locked.campaign,
                state__in=[ApplicationState.SUBMITTED, ApplicationState.RETURNED],
            )
        )
        enforce(report_list_refusal(locked))
        for application in pending:
            recommended = application.pk in recommended_ids
            transition(
                application,
                via="recommend",
                to=ApplicationState.RECOMMENDED
                if recommended
                else ApplicationState.NOT_RECOMMENDED,
                actor=actor,
                action="application.recommended" if recommended else "application.not_recommended",
                notice=Notice(
                    to=organisation_emails(application.organisation_id),
                    template="application_recommended"
                    if recommended
                    else "application_not_recommended",
                    context={"application": application, "unit": locked.unit},
                ),
            )
        locked.status = ReportStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by = actor
        locked.save(update_fields=["status", "submitted_at", "submitted_by"])
        audit_record(
            actor=actor,
            action="unit.report_submit",
            obj=locked,
            changes={"recommended": len(recommended_ids)},
        )
    return locked
