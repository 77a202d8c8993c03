"""Reads for a recommending unit's pages (its applications, panel, report, 附件5). List
reads join what they show, so the pages run a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from xinban.accounts.models import User
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign
from xinban.core.roles import roles_of
from xinban.core.stamp import DocumentKind, Stamp, sign
from xinban.organisations.models import RecommendingUnit
from xinban.organisations.names import names_in_year
from xinban.recommendation.counts import applied_q, recommended_q
from xinban.recommendation.documents import (
    JudgeRow,
    RecommendationFormData,
    RecommendedRow,
    printed_content,
)
from xinban.recommendation.models import (
    PanelMember,
    Recommendation,
    UnitQuota,
    UnitRecommendationReport,
)
from xinban.recommendation.selectors.ranking import unit_ranking
from xinban.scoring.models import Judge, ScoreSheet, SheetStatus, Stage
from xinban.scoring.services import rubric_for

SORTS = {
    "number": "number",
    "organisation": "organisation__name",
    "team": "team_name",
    "submitted": "-submitted_at",
    "state": "state",
}


def unit_get_for(*, user: User, pk: int) -> RecommendingUnit:
    """The unit if the user is its member or staff; 404 otherwise."""
    roles = roles_of(user)
    if pk not in roles.unit_ids and not roles.is_staff:
        raise Http404
    unit = RecommendingUnit.objects.filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


def unit_applications(
    *,
    unit: RecommendingUnit,
    campaign: Campaign,
    q: str = "",
    state: str = "",
    sort: str = "number",
) -> QuerySet[Application]:
    qs = (
        Application.objects.filter(
            recommending_unit=unit, campaign=campaign, submitted_at__isnull=False
        )
        .select_related("organisation", "team_type", "unit_note", "recommendation")
        .annotate(
            sheets_total=Count("score_sheets", filter=Q(score_sheets__stage=Stage.UNIT)),
            sheets_done=Count(
                "score_sheets",
                filter=Q(
                    score_sheets__stage=Stage.UNIT, score_sheets__status=SheetStatus.SUBMITTED
                ),
            ),
        )
    )
    if q:
        qs = qs.filter(
            Q(number__icontains=q) | Q(team_name__icontains=q) | Q(organisation__name__icontains=q)
        )
    if state in ApplicationState.values:
        qs = qs.filter(state=state)
    return qs.order_by(SORTS.get(sort, "number"), "number")


def unit_application_get(*, unit: RecommendingUnit, pk: int) -> Application:
    application = (
        Application.objects.select_related(
            "organisation", "team_type", "campaign", "recommending_unit"
        )
        .filter(pk=pk, recommending_unit=unit, submitted_at__isnull=False)
        .first()
    )
    if application is None:
        raise Http404
    return application


def unit_panel(*, unit: RecommendingUnit) -> list[Judge]:
    return list(Judge.objects.filter(unit_panels__unit=unit).order_by("name", "pk"))


def unit_sheets_of(application: Application) -> list[ScoreSheet]:
    return list(
        ScoreSheet.objects.filter(application=application, stage=Stage.UNIT)
        .select_related("judge")
        .prefetch_related("scores")
        .order_by("judge__name")
    )


def unit_report_state(*, unit: RecommendingUnit, campaign: Campaign) -> tuple[str | None, int]:
    """The unit's report status (None before its first recommendation) and its quota per
    applicant organisation, in one query."""
    quota = UnitQuota.objects.filter(unit=unit, campaign=campaign).values("per_organisation")
    row = (
        RecommendingUnit.objects.filter(pk=unit.pk)
        .annotate(
            report_status=Subquery(
                UnitRecommendationReport.objects.filter(unit=unit, campaign=campaign).values(
                    "status"
                )[:1]
            ),
            quota=Subquery(quota[:1]),
        )
        .values("report_status", "quota")
        .first()
    )
    status = row["report_status"] if row else None
    per_organisation = row["quota"] if row and row["quota"] is not None else None
    return status, (
        per_organisation if per_organisation is not None else campaign.default_recommend_quota
    )


def unit_report_status(*, unit: RecommendingUnit, campaign: Campaign) -> str | None:
    return (
        UnitRecommendationReport.objects.filter(unit=unit, campaign=campaign)
        .values_list("status", flat=True)
        .first()
    )


def units_for_staff(
    *, campaign: Campaign
) -> list[tuple[RecommendingUnit, UnitRecommendationReport | None]]:
    """推荐单位 (the staff's list, recommendation:staff_units, and its export): every
    unit, each annotated with ``received`` (its applications of the year submitted and
    not withdrawn) and ``recommended`` (on its recommendation list, filed or not: docs/rules.md,
    "Counts"), with its 附件5 of the year or ``None``. Two queries."""
    units = RecommendingUnit.objects.annotate(
        received=Count(
            "applications",
            filter=Q(applications__campaign=campaign) & applied_q("applications__"),
        ),
        recommended=Count(
            "applications",
            filter=Q(applications__campaign=campaign) & recommended_q("applications__"),
        ),
    ).order_by("position", "name")
    reports = {r.unit_id: r for r in UnitRecommendationReport.objects.filter(campaign=campaign)}
    return [(u, reports.get(u.pk)) for u in units]


def unit_report(*, unit: RecommendingUnit, campaign: Campaign) -> UnitRecommendationReport | None:
    return (
        UnitRecommendationReport.objects.filter(unit=unit, campaign=campaign)
        .prefetch_related(
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.select_related(
                    "application__organisation", "application__team_type"
                ).order_by("position"),
            )
        )
        .first()
    )


def judge_sheets(*, user: User) -> QuerySet[ScoreSheet]:
    return (
        # The unit stage only: an expert's association sheets are on the expert pages.
        ScoreSheet.objects.filter(judge__user=user, stage=Stage.UNIT)
        .select_related(
            "application__organisation", "application__campaign", "application__recommending_unit"
        )
        .order_by("status", "application__number")
    )


def judge_sheet_get(*, user: User, pk: int) -> ScoreSheet:
    sheet = (
        ScoreSheet.objects.select_related(
            "judge", "application__organisation", "application__campaign", "application__team_type"
        )
        .filter(pk=pk, judge__user=user, stage=Stage.UNIT)
        .first()
    )
    if sheet is None:
        raise Http404
    return sheet


def panel_members(*, unit: RecommendingUnit) -> QuerySet[PanelMember]:
    return PanelMember.objects.filter(unit=unit).select_related("judge").order_by("judge__name")


def recommendation_form_data(
    *, unit: RecommendingUnit, campaign: Campaign
) -> RecommendationFormData:
    """附件5 as the unit has filled it: the recommended rows in order with the judges'
    evaluations, the judge list, and the signatory."""
    report = unit_report(unit=unit, campaign=campaign)
    recommendations = list(report.recommendations.all()) if report else []
    app_ids = [r.application_id for r in recommendations]
    sheets_by_app: dict[int, list[ScoreSheet]] = {}
    for sheet in (
        ScoreSheet.objects.filter(
            stage=Stage.UNIT, status=SheetStatus.SUBMITTED, application_id__in=app_ids
        )
        .select_related("judge")
        .order_by("judge__name")
    ):
        sheets_by_app.setdefault(sheet.application_id, []).append(sheet)
    # The same scores as the ranking page (normalised when the rubric says so).

    rubric = rubric_for(campaign=campaign, stage=Stage.UNIT)
    scores = {
        row.application.pk: row.score
        for row in unit_ranking(unit=unit, campaign=campaign, normalise=rubric.normalise_judges)
    }

    def joined(sheets: list[ScoreSheet], field: str) -> str:
        return "；".join(
            f"{s.judge.name}：{getattr(s, field)}" for s in sheets if getattr(s, field)
        )

    # Each organisation under its name of the form's year (docs/rules.md, rule 14).
    names = names_in_year(
        {r.application.organisation_id: r.application.organisation.name for r in recommendations},
        campaign.year,
    )
    rows = []
    for rec in recommendations:
        app = rec.application
        sheets = sheets_by_app.get(app.pk, [])
        score = scores.get(app.pk)
        rows.append(
            RecommendedRow(
                enterprise=names[app.organisation_id],
                team=app.team_name,
                team_size=app.team_size,
                conformity=joined(sheets, "conformity"),
                features=joined(sheets, "features"),
                shortcomings=joined(sheets, "shortcomings"),
                score="" if score is None else str(score),
                rank=rec.position,
                judges="、".join(s.judge.name for s in sheets),
                opinion=rec.opinion,
            )
        )
    judges = [
        JudgeRow(
            name=j.name,
            employer=j.employer,
            tgq_number=j.tgq_number,
            address=j.address,
            email=j.email,
            mobile=j.mobile,
        )
        for j in unit_panel(unit=unit)
    ]
    return RecommendationFormData(
        year=campaign.year,
        unit=unit.name,
        rows=rows,
        judges=judges,
        filler_name=report.filler_name if report else "",
        filler_phone=report.filler_phone if report else "",
        fill_date=report.fill_date.isoformat() if report and report.fill_date else "",
    )


def report_number(*, unit: RecommendingUnit, campaign: Campaign) -> str:
    """附件5's number in its code: the year and the unit."""
    return f"{campaign.year}-{unit.pk}"


def recommendation_form_stamp(
    *, unit: RecommendingUnit, campaign: Campaign, data: RecommendationFormData
) -> Stamp:
    """The code printed on 附件5 as generated now (docs/rules.md, "The stamp check"): the
    report's number, its version and the HMAC of what the form prints."""
    report = unit_report(unit=unit, campaign=campaign)
    return sign(
        DocumentKind.RECOMMENDATION,
        report_number(unit=unit, campaign=campaign),
        report.version if report else 0,
        printed_content(data),
    )


@dataclass(frozen=True)
class JudgeBehind:
    judge: Judge
    assigned: int
    submitted: int


def judges_behind(*, unit: RecommendingUnit, campaign: Campaign) -> list[JudgeBehind]:
    """The unit's judges who still have sheets of the year to submit (the counts of the
    评委 page: assigned and submitted unit-stage sheets), most open sheets first."""
    rows = (
        Judge.objects.filter(
            sheets__stage=Stage.UNIT,
            sheets__application__recommending_unit=unit,
            sheets__application__campaign=campaign,
        )
        .annotate(
            assigned=Count("sheets"),
            submitted=Count("sheets", filter=Q(sheets__status=SheetStatus.SUBMITTED)),
        )
        .order_by("name", "pk")
    )
    behind = [
        JudgeBehind(judge=j, assigned=j.assigned, submitted=j.submitted)  # type: ignore[attr-defined]
        for j in rows
        if j.submitted < j.assigned  # type: ignore[attr-defined]
    ]
    return sorted(behind, key=lambda b: b.submitted - b.assigned)
