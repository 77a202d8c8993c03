from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xinban.campaigns.selectors import campaign_current, phases_with_status


def home(request: HttpRequest) -> HttpResponse:
    campaign = campaign_current()
    phases = phases_with_status(campaign) if campaign else []
    return render(request, "core/home.html", {"campaign": campaign, "phases": phases})


def minimal(request: HttpRequest) -> HttpResponse:
    """The benchmark's baseline: a view that does nothing behind the same middleware."""
    return HttpResponse("ok", content_type="text/plain")
