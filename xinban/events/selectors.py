"""Reads of events: the public list, one event for a user, sign-ups and the waiting list,
the teams an event may have presenting."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from xinban.accounts.models import User
from xinban.applications.models import Application
from xinban.core.roles import roles_of
from xinban.events.models import Event, EventState, Presenter, Signup, SignupStatus
from xinban.events.rules import can_see, may_present


def _with_counts(qs: QuerySet[Event]) -> QuerySet[Event]:
    return qs.annotate(
        confirmed=Count("signups", filter=Q(signups__status=SignupStatus.CONFIRMED)),
        waiting=Count("signups", filter=Q(signups__status=SignupStatus.WAITING)),
    )


def events_public() -> QuerySet[Event]:
    """Published and cancelled events (drafts never), latest first, with the counts of
    confirmed and waiting sign-ups."""
    return _with_counts(
        Event.objects.filter(state__in=[EventState.PUBLISHED, EventState.CANCELLED])
        .select_related("unit")
        .order_by("-starts_at", "-pk")
    )


def events_organised_by(user: User) -> QuerySet[Event]:
    """Every event the user organises, drafts included (staff: all; a unit admin: the
    unit's presentation sessions)."""
    roles = roles_of(user)
    qs = _with_counts(Event.objects.select_related("unit").order_by("-starts_at", "-pk"))
    if roles.is_staff:
        return qs
    return qs.filter(unit_id__in=roles.unit_admin_ids)


def event_get(*, user: Any, pk: int) -> Event:
    """The event if the user may see it (published or cancelled: anyone; a draft: its
    organisers and the unit's members); else 404."""
    event = Event.objects.select_related("unit", "campaign").filter(pk=pk).first()
    if event is None or not can_see(user, event):
        raise Http404
    return event


def confirmed_count(event: Event) -> int:
    return event.signups.filter(status=SignupStatus.CONFIRMED).count()


def my_signup(user: Any, event: Event) -> Signup | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Signup.objects.filter(event=event, user=user).first()


def waiting_position(signup: Signup) -> int:
    """1 for the first on the waiting list (the order of promotion)."""
    return (
        Signup.objects.filter(event_id=signup.event_id, status=SignupStatus.WAITING)
        .filter(
            Q(created_at__lt=signup.created_at) | Q(created_at=signup.created_at, pk__lt=signup.pk)
        )
        .count()
        + 1
    )


def signups_for_organiser(event: Event) -> list[Signup]:
    """Confirmed first (in sign-up order), then the waiting list in its order, then the
    cancelled; each waiting sign-up carries ``position``."""
    order = {SignupStatus.CONFIRMED: 0, SignupStatus.WAITING: 1, SignupStatus.CANCELLED: 2}
    rows = sorted(
        event.signups.select_related("user").order_by("created_at", "pk"),
        key=lambda s: order[SignupStatus(s.status)],
    )
    n = 0
    for signup in rows:
        if signup.status == SignupStatus.WAITING:
            n += 1
            signup.position = n  # type: ignore[attr-defined]
    return rows


def checkin_rows(event: Event) -> QuerySet[Signup]:
    return event.signups.filter(status=SignupStatus.CONFIRMED).order_by("created_at", "pk")


def presenters(event: Event) -> list[Presenter]:
    return list(
        event.presenters.select_related("application__organisation").order_by("position", "pk")
    )


def presentable_applications(event: Event) -> QuerySet[Application]:
    """The applications that may present (events.rules.may_present: a 交流会's teams with a
    result of the year, a unit's 发表会's recommended teams) and do not yet."""
    return (
        Application.objects.filter(may_present(event))
        .exclude(pk__in=event.presenters.values("application_id"))
        .select_related("organisation")
        .order_by("number")
    )


def presenter_candidates(event: Event) -> QuerySet[Application]:
    """The year's applications an organiser may name through the API (a unit's own only):
    the service then says why one of them may not present (events.rules.presenter_refusal)."""
    qs = Application.objects.filter(campaign_id=event.campaign_id)
    if event.unit_id is not None:
        qs = qs.filter(recommending_unit_id=event.unit_id)
    return qs.select_related("organisation")


def signups_upcoming(user: User) -> QuerySet[Signup]:
    """The user's own sign-ups (confirmed or waiting) for published events that have not
    ended yet, soonest first (the workbench's 已报名的活动)."""
    return (
        Signup.objects.filter(
            user=user,
            status__in=[SignupStatus.CONFIRMED, SignupStatus.WAITING],
            event__state=EventState.PUBLISHED,
            event__ends_at__gte=timezone.now(),
        )
        .select_related("event")
        .order_by("event__starts_at", "pk")
    )
