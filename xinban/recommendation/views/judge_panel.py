"""The unit's panel of judges: adding and removing judges, inviting them, accepting an
invitation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xinban.core.errors import ServiceError
from xinban.core.forms import add_service_error
from xinban.core.http import AuthenticatedHttpRequest
from xinban.core.roles import roles_of
from xinban.recommendation import selectors, services
from xinban.recommendation.forms import InviteForm, JudgeForm
from xinban.recommendation.views.common import _campaign, _unit
from xinban.scoring.models import Judge


@login_required
@require_http_methods(["GET", "POST"])
def judges(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    is_admin = unit.pk in roles_of(request.user).unit_admin_ids
    form = JudgeForm(request.POST or None)
    invite_form = InviteForm()
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.judge_add_to_panel(actor=request.user, unit=unit, data=form.cleaned_data)
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("评委已加入本单位评委名单。"))
                return redirect("recommendation:judges", unit_pk=unit.pk)
    campaign = _campaign()
    progress = services.unit_progress_counts(unit, campaign)
    members = selectors.panel_members(unit=unit)
    return render(
        request,
        "recommendation/judges.html",
        {
            "unit": unit,
            "members": [
                (m, progress.get(m.judge_id, {"assigned": 0, "submitted": 0})) for m in members
            ],
            "form": form,
            "invite_form": invite_form,
            "is_admin": is_admin,
            "can_invite": is_admin or roles_of(request.user).is_staff,
        },
    )


@login_required
@require_POST
def judge_remove(request: AuthenticatedHttpRequest, unit_pk: int, judge_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk, admin=True)
    judge = get_object_or_404(Judge, pk=judge_pk, unit_panels__unit=unit)
    try:
        services.judge_remove_from_panel(actor=request.user, unit=unit, judge=judge)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("recommendation:judges", unit_pk=unit.pk)


@login_required
@require_POST
def invite(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    roles = roles_of(request.user)
    if unit.pk not in roles.unit_admin_ids and not roles.is_staff:
        raise PermissionDenied
    form = InviteForm(request.POST)
    if form.is_valid():
        services.invitation_send(actor=request.user, unit=unit, **form.cleaned_data)
        messages.success(request, _("邀请邮件已发送。"))
    else:
        messages.error(request, _("请填写正确的邮箱。"))
    return redirect("recommendation:judges", unit_pk=unit.pk)


@login_required
def accept_invitation(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        try:
            invitation = services.invitation_accept(actor=request.user, token=token)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("core:home")
        messages.success(request, _("已加入%(unit)s。") % {"unit": invitation.unit.name})
        if invitation.role == "judge":
            return redirect("recommendation:judge_home")
        return redirect("recommendation:inbox", unit_pk=invitation.unit_id)
    return render(request, "recommendation/accept_invitation.html", {"token": token})
