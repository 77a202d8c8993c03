"""The ranking and the recommendation list within the quota."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Status

from xinban.api import labels
from xinban.api.auth import current_user, scoped
from xinban.api.common import RecommendationId, UnitId, error_responses, require_campaign
from xinban.api.errors import InvalidInput, ensure_valid
from xinban.api.payloads import form_data
from xinban.api.presenters import ranking_row_out, recommendation_out
from xinban.api.routers.unit.base import _invalid_choice, _unit, router
from xinban.api.schemas import OrderIn, RankingOut, RecommendationOut, RecommendIn
from xinban.applications.models import Application
from xinban.campaigns.models import Campaign
from xinban.organisations.models import RecommendingUnit
from xinban.recommendation import selectors, services
from xinban.recommendation.forms import RecommendForm
from xinban.recommendation.models import Recommendation
from xinban.scoring.models import Stage
from xinban.scoring.services import rubric_for


@router.get(
    "/units/{unit_id}/ranking",
    response={200: RankingOut, **error_responses(404, 422)},
    summary="按评委评分排名",
    description=(
        "5 位及以上评委时去掉一个最高分和一个最低分后取平均；评委打分差异较大的标记为“分歧较大”。"
    ),
)
def ranking(
    request: HttpRequest,
    unit_id: UnitId,
    normalise: bool | None = Query(  # noqa: B008
        None,
        title=labels.NORMALISED,
        description="按评委标准化（抵消评委打分偏严或偏松）；省略时按本年度评分细则的设置",
    ),
) -> RankingOut:
    user = current_user(request)
    unit = _unit(user, unit_id)
    campaign = require_campaign()
    if normalise is None:
        normalise = rubric_for(campaign=campaign, stage=Stage.UNIT).normalise_judges
    rows = selectors.unit_ranking(unit=unit, campaign=campaign, normalise=normalise)
    report = selectors.unit_report(unit=unit, campaign=campaign)
    return RankingOut(
        normalise=normalise,
        quota=services.quota_for(unit=unit, campaign=campaign),
        locked=bool(report and report.is_locked),
        rows=[ranking_row_out(row, minimum=campaign.min_unit_judge_sheets) for row in rows],
    )


def _recommendations(unit: RecommendingUnit, campaign: Campaign) -> list[RecommendationOut]:
    report = selectors.unit_report(unit=unit, campaign=campaign)
    return [recommendation_out(r) for r in report.recommendations.all()] if report else []


@router.post(
    "/units/{unit_id}/recommendations",
    response={201: RecommendationOut, **error_responses(400, 403, 404, 409, 422)},
    summary="加入推荐名单（填写推荐意见）",
    description=(
        "每家申报单位最多推荐的班组数有名额（code: quota_reached），推荐的班组类型应有所差异"
        "（code: duplicate_team_type）。默认按得分排在名单中的位置，可再调整。"
    ),
    auth=scoped("units:write"),
)
def recommendation_add(
    request: HttpRequest, unit_id: UnitId, payload: RecommendIn
) -> Status[RecommendationOut]:
    user = current_user(request)
    unit = _unit(user, unit_id, admin=True)
    data, type_errors = form_data(payload, RecommendForm)
    application: Application | None = None
    raw_id = payload.application_id
    if raw_id is None:
        type_errors["application_id"] = [str(forms.Field.default_error_messages["required"])]
    elif isinstance(raw_id, bool) or not isinstance(raw_id, int):
        type_errors["application_id"] = [_("格式不正确。")]
    else:
        try:
            application = selectors.unit_application_get(unit=unit, pk=raw_id)
        except Http404:
            type_errors["application_id"] = [_invalid_choice(raw_id)]
    form = RecommendForm(data)
    ensure_valid(form, type_errors)
    assert application is not None
    recommendation = services.recommend(
        actor=user, application=application, opinion=form.cleaned_data["opinion"]
    )
    fresh = Recommendation.objects.select_related(
        "application__organisation", "application__team_type"
    ).get(pk=recommendation.pk)
    return Status(201, recommendation_out(fresh))


# Registered before ".../recommendations/{recommendation_id}": a path id is any text until
# its type is checked, so "order" would otherwise match that route (and get 405).
@router.put(
    "/units/{unit_id}/recommendations/order",
    response={200: list[RecommendationOut], **error_responses(400, 403, 404, 409, 422)},
    summary="调整推荐名单的顺序",
    description="ids 须恰好为名单中全部推荐的 id（否则 code: order_mismatch）。",
    auth=scoped("units:write"),
)
def recommendation_order(
    request: HttpRequest, unit_id: UnitId, payload: OrderIn
) -> list[RecommendationOut]:
    user = current_user(request)
    unit = _unit(user, unit_id, admin=True)
    campaign = require_campaign()
    ids = payload.ids
    if ids is None:
        raise InvalidInput({"ids": [str(forms.Field.default_error_messages["required"])]})
    if not isinstance(ids, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in ids
    ):
        raise InvalidInput({"ids": [_("应为编号列表，如 [1, 2]。")]})
    report = services.report_for(unit=unit, campaign=campaign)
    services.recommendation_reorder(actor=user, report=report, ordered_ids=ids)
    return _recommendations(unit, campaign)


@router.delete(
    "/units/{unit_id}/recommendations/{recommendation_id}",
    response={204: None, **error_responses(403, 404, 409)},
    summary="移出推荐名单",
    auth=scoped("units:write"),
)
def recommendation_remove(
    request: HttpRequest, unit_id: UnitId, recommendation_id: RecommendationId
) -> Status[None]:
    user = current_user(request)
    unit = _unit(user, unit_id, admin=True)
    recommendation = (
        Recommendation.objects.select_related("report", "application")
        .filter(pk=recommendation_id, report__unit=unit)
        .first()
    )
    if recommendation is None:
        raise Http404
    services.unrecommend(actor=user, recommendation=recommendation)
    return Status(204, None)
