"""What the evaluation's pages share: the current year (404 without one), the staff check
(403 to other signed-in users), form errors as messages, the year's applications that
reached the association."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign
from xinban.campaigns.selectors import campaign_current
from xinban.core.http import AuthenticatedHttpRequest
from xinban.evaluation import selectors


def campaign_or_404() -> Campaign:
    campaign = campaign_current()
    if campaign is None:
        raise Http404
    return campaign


def require_staff(request: AuthenticatedHttpRequest) -> None:
    """Staff pages: other signed-in users get 403 (the page exists, it is not theirs)."""
    if not request.user.has_perm("evaluation.manage"):
        raise PermissionDenied


def form_errors(request: AuthenticatedHttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else str(error))


def evaluation_application(campaign: Campaign, pk: int) -> Application:
    """An application of the year that has reached the association (recommended or
    later); anything else is 404 even for staff."""
    return get_object_or_404(
        Application.objects.select_related(
            "organisation", "recommending_unit", "team_type", "campaign"
        ),
        pk=pk,
        campaign=campaign,
        state__in=[ApplicationState.RECOMMENDED, *selectors.REVIEWED_STATES],
    )
