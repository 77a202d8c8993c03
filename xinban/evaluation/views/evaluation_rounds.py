"""Rounds of expert scoring: create one, move its deadline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xinban.core.actions import perform
from xinban.core.errors import ServiceError
from xinban.core.forms import add_service_error
from xinban.core.http import AuthenticatedHttpRequest
from xinban.evaluation import selectors
from xinban.evaluation.forms import DeadlineForm, RoundForm
from xinban.evaluation.models import EvaluationRound
from xinban.evaluation.services.rounds import round_create
from xinban.evaluation.views.common import campaign_or_404, form_errors, require_staff


@login_required
@require_http_methods(["GET", "POST"])
def rounds(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_staff(request)
    campaign = campaign_or_404()
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_create(
                actor=request.user, campaign=campaign, deadline=form.cleaned_data["deadline"]
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已新建评审轮次。"))
            return redirect("evaluation:rounds")
    return render(
        request,
        "evaluation/rounds.html",
        {
            "campaign": campaign,
            "rounds": selectors.rounds_of(campaign),
            "form": form,
            "deadline_form": DeadlineForm(),
        },
    )


@login_required
@require_POST
def round_deadline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    evaluation_round = get_object_or_404(EvaluationRound, pk=pk, campaign=campaign_or_404())
    form = DeadlineForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: form.save(actor=request.user, evaluation_round=evaluation_round),
            _("截止时间已调整。"),
        )
    else:
        form_errors(request, form)
    return redirect("evaluation:rounds")
