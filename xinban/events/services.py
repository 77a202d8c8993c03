"""Event transitions: each atomic, checking the state and the actor's right, audited;
attendees told after commit. Sign-ups lock the event row, so capacity and the waiting
list hold when many people sign up at the same moment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import Application
from xinban.campaigns.models import Campaign
from xinban.core.audit import audit_record
from xinban.core.errors import NotAllowed, ServiceError, WrongState
from xinban.core.roles import roles_of
from xinban.core.rulebook import enforce
from xinban.events.models import (
    PRESENTING_KINDS,
    Event,
    EventKind,
    EventState,
    Presenter,
    Signup,
    SignupStatus,
)
from xinban.events.rules import can_organise, presenter_refusal
from xinban.notifications.delivery import notify_after_commit
from xinban.organisations.models import RecommendingUnit

EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "location",
    "starts_at",
    "ends_at",
    "signup_closes_at",
    "capacity",
)
# Changing one of these on a published event tells the attendees.
ATTENDANCE_FIELDS = {"location", "starts_at", "ends_at"}


def _check_times(data: dict[str, Any]) -> None:
    starts, ends, closes = data["starts_at"], data["ends_at"], data["signup_closes_at"]
    if ends <= starts:
        raise ServiceError(_("结束时间应晚于开始时间。"), code="bad_times", field="ends_at")
    if closes > starts:
        raise ServiceError(
            _("报名截止时间不能晚于开始时间。"), code="bad_times", field="signup_closes_at"
        )


def event_create(
    *, actor: User, campaign: Campaign, data: dict[str, Any], unit: RecommendingUnit | None = None
) -> Event:
    roles = roles_of(actor)
    if unit is None:
        if not roles.is_staff:
            raise NotAllowed(_("只有质协工作人员可以创建活动。"), code="staff_only")
    elif unit.pk not in roles.unit_admin_ids and not roles.is_staff:
        raise NotAllowed(_("只有推荐单位管理员可以创建本单位的发表会。"), code="unit_admin_only")
    if unit is not None and data["kind"] != EventKind.PRESENTATION:
        raise ServiceError(_("推荐单位只能创建发表会。"), code="unit_kind", field="kind")
    _check_times(data)
    with transaction.atomic():
        event = Event.objects.create(
            campaign=campaign, unit=unit, created_by=actor, **{f: data[f] for f in EVENT_FIELDS}
        )
        audit_record(actor=actor, action="event.create", obj=event, changes={"title": event.title})
    return event


def event_update(*, actor: User, event: Event, data: dict[str, Any]) -> Event:
    if not can_organise(actor, event):
        raise NotAllowed(_("只有主办方可以修改活动。"), code="not_organiser")
    if event.unit_id is not None and data["kind"] != EventKind.PRESENTATION:
        raise ServiceError(_("推荐单位只能创建发表会。"), code="unit_kind", field="kind")
    _check_times(data)
    with transaction.atomic():
        current = Event.objects.select_for_update().get(pk=event.pk)
        if current.state == EventState.CANCELLED:
            raise WrongState(_("活动已取消。"), code="cancelled")
        confirmed = _confirmed(current)
        if data["capacity"] is not None and data["capacity"] < confirmed:
            raise ServiceError(
                _("名额不能少于已报名人数（%(n)d 人）。") % {"n": confirmed},
                code="capacity_below_confirmed",
                field="capacity",
            )
        changes = {
            field: [str(getattr(current, field)), str(data[field])]
            for field in EVENT_FIELDS
            if getattr(current, field) != data[field]
        }
        for field in EVENT_FIELDS:
            setattr(current, field, data[field])
        current.save(update_fields=list(EVENT_FIELDS))
        audit_record(actor=actor, action="event.update", obj=current, changes=changes)
        # Attendees are told when what they need to turn up changes.
        if current.state == EventState.PUBLISHED and changes.keys() & ATTENDANCE_FIELDS:
            notify_after_commit(
                to=_attendee_emails(current), template="event_changed", context={"event": current}
            )
        _promote(current)  # more places: the waiting list moves up
    return current


def event_publish(*, actor: User, event: Event) -> Event:
    if not can_organise(actor, event):
        raise NotAllowed(_("只有主办方可以发布活动。"), code="not_organiser")
    with transaction.atomic():
        current = Event.objects.select_for_update().get(pk=event.pk)
        if current.state != EventState.DRAFT:
            raise WrongState(_("只有草稿可以发布。"), code="not_draft")
        current.state = EventState.PUBLISHED
        current.save(update_fields=["state"])
        audit_record(actor=actor, action="event.publish", obj=current)
    return current


def event_cancel(*, actor: User, event: Event, reason: str) -> Event:
    if not can_organise(actor, event):
        raise NotAllowed(_("只有主办方可以取消活动。"), code="not_organiser")
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("请填写取消原因。"), code="reason_required", field="reason")
    with transaction.atomic():
        current = Event.objects.select_for_update().get(pk=event.pk)
        if current.state == EventState.CANCELLED:
            raise WrongState(_("活动已取消。"), code="cancelled")
        current.state = EventState.CANCELLED
        current.save(update_fields=["state"])
        audit_record(actor=actor, action="event.cancel", obj=current, changes={"reason": reason})
        notify_after_commit(
            to=_attendee_emails(current),
            template="event_cancelled",
            context={"event": current, "reason": reason},
        )
    return current


def _attendee_emails(event: Event) -> list[str]:
    """Everyone signed up or waiting."""
    return list(
        event.signups.exclude(status=SignupStatus.CANCELLED).values_list("user__email", flat=True)
    )


def _confirmed(event: Event) -> int:
    return event.signups.filter(status=SignupStatus.CONFIRMED).count()


def _promote(event: Event) -> list[Signup]:
    """Fill free places from the waiting list, in order (caller holds the event lock)."""
    if event.state != EventState.PUBLISHED:
        return []
    free = None if event.capacity is None else event.capacity - _confirmed(event)
    waiting = (
        event.signups.filter(status=SignupStatus.WAITING)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    promoted = list(waiting if free is None else waiting[: max(0, free)])
    for signup in promoted:
        signup.status = SignupStatus.CONFIRMED
        signup.save(update_fields=["status"])
        audit_record(
            actor=None, action="event.signup_promote", obj=event, changes={"signup": signup.pk}
        )
        notify_after_commit(
            to=[signup.user.email], template="event_promoted", context={"event": event}
        )
    return promoted


def signup_create(
    *,
    actor: User,
    event: Event,
    name: str,
    organisation: str = "",
    phone: str = "",
    now: datetime | None = None,
) -> Signup:
    """Sign up: a place while there is one, else the waiting list. One sign-up per
    person (signing up again after cancelling reuses it)."""
    now = now or timezone.now()
    with transaction.atomic():
        current = Event.objects.select_for_update().get(pk=event.pk)
        if current.state != EventState.PUBLISHED:
            raise WrongState(_("活动未开放报名。"), code="not_published")
        if now > current.signup_closes_at:
            raise WrongState(_("报名已截止。"), code="closed")
        existing = Signup.objects.filter(event=current, user=actor).first()
        if existing is not None and existing.status != SignupStatus.CANCELLED:
            raise WrongState(_("您已报名该活动。"), code="already_signed_up")
        full = current.capacity is not None and _confirmed(current) >= current.capacity
        status = SignupStatus.WAITING if full else SignupStatus.CONFIRMED
        values = {
            "name": name.strip()[:50] or (actor.name or actor.email)[:50],
            "organisation": organisation.strip()[:200],
            "phone": phone.strip()[:20],
            "status": status,
        }
        try:
            if existing is not None:
                for key, value in values.items():
                    setattr(existing, key, value)
                existing.created_at = now  # back of the queue
                existing.checked_in_at = None
                existing.save()
                signup = existing
            else:
                signup = Signup.objects.create(event=current, user=actor, **values)
        except IntegrityError as exc:  # the same person twice at once
            raise WrongState(_("您已报名该活动。"), code="already_signed_up") from exc
        audit_record(
            actor=actor,
            action="event.signup",
            obj=current,
            changes={"signup": signup.pk, "status": status},
        )
        notify_after_commit(
            to=[actor.email],
            template="event_signup",
            context={"event": current, "waiting": status == SignupStatus.WAITING},
        )
    return signup


def signup_cancel(*, actor: User, signup: Signup, now: datetime | None = None) -> Signup:
    """Cancel one's own sign-up (until the event starts); the first on the waiting list
    takes the place and is told."""
    if signup.user_id != actor.pk:
        raise NotAllowed(_("只能取消自己的报名。"), code="not_own")
    now = now or timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=signup.event_id)
        current = Signup.objects.select_for_update().get(pk=signup.pk)
        if current.status == SignupStatus.CANCELLED:
            raise WrongState(_("报名已取消。"), code="already_cancelled")
        if event.state == EventState.PUBLISHED and now >= event.starts_at:
            raise WrongState(_("活动已开始，不能再取消报名。"), code="started")
        was = current.status
        current.status = SignupStatus.CANCELLED
        current.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="event.signup_cancel",
            obj=event,
            changes={"signup": current.pk, "was": was},
        )
        _promote(event)
    return current


def checkin(*, actor: User, signup: Signup, present: bool = True) -> Signup:
    """The organiser marks (or unmarks) a confirmed attendee as present."""
    event = signup.event
    if not can_organise(actor, event):
        raise NotAllowed(_("只有主办方可以签到。"), code="not_organiser")
    with transaction.atomic():
        current = Signup.objects.select_for_update().get(pk=signup.pk)
        event = Event.objects.get(pk=current.event_id)
        if event.state != EventState.PUBLISHED:
            raise WrongState(_("只有已发布的活动可以签到。"), code="not_published")
        if current.status != SignupStatus.CONFIRMED:
            raise WrongState(_("只有已报名的人员可以签到。"), code="not_confirmed")
        current.checked_in_at = timezone.now() if present else None
        current.save(update_fields=["checked_in_at"])
        audit_record(
            actor=actor,
            action="event.checkin",
            obj=event,
            changes={"signup": current.pk, "present": present},
        )
    return current


def presenter_add(*, actor: User, event: Event, application: Application) -> Presenter:
    if not can_organise(actor, event):
        raise NotAllowed(_("只有主办方可以安排发表班组。"), code="not_organiser")
    if event.kind not in PRESENTING_KINDS:
        raise WrongState(_("只有交流会和发表会安排发表班组。"), code="no_presenters")
    enforce(presenter_refusal(event, application))
    with transaction.atomic():
        if Event.objects.select_for_update().get(pk=event.pk).state == EventState.CANCELLED:
            raise WrongState(_("活动已取消。"), code="cancelled")
        position = (event.presenters.aggregate(m=Max("position"))["m"] or 0) + 1
        try:
            with transaction.atomic():
                presenter = Presenter.objects.create(
                    event=event, application=application, position=position
                )
        except IntegrityError as exc:
            raise WrongState(_("该班组已在发表名单中。"), code="duplicate") from exc
        audit_record(
            actor=actor,
            action="event.presenter_add",
            obj=event,
            changes={"application": application.pk},
        )
    return presenter


def presenter_move(*, actor: User, presenter: Presenter, direction: str) -> None:
    """Swap a presenting team with the one before ("up") or after ("down") it; at either
    end nothing moves."""
    event = presenter.event
    if not can_organise(actor, event):
        raise NotAllowed(_("只有主办方可以调整顺序。"), code="not_organiser")
    if direction not in ("up", "down"):
        raise ServiceError(_("方向应为上移或下移。"), code="bad_direction", field="direction")
    with transaction.atomic():
        if Event.objects.select_for_update().get(pk=event.pk).state == EventState.CANCELLED:
            raise WrongState(_("活动已取消。"), code="cancelled")
        ordered = list(event.presenters.order_by("position", "pk"))
        i = next((n for n, p in enumerate(ordered) if p.pk == presenter.pk), None)
        if i is None:
            raise WrongState(_("该班组已不在发表名单中。"), code="gone")
        j = i - 1 if direction == "up" else i + 1
        if 0 <= j < len(ordered):
            ordered[i], ordered[j] = ordered[j], ordered[i]
            for position, item in enumerate(ordered, 1):
                if item.position != position:
                    item.position = position
                    item.save(update_fields=["position"])
        audit_record(
            actor=actor,
            action="event.presenter_move",
            obj=event,
            changes={"presenter": presenter.pk, "direction": direction},
        )


def presenter_remove(*, actor: User, presenter: Presenter) -> None:
    event = presenter.event
    if not can_organise(actor, event):
        raise NotAllowed(_("只有主办方可以调整发表名单。"), code="not_organiser")
    with transaction.atomic():
        if Event.objects.select_for_update().get(pk=event.pk).state == EventState.CANCELLED:
            raise WrongState(_("活动已取消。"), code="cancelled")
        if not Presenter.objects.filter(pk=presenter.pk).delete()[0]:
            raise WrongState(_("该班组已不在发表名单中。"), code="gone")
        for position, item in enumerate(event.presenters.order_by("position", "pk"), 1):
            if item.position != position:
                item.position = position
                item.save(update_fields=["position"])
        audit_record(
            actor=actor,
            action="event.presenter_remove",
            obj=event,
            changes={"application": presenter.application_id},
        )
