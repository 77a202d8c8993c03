"""Event pages: the public list and detail with sign-up; the organiser's page (edit,
publish, cancel, attendees, Excel export, printable check-in list, presenting teams)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xinban.campaigns.selectors import campaign_current
from xinban.core.actions import perform
from xinban.core.errors import ServiceError
from xinban.core.forms import add_service_error
from xinban.core.http import AuthenticatedHttpRequest
from xinban.core.roles import roles_of
from xinban.events import selectors, services
from xinban.events.exports import attendees_workbook
from xinban.events.forms import CancelForm, EventForm, PresenterForm, SignupForm
from xinban.events.models import PRESENTING_KINDS, Event, EventState, Presenter, Signup
from xinban.events.models import SignupStatus as Status
from xinban.events.rules import can_organise
from xinban.organisations.models import RecommendingUnit

EVENT_FIELDS = services.EVENT_FIELDS


def event_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    events = list(selectors.events_public()[:200])
    organised: list[Event] = []
    organiser = False
    if request.user.is_authenticated:
        roles = roles_of(request.user)
        organiser = roles.is_staff or bool(roles.unit_admin_ids)
        if organiser:
            organised = list(selectors.events_organised_by(request.user)[:50])  # type: ignore[arg-type]
    return render(
        request,
        "events/list.html",
        {
            "upcoming": sorted(
                (e for e in events if e.ends_at >= now), key=lambda e: (e.starts_at, e.pk)
            ),
            "past": [e for e in events if e.ends_at < now],
            "organised": organised,
            "organiser": organiser,
        },
    )


def _detail_context(request: HttpRequest, event: Event, form: SignupForm | None = None) -> Any:
    mine = selectors.my_signup(request.user, event)
    if form is None:
        initial: dict[str, Any] = {}
        if request.user.is_authenticated:
            initial["name"] = request.user.name  # type: ignore[union-attr]
            previous = (
                Signup.objects.filter(user=request.user).exclude(organisation="").order_by("-pk")
            ).first()
            if previous is not None:  # what they typed last time
                initial.update(organisation=previous.organisation, phone=previous.phone)
        form = SignupForm(initial=initial)
    return {
        "event": event,
        "mine": mine,
        "position": selectors.waiting_position(mine)
        if mine and mine.status == Status.WAITING
        else None,
        "confirmed": selectors.confirmed_count(event),
        "form": form,
        "presenters": selectors.presenters(event),
        "open": event.state == EventState.PUBLISHED and timezone.now() <= event.signup_closes_at,
        "started": timezone.now() >= event.starts_at,
        "organiser": can_organise(request.user, event),
    }


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=pk)
    return render(request, "events/detail.html", _detail_context(request, event))


@login_required
@require_POST
def signup(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=pk)
    form = SignupForm(request.POST)
    if form.is_valid():
        try:
            created = services.signup_create(actor=request.user, event=event, **form.cleaned_data)
        except ServiceError as exc:
            if exc.field in form.fields:  # keep what was typed, say what is wrong
                add_service_error(form, exc)
            else:
                messages.error(request, exc.message)
                return redirect("events:detail", pk=event.pk)
        else:
            if created.status == Status.WAITING:
                messages.warning(request, _("名额已满，您已进入候补名单。"))
            else:
                messages.success(request, _("报名成功。"))
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/detail.html", _detail_context(request, event, form))


@login_required
@require_POST
def signup_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=pk)
    mine = Signup.objects.filter(event=event, user=request.user).first()
    if mine is None:
        raise Http404
    perform(
        request,
        lambda: services.signup_cancel(actor=request.user, signup=mine),
        _("已取消报名。"),
    )
    return redirect("events:detail", pk=event.pk)


def _organised(request: AuthenticatedHttpRequest, pk: int) -> Event:
    """The event for its organiser; 404 for those who may not see it, 403 for those who
    see it but do not organise it."""
    event = selectors.event_get(user=request.user, pk=pk)
    if not can_organise(request.user, event):
        raise PermissionDenied
    return event


def _event_data(event: Event) -> dict[str, Any]:
    return {f: getattr(event, f) for f in EVENT_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    if roles.is_staff:
        units = RecommendingUnit.objects.order_by("name")
    else:
        units = RecommendingUnit.objects.filter(pk__in=roles.unit_admin_ids).order_by("name")
        if not roles.unit_admin_ids:
            raise PermissionDenied
    campaign = campaign_current()
    if campaign is None:
        raise Http404
    initial = {} if roles.is_staff else {"kind": "presentation"}
    form = EventForm(
        request.POST or None, initial=initial, units=units, unit_required=not roles.is_staff
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("unit", None)
        try:
            event = services.event_create(
                actor=request.user, campaign=campaign, data=data, unit=unit
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
    signups = selectors.signups_for_organiser(event)
    return render(
        request,
        "events/manage.html",
        {
            "event": event,
            "form": form,
            "cancel_form": CancelForm(),
            "signups": signups,
            "counts": {
                status: sum(1 for s in signups if s.status == status) for status in Status.values
            },
            "presenters": selectors.presenters(event),
            "presenter_form": PresenterForm(applications=selectors.presentable_applications(event))
            if event.kind in PRESENTING_KINDS and event.state != EventState.CANCELLED
            else None,
        },
    )


@login_required
@require_POST
def publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    perform(
        request,
        lambda: services.event_publish(actor=request.user, event=event),
        _("活动已发布。"),
    )
    return redirect("events:manage", pk=event.pk)


@login_required
@require_POST
def cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写取消原因。"))
        return redirect("events:manage", pk=event.pk)
    perform(
        request,
        lambda: services.event_cancel(
            actor=request.user, event=event, reason=form.cleaned_data["reason"]
        ),
        _("活动已取消，已通知报名人员。"),
    )
    return redirect("events:manage", pk=event.pk)


@login_required
@require_POST
def checkin(request: AuthenticatedHttpRequest, pk: int, signup_pk: int) -> HttpResponse:
    event = _organised(request, pk)
    target = get_object_or_404(Signup, pk=signup_pk, event=event)
    perform(
        request,
        lambda: services.checkin(
            actor=request.user, signup=target, present=target.checked_in_at is None
        ),
        "",
    )
    return redirect(f"{reverse('events:checkin_list', args=[event.pk])}#s{target.pk}")


@login_required
def checkin_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    rows = list(selectors.checkin_rows(event))
    return render(
        request,
        "events/checkin.html",
        {
            "event": event,
            "signups": rows,
            "present": sum(1 for s in rows if s.checked_in_at),
        },
    )


@login_required
def attendees_xlsx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    response = HttpResponse(
        attendees_workbook(event),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = _("%(title)s-报名名单.xlsx") % {"title": event.title}
    response["Content-Disposition"] = f"attachment; filename*=utf-8''{escape_uri_path(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_POST
def presenter_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    form = PresenterForm(request.POST, applications=selectors.presentable_applications(event))
    if form.is_valid():
        perform(
            request,
            lambda: services.presenter_add(
                actor=request.user, event=event, application=form.cleaned_data["application"]
            ),
            _("已加入发表名单。"),
        )
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
    perform(
        request,
        lambda: services.presenter_move(
            actor=request.user, presenter=presenter, direction=direction
        ),
        "",
    )
    return redirect("events:manage", pk=event.pk)


@login_required
@require_POST
def presenter_remove(request: AuthenticatedHttpRequest, pk: int, presenter_pk: int) -> HttpResponse:
    event = _organised(request, pk)
    presenter = get_object_or_404(Presenter, pk=presenter_pk, event=event)
    perform(
        request,
        lambda: services.presenter_remove(actor=request.user, presenter=presenter),
        _("已从发表名单移除。"),
    )
    return redirect("events:manage", pk=event.pk)
