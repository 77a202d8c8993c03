"""The expert panel (专家评委库) pages: members, a member's load, expertise and employers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xinban.campaigns.models import Campaign
from xinban.core.actions import perform
from xinban.core.errors import ServiceError
from xinban.core.forms import add_service_error
from xinban.core.http import AuthenticatedHttpRequest
from xinban.evaluation import selectors
from xinban.evaluation.forms import EmploymentForm, PanelAddForm, PanelMemberForm
from xinban.evaluation.models import ExpertPanelMember
from xinban.evaluation.services import panel as panel_services
from xinban.evaluation.views.common import campaign_or_404, form_errors, require_staff
from xinban.scoring.models import Judge, JudgeEmployment


@login_required
@require_http_methods(["GET", "POST"])
def panel(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_staff(request)
    campaign = campaign_or_404()
    on_panel = ExpertPanelMember.objects.filter(campaign=campaign).values("judge_id")
    candidates = Judge.objects.exclude(pk__in=on_panel).order_by("name")
    form = PanelAddForm(request.POST or None, judges=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            form.save(actor=request.user, campaign=campaign)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已加入专家评委库。"))
            return redirect("evaluation:panel")
    return render(
        request,
        "evaluation/panel.html",
        {"campaign": campaign, "rows": selectors.expert_panel(campaign=campaign), "form": form},
    )


def _member(campaign: Campaign, pk: int) -> ExpertPanelMember:
    return get_object_or_404(
        ExpertPanelMember.objects.select_related("judge"), pk=pk, campaign=campaign
    )


@login_required
@require_http_methods(["GET", "POST"])
def panel_member(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    campaign = campaign_or_404()
    member = _member(campaign, pk)
    judge = member.judge
    form = PanelMemberForm(
        request.POST or None,
        initial={
            "capacity": member.capacity,
            "is_chair": member.is_chair,
            "domains": list(judge.domains.all()),
            "industries": list(judge.industries.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            form.save(actor=request.user, member=member)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("evaluation:panel_member", pk=member.pk)
    return render(
        request,
        "evaluation/panel_member.html",
        {
            "member": member,
            "judge": judge,
            "form": form,
            "employment_form": EmploymentForm(),
            "employments": list(judge.employments.order_by("start_year")),
            "conflicts": list(judge.conflicts.select_related("organisation")),
        },
    )


@login_required
@require_POST
def panel_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    member = _member(campaign_or_404(), pk)
    perform(
        request,
        lambda: panel_services.expert_panel_remove(actor=request.user, member=member),
        _("已移出专家评委库：%(name)s") % {"name": member.judge.name},
    )
    return redirect("evaluation:panel")


@login_required
@require_POST
def employment_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    member = _member(campaign_or_404(), pk)
    form = EmploymentForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: form.save(actor=request.user, judge=member.judge),
            _("已添加工作经历。"),
        )
    else:
        form_errors(request, form)
    return redirect("evaluation:panel_member", pk=member.pk)


@login_required
@require_POST
def employment_remove(
    request: AuthenticatedHttpRequest, pk: int, employment_pk: int
) -> HttpResponse:
    require_staff(request)
    member = _member(campaign_or_404(), pk)
    employment = get_object_or_404(JudgeEmployment, pk=employment_pk, judge=member.judge)
    perform(
        request,
        lambda: panel_services.employment_remove(actor=request.user, employment=employment),
        _("已删除工作经历。"),
    )
    return redirect("evaluation:panel_member", pk=member.pk)
