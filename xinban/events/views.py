"""Event pages: the public list and detail with sign-up; the organiser's page (edit,
publish, cancel, attendees, Excel export, printable check-in list, presenting teams)."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from openpyxl import Workbook

from xinban.campaigns.selectors import campaign_current
from xinban.core.errors import ServiceError
from xinban.core.forms import add_service_error
from xinban.core.http import AuthenticatedHttpRequest
from xinban.core.roles import roles_of
from xinban.core.spreadsheets import safe_cell
from xinban.events import selectors, services
from xinban.events.forms import CancelForm, EventForm, PresenterForm, SignupForm
from xinban.events.models import PRESENTING_KINDS, Event, Presenter, Signup, SignupStatus
from xinban.events.rules import can_organise
from xinban.organisations.models import RecommendingUnit


def event_list(request: HttpRequest) -> HttpResponse:
    organiser = request.user.is_authenticated and (
        roles_of(request.user).is_staff or bool(roles_of(request.user).unit_admin_ids)
    )
    return render(
        request,
        "events/list.html",
        {"events": list(selectors.events_public()[:100]), "organiser": organiser},
    )


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=pk)  # type: ignore[arg-type]
    mine = selectors.my_signup(request.user, event)  # type: ignore[arg-type]
    initial: dict[str, Any] = {}
    if request.user.is_authenticated:
        initial["name"] = request.user.name  # type: ignore[union-attr]
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "mine": mine,
            "position": selectors.waiting_position(mine)
            if mine and mine.status == SignupStatus.WAITING
            else None,
            "confirmed": event.signups.filter(status=SignupStatus.CONFIRMED).count(),
            "form": SignupForm(initial=initial),
            "presenters": list(event.presenters.select_related("application__organisation")),
            "open": event.state == "published" and timezone.now() <= event.signup_closes_at,
            "organiser": can_organise(request.user, event),
        },
    )


@login_required
@require_POST
def signup(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=pk)
    form = SignupForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("events:detail", pk=event.pk)
    try:
        created = services.signup_create(actor=request.user, event=event, **form.cleaned_data)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        if created.status == SignupStatus.WAITING:
            messages.warning(request, _("名额已满，您已进入候补名单。"))
        else:
            messages.success(request, _("报名成功。"))
    return redirect("events:detail", pk=event.pk)


@login_required
@require_POST
def signup_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=pk)
    mine = Signup.objects.filter(event=event, user=request.user).first()
    if mine is None:
        raise Http404
    try:
        services.signup_cancel(actor=request.user, signup=mine)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已取消报名。"))
    return redirect("events:detail", pk=event.pk)


def _organised(request: AuthenticatedHttpRequest, pk: int) -> Event:
    event = selectors.event_get(user=request.user, pk=pk)
    if not can_organise(request.user, event):
        raise PermissionDenied
    return event


def _event_data(event: Event) -> dict[str, Any]:
    return {
        f: getattr(event, f)
        for f in (
            "kind",
            "title",
            "description",
            "location",
            "starts_at",
            "ends_at",
            "signup_closes_at",
            "capacity",
        )
    }


@login_required
@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    units = RecommendingUnit.objects.filter(pk__in=roles.unit_admin_ids)
    if not roles.is_staff and not units.exists():
        raise PermissionDenied
    campaign = campaign_current()
    if campaign is None:
        raise Http404
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = None if roles.is_staff else units.first()
        try:
            event = services.event_create(
                actor=request.user, campaign=campaign, data=form.cleaned_data, unit=unit
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("活动已创建（草稿），发布后可报名。"))
            return redirect("events:manage", pk=event.pk)
    return render(request, "events/form.html", {"form": form, "event": None})


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    form = EventForm(request.POST or None, initial=_event_data(event))
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(actor=request.user, event=event, data=form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("events:manage", pk=event.pk)
    signups = list(event.signups.select_related("user").order_by("status", "created_at"))
    return render(
        request,
        "events/manage.html",
        {
            "event": event,
            "form": form,
            "cancel_form": CancelForm(),
            "signups": signups,
            "presenters": list(event.presenters.select_related("application__organisation")),
            "presenter_form": PresenterForm(applications=selectors.presentable_applications(event))
            if event.kind in PRESENTING_KINDS
            else None,
        },
    )


@login_required
@require_POST
def publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    try:
        services.event_publish(actor=request.user, event=event)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("活动已发布。"))
    return redirect("events:manage", pk=event.pk)


@login_required
@require_POST
def cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写取消原因。"))
        return redirect("events:manage", pk=event.pk)
    try:
        services.event_cancel(actor=request.user, event=event, reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("活动已取消，已通知报名人员。"))
    return redirect("events:manage", pk=event.pk)


@login_required
@require_POST
def checkin(request: AuthenticatedHttpRequest, pk: int, signup_pk: int) -> HttpResponse:
    event = _organised(request, pk)
    target = get_object_or_404(Signup, pk=signup_pk, event=event)
    try:
        services.checkin(actor=request.user, signup=target, present=target.checked_in_at is None)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("events:checkin_list", pk=event.pk)


@login_required
def checkin_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    return render(
        request,
        "events/checkin.html",
        {
            "event": event,
            "signups": list(
                event.signups.filter(status=SignupStatus.CONFIRMED).order_by("name", "pk")
            ),
        },
    )


@login_required
def attendees_xlsx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("报名名单"))
    sheet.append(
        [_("序号"), _("姓名"), _("单位"), _("联系电话"), _("状态"), _("报名时间"), _("签到")]
    )
    labels = dict(SignupStatus.choices)
    for n, s in enumerate(
        event.signups.exclude(status=SignupStatus.CANCELLED).order_by("status", "created_at"), 1
    ):
        sheet.append(
            [
                n,
                safe_cell(s.name),
                safe_cell(s.organisation),
                safe_cell(s.phone),
                str(labels[s.status]),
                timezone.localtime(s.created_at).strftime("%Y-%m-%d %H:%M"),
                _("已签到") if s.checked_in_at else "",
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    from django.utils.encoding import escape_uri_path

    name = f"{event.title}-报名名单.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=utf-8''{escape_uri_path(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def presenter_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    form = PresenterForm(request.POST, applications=selectors.presentable_applications(event))
    if form.is_valid():
        try:
            services.presenter_add(
                actor=request.user, event=event, application=form.cleaned_data["application"]
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("请选择班组。"))
    return redirect("events:manage", pk=event.pk)


@login_required
@require_POST
def presenter_move(
    request: AuthenticatedHttpRequest, pk: int, presenter_pk: int, direction: str
) -> HttpResponse:
    event = _organised(request, pk)
    if direction not in ("up", "down"):
        raise Http404
    presenter = get_object_or_404(Presenter, pk=presenter_pk, event=event)
    services.presenter_move(actor=request.user, presenter=presenter, direction=direction)
    return redirect("events:manage", pk=event.pk)


@login_required
@require_POST
def presenter_remove(request: AuthenticatedHttpRequest, pk: int, presenter_pk: int) -> HttpResponse:
    event = _organised(request, pk)
    presenter = get_object_or_404(Presenter, pk=presenter_pk, event=event)
    services.presenter_remove(actor=request.user, presenter=presenter)
    return redirect("events:manage", pk=event.pk)
