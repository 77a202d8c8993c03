"""Where a unit's people start (their units) and association staff's list of all units."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from xinban.core.http import AuthenticatedHttpRequest
from xinban.core.roles import roles_of
from xinban.recommendation import selectors
from xinban.recommendation.views.common import _campaign


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    if roles.unit_ids:
        return redirect("recommendation:inbox", unit_pk=min(roles.unit_ids))
    if roles.is_staff:
        return redirect("recommendation:staff_units")
    raise Http404


@login_required
def staff_units(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not roles_of(request.user).is_staff:
        raise PermissionDenied
    campaign = _campaign()
    return render(
        request,
        "recommendation/staff_units.html",
        {"units": selectors.units_for_staff(campaign=campaign), "campaign": campaign},
    )
