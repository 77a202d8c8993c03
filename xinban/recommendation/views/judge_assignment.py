"""Assigning the unit's judges to an application, removing an assignment, spreading the
applications evenly."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinban.core.actions import perform
from xinban.core.errors import ServiceError
from xinban.core.http import AuthenticatedHttpRequest
from xinban.recommendation import selectors, services
from xinban.recommendation.forms import AssignForm, SpreadForm
from xinban.recommendation.views.common import _back_to_application, _campaign, _unit
from xinban.scoring.models import ScoreSheet, Stage


@login_required
@require_POST
def assign(request: AuthenticatedHttpRequest, unit_pk: int, pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk, admin=True)
    app = selectors.unit_application_get(unit=unit, pk=pk)
    form = AssignForm(request.POST, judges=selectors.unit_panel(unit=unit))
    if form.is_valid():
        perform(
            request,
            lambda: services.assignment_add(
                actor=request.user, application=app, judge=form.cleaned_data["judge"]
            ),
            _("已分配评委。"),
        )
    else:
        messages.error(request, _("请选择评委。"))
    return _back_to_application(unit, pk)


@login_required
@require_POST
def unassign(request: AuthenticatedHttpRequest, unit_pk: int, sheet_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk, admin=True)
    sheet = get_object_or_404(
        ScoreSheet, pk=sheet_pk, stage=Stage.UNIT, application__recommending_unit=unit
    )
    perform(
        request,
        lambda: services.assignment_remove(actor=request.user, sheet=sheet),
        _("已取消分配。"),
    )
    return _back_to_application(unit, sheet.application_id)


@login_required
@require_POST
def spread(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk, admin=True)
    form = SpreadForm(request.POST)
    if form.is_valid():
        try:
            made = services.assignment_spread_evenly(
                actor=request.user,
                unit=unit,
                campaign=_campaign(),
                per_application=form.cleaned_data["per_application"],
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已平均分配 %(n)s 项评审任务。") % {"n": made})
    else:
        messages.error(request, _("请填写 1 到 15 之间的人数。"))
    return redirect("recommendation:inbox", unit_pk=unit.pk)
