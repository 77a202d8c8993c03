"""What the unit's pages share: the unit the user may see (404 otherwise, 403 without the
admin role where asked), the current campaign, the way back to an application."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from xinban.campaigns.models import Campaign
from xinban.campaigns.selectors import campaign_current
from xinban.core.http import AuthenticatedHttpRequest
from xinban.core.roles import roles_of
from xinban.organisations.models import RecommendingUnit
from xinban.recommendation import documents, selectors


def _unit(
    request: AuthenticatedHttpRequest, unit_pk: int, *, admin: bool = False
) -> RecommendingUnit:
    unit = selectors.unit_get_for(user=request.user, pk=unit_pk)
    if admin and unit.pk not in roles_of(request.user).unit_admin_ids:
        raise PermissionDenied
    return unit


def _campaign() -> Campaign:
    campaign = campaign_current()
    if campaign is None:
        raise Http404
    return campaign


def _back_to_application(unit: RecommendingUnit, pk: int) -> HttpResponse:
    return redirect("recommendation:application", unit_pk=unit.pk, pk=pk)


def _form_data(unit: RecommendingUnit) -> documents.RecommendationFormData:
    return selectors.recommendation_form_data(unit=unit, campaign=_campaign())
