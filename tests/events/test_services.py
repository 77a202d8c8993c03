"""Event services: every transition and rule — who may organise, times and windows,
capacity and the waiting list (order, promotion, notices), cancelling, check-in,
presenting teams and their order — and the audit trail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from tests.events.conftest import event_data, people, recommended, with_result
from tests.recommendation.factories import make_application
from xinban.core.errors import NotAllowed, ServiceError, WrongState
from xinban.core.models import AuditEntry
from xinban.events import selectors, services
from xinban.events.models import Event, EventKind, EventState, Signup, SignupStatus

pytestmark = pytest.mark.django_db


def data_of(event: Event, **overrides: Any) -> dict[str, Any]:
    return {**{f: getattr(event, f) for f in services.EVENT_FIELDS}, **overrides}


def statuses(event: Event) -> dict[str, str]:
    return dict(Signup.objects.filter(event=event).values_list("name", "status"))


def actions(event: Event) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="events.event", object_id=str(event.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --------------------------------------------------------------------------- organising


def test_only_staff_create_association_events(
    applicant_a: Any, unit_x_admin: Any, campaign: Any
) -> None:
    for outsider in (applicant_a, unit_x_admin):
        with pytest.raises(NotAllowed):
            services.event_create(actor=outsider, campaign=campaign, data=event_data())
    assert not Event.objects.exists()


def test_unit_admin_creates_only_its_own_presentation_session(
    unit_x_admin: Any, unit_x: Any, unit_y: Any, campaign: Any
) -> None:
    with pytest.raises(ServiceError) as excinfo:
        services.event_create(actor=unit_x_admin, campaign=campaign, data=event_data(), unit=unit_x)
    assert excinfo.value.field == "kind"
    with pytest.raises(NotAllowed):
        services.event_create(
            actor=unit_x_admin,
            campaign=campaign,
            data=event_data(kind=EventKind.PRESENTATION),
            unit=unit_y,
        )
    event = services.event_create(
        actor=unit_x_admin,
        campaign=campaign,
        data=event_data(kind=EventKind.PRESENTATION, title="浦东新区发表会"),
        unit=unit_x,
    )
    assert event.unit == unit_x and event.state == EventState.DRAFT
    assert event.created_by == unit_x_admin
    assert actions(event) == ["event.create"]


def test_times_are_checked(staff: Any, campaign: Any) -> None:
    now = timezone.now()
    with pytest.raises(ServiceError) as excinfo:
        services.event_create(
            actor=staff, campaign=campaign, data=event_data(ends_at=now, starts_at=now)
        )
    assert excinfo.value.field == "ends_at"
    with pytest.raises(ServiceError) as excinfo:
        services.event_create(
            actor=staff,
            campaign=campaign,
            data=event_data(signup_closes_at=now + timedelta(days=11)),
        )
    assert excinfo.value.field == "signup_closes_at"
    assert not Event.objects.exists()


def test_publish_only_drafts_and_only_by_the_organiser(
    staff: Any, unit_x_admin: Any, unit_y_admin: Any, unit_session: Event, campaign: Any
) -> None:
    with pytest.raises(NotAllowed):
        services.event_publish(actor=unit_y_admin, event=unit_session)
    services.event_publish(actor=unit_x_admin, event=unit_session)
    with pytest.raises(WrongState):
        services.event_publish(actor=unit_x_admin, event=unit_session)
    # Staff organise every event, units' too.
    services.event_cancel(actor=staff, event=unit_session, reason="场地调整")
    unit_session.refresh_from_db()
    assert unit_session.state == EventState.CANCELLED
    assert actions(unit_session) == ["event.create", "event.publish", "event.cancel"]


def test_update_checks_kind_times_and_state(
    staff: Any, unit_x_admin: Any, unit_session: Event, briefing: Event, applicant_a: Any
) -> None:
    with pytest.raises(NotAllowed):
        services.event_update(actor=applicant_a, event=briefing, data=event_data(title="改"))
    with pytest.raises(ServiceError) as excinfo:
        services.event_update(actor=unit_x_admin, event=unit_session, data=event_data())
    assert excinfo.value.field == "kind"
    updated = services.event_update(
        actor=staff, event=briefing, data=event_data(title="申报说明会（第二场）")
    )
    assert updated.title == "申报说明会（第二场）"
    entry = AuditEntry.objects.filter(action="event.update").get()
    assert entry.changes["title"][1] == "申报说明会（第二场）"
    services.event_cancel(actor=staff, event=briefing, reason="取消")
    with pytest.raises(WrongState):
        services.event_update(actor=staff, event=briefing, data=event_data())


def test_capacity_cannot_drop_below_the_confirmed(staff: Any, briefing: Event) -> None:
    a, b = people(2)
    services.signup_create(actor=a, event=briefing, name="甲")
    services.signup_create(actor=b, event=briefing, name="乙")
    with pytest.raises(ServiceError) as excinfo:
        services.event_update(actor=staff, event=briefing, data=event_data(capacity=1))
    assert excinfo.value.field == "capacity" and "2" in excinfo.value.message
    briefing.refresh_from_db()
    assert briefing.capacity == 2


def test_changing_time_or_place_tells_the_attendees(
    staff: Any, briefing: Event, django_capture_on_commit_callbacks: Any
) -> None:
    a, b = people(2)
    services.signup_create(actor=a, event=briefing, name="甲")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(actor=staff, event=briefing, data=data_of(briefing, title="新名称"))
    assert mail.outbox == []  # the title is not what people need to turn up
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(
            actor=staff, event=briefing, data=data_of(briefing, location="徐汇区漕溪北路")
        )
    assert [m.to for m in mail.outbox] == [[a.email]]
    assert "徐汇区漕溪北路" in mail.outbox[0].body


def test_cancel_needs_a_reason_and_notifies_every_attendee_after_commit(
    staff: Any, briefing: Event, django_capture_on_commit_callbacks: Any
) -> None:
    a, b, c = people(3)
    for person in (a, b, c):  # c waits
        services.signup_create(actor=person, event=briefing, name=person.name)
    with pytest.raises(ServiceError) as excinfo:
        services.event_cancel(actor=staff, event=briefing, reason="  ")
    assert excinfo.value.field == "reason"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.event_cancel(actor=staff, event=briefing, reason="场地临时调整")
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in (a, b, c))
    assert all("场地临时调整" in m.body for m in mail.outbox)
    with pytest.raises(WrongState):
        services.event_cancel(actor=staff, event=briefing, reason="again")
    with pytest.raises(WrongState):
        services.signup_create(actor=people(1, "late")[0], event=briefing, name="晚")


# --------------------------------------------------------------------------- sign-up


def test_capacity_then_waiting_list_then_promotion_in_order(
    briefing: Event, django_capture_on_commit_callbacks: Any
) -> None:
    a, b, c, d = people(4)
    assert services.signup_create(actor=a, event=briefing, name="甲").status == "confirmed"
    assert services.signup_create(actor=b, event=briefing, name="乙").status == "confirmed"
    waiting_c = services.signup_create(actor=c, event=briefing, name="丙")
    waiting_d = services.signup_create(actor=d, event=briefing, name="丁")
    assert (waiting_c.status, waiting_d.status) == ("waiting", "waiting")
    assert selectors.waiting_position(waiting_c) == 1
    assert selectors.waiting_position(waiting_d) == 2
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.signup_cancel(actor=a, signup=Signup.objects.get(user=a))
    assert statuses(briefing) == {
        "甲": "cancelled",
        "乙": "confirmed",
        "丙": "confirmed",
        "丁": "waiting",
    }
    # The promoted person is told; nobody else.
    assert [m.to for m in mail.outbox] == [[c.email]]
    assert "递补" in mail.outbox[0].body
    waiting_d.refresh_from_db()
    assert selectors.waiting_position(waiting_d) == 1
    assert "event.signup_promote" in actions(briefing)


def test_one_sign_up_per_person_and_rejoining_goes_to_the_back(briefing: Event) -> None:
    a, b, c = people(3)
    services.signup_create(actor=a, event=briefing, name="甲")
    with pytest.raises(WrongState) as excinfo:
        services.signup_create(actor=a, event=briefing, name="甲")
    assert excinfo.value.code == "already_signed_up"
    services.signup_create(actor=b, event=briefing, name="乙")
    services.signup_create(actor=c, event=briefing, name="丙")  # waiting 1
    services.signup_cancel(actor=a, signup=Signup.objects.get(user=a))  # 丙 moves up
    again = services.signup_create(actor=a, event=briefing, name="甲")
    assert again.status == SignupStatus.WAITING and selectors.waiting_position(again) == 1
    assert Signup.objects.filter(user=a).count() == 1  # the same row, reused


def test_sign_up_fields_are_optional(briefing: Event) -> None:
    (a,) = people(1)
    signup = services.signup_create(actor=a, event=briefing, name="  ")
    assert signup.name == a.name and signup.organisation == "" and signup.phone == ""


def test_signup_window_and_state(staff: Any, campaign: Any) -> None:
    (a,) = people(1)
    draft = services.event_create(actor=staff, campaign=campaign, data=event_data())
    with pytest.raises(WrongState) as excinfo:
        services.signup_create(actor=a, event=draft, name="甲")
    assert excinfo.value.code == "not_published"
    services.event_publish(actor=staff, event=draft)
    closes = draft.signup_closes_at
    with pytest.raises(WrongState) as excinfo:
        services.signup_create(actor=a, event=draft, name="甲", now=closes + timedelta(seconds=1))
    assert excinfo.value.code == "closed"
    assert services.signup_create(actor=a, event=draft, name="甲", now=closes).status == "confirmed"


def test_cancelling_ones_own_sign_up_only_and_not_after_the_start(
    briefing: Event, applicant_a: Any
) -> None:
    a, b = people(2)
    mine = services.signup_create(actor=a, event=briefing, name="甲")
    with pytest.raises(NotAllowed):
        services.signup_cancel(actor=b, signup=mine)
    with pytest.raises(WrongState) as excinfo:
        services.signup_cancel(actor=a, signup=mine, now=briefing.starts_at)
    assert excinfo.value.code == "started"
    services.signup_cancel(actor=a, signup=mine)
    with pytest.raises(WrongState):
        services.signup_cancel(actor=a, signup=mine)


def test_a_waiting_person_cancelling_promotes_nobody(briefing: Event) -> None:
    a, b, c, d = people(4)
    for person in (a, b, c, d):
        services.signup_create(actor=person, event=briefing, name=person.name)
    services.signup_cancel(actor=c, signup=Signup.objects.get(user=c))
    assert Signup.objects.filter(status="confirmed").count() == 2
    d_signup = Signup.objects.get(user=d)
    assert d_signup.status == "waiting" and selectors.waiting_position(d_signup) == 1


def test_raising_the_capacity_promotes_the_waiting(staff: Any, briefing: Event) -> None:
    for person in people(4):
        services.signup_create(actor=person, event=briefing, name=person.name)
    services.event_update(actor=staff, event=briefing, data=event_data(capacity=3))
    assert Signup.objects.filter(status="confirmed").count() == 3
    services.event_update(actor=staff, event=briefing, data=event_data(capacity=None))
    assert Signup.objects.filter(status="confirmed").count() == 4  # no limit: everyone


def test_sequential_burst_keeps_capacity(briefing: Event) -> None:
    """The SQLite variant of the concurrency test: a burst one after another."""
    for person in people(7):
        services.signup_create(actor=person, event=briefing, name=person.name)
    assert Signup.objects.filter(status=SignupStatus.CONFIRMED).count() == 2
    waiting = Signup.objects.filter(status=SignupStatus.WAITING).order_by("created_at", "pk")
    assert [selectors.waiting_position(s) for s in waiting] == [1, 2, 3, 4, 5]


# --------------------------------------------------------------------------- check-in


def test_checkin_by_the_organiser_of_confirmed_attendees(
    staff: Any, briefing: Event, unit_x_admin: Any
) -> None:
    a, b, c = people(3)
    first = services.signup_create(actor=a, event=briefing, name="甲")
    services.signup_create(actor=b, event=briefing, name="乙")
    waiting = services.signup_create(actor=c, event=briefing, name="丙")
    with pytest.raises(NotAllowed):
        services.checkin(actor=unit_x_admin, signup=first)
    with pytest.raises(WrongState):
        services.checkin(actor=staff, signup=waiting)
    assert services.checkin(actor=staff, signup=first).checked_in_at is not None
    assert services.checkin(actor=staff, signup=first, present=False).checked_in_at is None
    services.event_cancel(actor=staff, event=briefing, reason="取消")
    with pytest.raises(WrongState):
        services.checkin(actor=staff, signup=first)


# --------------------------------------------------------------------------- presenters


def test_presenting_teams_in_order(
    staff: Any, exchange: Event, submitted_a: Any, unit_x: Any, org_b: Any, campaign: Any
) -> None:
    other = with_result(make_application(organisation=org_b, unit=unit_x, campaign=campaign))
    third = with_result(
        make_application(
            organisation=org_b,
            unit=unit_x,
            campaign=campaign,
            team_name="维修二组",
            team_type="服务型",
        ),
        "typical",
    )
    with_result(submitted_a)
    first = services.presenter_add(actor=staff, event=exchange, application=submitted_a)
    second = services.presenter_add(actor=staff, event=exchange, application=other)
    services.presenter_add(actor=staff, event=exchange, application=third)
    with pytest.raises(WrongState):
        services.presenter_add(actor=staff, event=exchange, application=other)

    def order() -> list[int]:
        return [p.application_id for p in selectors.presenters(exchange)]

    services.presenter_move(actor=staff, presenter=second, direction="up")
    assert order() == [other.pk, submitted_a.pk, third.pk]
    services.presenter_move(actor=staff, presenter=second, direction="up")  # at the top
    assert order() == [other.pk, submitted_a.pk, third.pk]
    services.presenter_move(actor=staff, presenter=first, direction="down")
    assert order() == [other.pk, third.pk, submitted_a.pk]
    with pytest.raises(ServiceError):
        services.presenter_move(actor=staff, presenter=first, direction="sideways")
    services.presenter_remove(actor=staff, presenter=second)
    assert order() == [third.pk, submitted_a.pk]
    assert [p.position for p in selectors.presenters(exchange)] == [1, 2]
    assert selectors.presentable_applications(exchange).filter(pk=other.pk).exists()
    assert "event.presenter_move" in actions(exchange)


def test_an_exchange_meeting_presents_the_years_results_only(
    staff: Any, exchange: Event, submitted_a: Any, unit_x: Any, org_b: Any, campaign: Any
) -> None:
    """Rule 10: 交流会 presenters are teams with a result of that year (建设经验/典型经验)."""
    for level in ("not_selected", "typical_candidate"):
        with_result(submitted_a, level)
        assert not selectors.presentable_applications(exchange).filter(pk=submitted_a.pk).exists()
        with pytest.raises(ServiceError) as excinfo:
            services.presenter_add(actor=staff, event=exchange, application=submitted_a)
        assert excinfo.value.code == "no_result"
        assert excinfo.value.field == "application"
    assert not exchange.presenters.exists()
    with_result(submitted_a, "typical")
    assert selectors.presentable_applications(exchange).filter(pk=submitted_a.pk).exists()
    services.presenter_add(actor=staff, event=exchange, application=submitted_a)
    assert exchange.presenters.filter(application=submitted_a).exists()


def test_a_voided_recommendation_does_not_present(
    unit_x_admin: Any, unit_session: Event, submitted_a: Any
) -> None:
    from xinban.recommendation.models import ReportStatus, UnitRecommendationReport

    recommended(submitted_a, by=unit_x_admin)
    UnitRecommendationReport.objects.filter(unit=unit_session.unit).update(
        status=ReportStatus.VOIDED
    )
    with pytest.raises(ServiceError) as excinfo:
        services.presenter_add(actor=unit_x_admin, event=unit_session, application=submitted_a)
    assert excinfo.value.code == "not_recommended"


def test_presenters_only_for_exchange_and_presentation(
    staff: Any, briefing: Event, submitted_a: Any
) -> None:
    with pytest.raises(WrongState):
        services.presenter_add(actor=staff, event=briefing, application=submitted_a)


def test_a_units_session_presents_only_its_own_applications_of_the_year(
    unit_x_admin: Any,
    unit_y_admin: Any,
    unit_session: Event,
    submitted_a: Any,
    draft_a: Any,
    unit_y: Any,
    org_b: Any,
    campaign: Any,
) -> None:
    from xinban.campaigns.models import Campaign

    foreign = make_application(organisation=org_b, unit=unit_y, campaign=campaign)
    with pytest.raises(ServiceError) as excinfo:
        services.presenter_add(actor=unit_x_admin, event=unit_session, application=foreign)
    assert excinfo.value.code == "other_unit"
    last_year = Campaign.objects.create(year=campaign.year - 1, title="往年")
    old = make_application(
        organisation=org_b, unit=unit_session.unit, campaign=last_year, team_name="老班组"
    )
    foreign.delete()
    with pytest.raises(ServiceError) as excinfo:
        services.presenter_add(actor=unit_x_admin, event=unit_session, application=old)
    assert excinfo.value.code == "other_year"
    draft = make_application(
        organisation=org_b, unit=unit_session.unit, campaign=campaign, state="draft"
    )
    assert not selectors.presentable_applications(unit_session).filter(pk=draft.pk).exists()
    with pytest.raises(ServiceError) as excinfo:
        services.presenter_add(actor=unit_x_admin, event=unit_session, application=draft)
    assert excinfo.value.code == "not_submitted"
    with pytest.raises(NotAllowed):
        services.presenter_add(actor=unit_y_admin, event=unit_session, application=submitted_a)
    # Rule 10: a unit's 发表会 presents the teams the unit recommends.
    assert list(selectors.presentable_applications(unit_session)) == []
    with pytest.raises(ServiceError) as excinfo:
        services.presenter_add(actor=unit_x_admin, event=unit_session, application=submitted_a)
    assert excinfo.value.code == "not_recommended"
    assert "推荐名单" in str(excinfo.value.message)
    recommended(submitted_a, by=unit_x_admin)
    assert list(selectors.presentable_applications(unit_session)) == [submitted_a]
    services.presenter_add(actor=unit_x_admin, event=unit_session, application=submitted_a)
    assert list(selectors.presentable_applications(unit_session)) == []


def test_presenters_are_frozen_once_cancelled(
    staff: Any, exchange: Event, submitted_a: Any
) -> None:
    with_result(submitted_a)
    presenter = services.presenter_add(actor=staff, event=exchange, application=submitted_a)
    services.event_cancel(actor=staff, event=exchange, reason="取消")
    for action in (
        lambda: services.presenter_move(actor=staff, presenter=presenter, direction="down"),
        lambda: services.presenter_remove(actor=staff, presenter=presenter),
    ):
        with pytest.raises(WrongState):
            action()
