"""Staff's evaluation home: the year's counts by state, its rounds and panel size."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from xinban.applications.models import Application, ApplicationState
from xinban.core.http import AuthenticatedHttpRequest
from xinban.evaluation import selectors
from xinban.evaluation.models import ExpertPanelMember
from xinban.evaluation.views.common import campaign_or_404, require_staff


@login_required
def staff_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_staff(request)
    campaign = campaign_or_404()
    counts = dict.fromkeys(ApplicationState.values, 0)
    for state in Application.objects.filter(campaign=campaign).values_list("state", flat=True):
        counts[state] += 1
    return render(
        request,
        "evaluation/staff_home.html",
        {
            "campaign": campaign,
            "counts": counts,
            "rounds": selectors.rounds_of(campaign),
            "panel_size": ExpertPanelMember.objects.filter(campaign=campaign).count(),
        },
    )
