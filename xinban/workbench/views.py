"""工作台: where every signed-in person lands after log-in (settings.LOGIN_REDIRECT_URL).
Thin: the sections come from ``selectors.workbench_for``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from xinban.core.http import AuthenticatedHttpRequest
from xinban.workbench.selectors import workbench_for


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    workbench = workbench_for(request.user)
    return render(request, "workbench/home.html", {"workbench": workbench})
