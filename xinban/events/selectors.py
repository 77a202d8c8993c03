from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from xinban.accounts.models import User
from xinban.applications.models import Application, ApplicationState
from xinban.core.roles import roles_of
from xinban.events.models import Event, EventState, Signup, SignupStatus
from xinban.events.rules import can_see


def events_public() -> QuerySet[Event]:
    return (
        Event.objects.filter(state__in=[EventState.PUBLISHED, EventState.CANCELLED])
        .select_related("unit")
        .annotate(confirmed=Count("signups", filter=Q(signups__status=SignupStatus.CONFIRMED)))
        .order_by("-starts_at")
    )


def events_organised_by(user: User) -> QuerySet[Event]:
    roles = roles_of(user)
    qs = Event.objects.select_related("unit").order_by("-starts_at")
    if roles.is_staff:
        return qs
    return qs.filter(unit_id__in=roles.unit_admin_ids)


def event_get(*, user: User, pk: int) -> Event:
    from django.http import Http404

    event = Event.objects.select_related("unit", "campaign").filter(pk=pk).first()
    if event is None or not can_see(user, event):
        raise Http404
    return event


def my_signup(user: User, event: Event) -> Signup | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Signup.objects.filter(event=event, user=user).first()


def waiting_position(signup: Signup) -> int:
    return (
        Signup.objects.filter(
            event_id=signup.event_id, status=SignupStatus.WAITING, created_at__lt=signup.created_at
        ).count()
        + 1
    )


def presentable_applications(event: Event) -> QuerySet[Application]:
    qs = Application.objects.filter(campaign=event.campaign).exclude(
        state__in=[ApplicationState.DRAFT, ApplicationState.WITHDRAWN]
    )
    if event.unit_id is not None:
        qs = qs.filter(recommending_unit_id=event.unit_id)
    return qs.select_related("organisation").order_by("number")
