"""The unit's recommendation list within its quota: recommending, withdrawing a
recommendation, the order of the list and the quota staff set."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign
from xinban.core.audit import audit_record
from xinban.core.errors import NotAllowed, ServiceError, WrongState
from xinban.core.rulebook import enforce
from xinban.organisations.models import Organisation, RecommendingUnit
from xinban.recommendation.models import Recommendation, UnitQuota, UnitRecommendationReport
from xinban.recommendation.selectors import unit_ranking
from xinban.recommendation.services.guards import (
    _lock_application,
    _require_open_report,
    report_for,
    require_recommendation_window,
    require_staff,
    require_unit_admin,
)
from xinban.recommendation.services.unit_review import review_refusal
from xinban.scoring.models import Stage
from xinban.scoring.services import rubric_for


def quota_for(*, unit: RecommendingUnit, campaign: Campaign) -> int:
    row = UnitQuota.objects.filter(unit=unit, campaign=campaign).first()
    return row.per_organisation if row else campaign.default_recommend_quota


def quota_set(
    *, actor: User, unit: RecommendingUnit, campaign: Campaign, per_organisation: int, reason: str
) -> UnitQuota:
    require_staff(actor)
    if per_organisation < 1:
        raise ServiceError(_("名额至少为 1。"), code="bad_quota", field="per_organisation")
    with transaction.atomic():
        quota, _created = UnitQuota.objects.update_or_create(
            unit=unit,
            campaign=campaign,
            defaults={"per_organisation": per_organisation, "reason": reason},
        )
        audit_record(
            actor=actor,
            action="unit.quota_set",
            obj=unit,
            changes={"year": campaign.year, "per_organisation": per_organisation, "reason": reason},
        )
    return quota


def recommend(
    *, actor: User, application: Application, opinion: str, position: int | None = None
) -> Recommendation:
    """Put an application on the unit's recommendation list, within the per-organisation
    quota. Locking the organisation row makes two people recommending at the same moment
    wait for each other, so the quota holds."""
    unit = application.recommending_unit
    require_unit_admin(actor, unit.pk)
    if not opinion.strip():
        raise ServiceError(_("请填写推荐意见。"), code="opinion_required", field="opinion")
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=application.organisation_id)
        current = _lock_application(application)
        if current.recommending_unit_id != unit.pk:
            raise NotAllowed(_("申报不属于本推荐单位。"), code="foreign_application")
        if current.state != ApplicationState.SUBMITTED:
            raise WrongState(_("只能推荐已提交的申报。"), code="wrong_state")
        require_recommendation_window(current.campaign, unit.pk)
        report = report_for(unit=unit, campaign=current.campaign, lock=True)
        _require_open_report(report)
        enforce(review_refusal(current))
        if Recommendation.objects.filter(application=current).exists():
            raise ServiceError(_("该申报已在推荐名单中。"), code="already_recommended")
        siblings = Recommendation.objects.filter(
            report=report, application__organisation_id=current.organisation_id
        )
        quota = quota_for(unit=unit, campaign=current.campaign)
        if siblings.count() >= quota:
            raise ServiceError(
                _("每家申报单位最多推荐 %(n)s 个班组，%(org)s 已达名额。")
                % {"n": quota, "org": current.organisation.name},
                code="quota_reached",
            )
        existing = list(report.recommendations.order_by("position", "id"))
        if position is None:
            position = _position_by_score(report, current, existing)
        for rec in existing:
            if rec.position >= position:
                rec.position += 1
                rec.save(update_fields=["position"])
        recommendation = Recommendation.objects.create(
            report=report,
            application=current,
            opinion=opinion.strip(),
            position=position,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="unit.recommend",
            obj=current,
            changes={"opinion": opinion, "position": position},
        )
    return recommendation


def _position_by_score(
    report: UnitRecommendationReport, application: Application, existing: list[Recommendation]
) -> int:
    """The default order comes from the ranking: the new recommendation goes before the
    first one ranked below it; hand-made reordering of the others is kept."""
    rubric = rubric_for(campaign=report.campaign, stage=Stage.UNIT)
    rows = unit_ranking(
        unit=report.unit, campaign=report.campaign, normalise=rubric.normalise_judges
    )
    ranks = {row.application.pk: row.rank for row in rows}
    worst = float("inf")
    mine = ranks.get(application.pk) or worst
    for index, rec in enumerate(existing, start=1):
        if (ranks.get(rec.application_id) or worst) > mine:
            return index
    return len(existing) + 1


def unrecommend(*, actor: User, recommendation: Recommendation) -> None:
    report = recommendation.report
    require_unit_admin(actor, report.unit_id)
    with transaction.atomic():
        locked = UnitRecommendationReport.objects.select_for_update().get(pk=report.pk)
        _require_open_report(locked)
        require_recommendation_window(locked.campaign, locked.unit_id)
        application = recommendation.application
        recommendation.delete()
        _renumber(locked)
        audit_record(actor=actor, action="unit.unrecommend", obj=application)


def recommendation_reorder(
    *, actor: User, report: UnitRecommendationReport, ordered_ids: Sequence[int]
) -> None:
    """Adjust the order by hand (the default order comes from the score)."""
    require_unit_admin(actor, report.unit_id)
    with transaction.atomic():
        locked = UnitRecommendationReport.objects.select_for_update().get(pk=report.pk)
        _require_open_report(locked)
        require_recommendation_window(locked.campaign, locked.unit_id)
        current = {r.pk: r for r in locked.recommendations.all()}
        if sorted(ordered_ids) != sorted(current):
            raise ServiceError(_("排序列表与推荐名单不一致，请刷新后重试。"), code="order_mismatch")
        for position, rec_id in enumerate(ordered_ids, start=1):
            rec = current[rec_id]
            if rec.position != position:
                rec.position = position
                rec.save(update_fields=["position"])
        audit_record(
            actor=actor, action="unit.reorder", obj=locked, changes={"order": list(ordered_ids)}
        )


def _renumber(report: UnitRecommendationReport) -> None:
    for position, rec in enumerate(report.recommendations.order_by("position", "id"), start=1):
        if rec.position != position:
            rec.position = position
            rec.save(update_fields=["position"])
