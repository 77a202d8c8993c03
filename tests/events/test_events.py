"""Events: organising rights, capacity and the waiting list (also under concurrent
sign-ups), cancellation, check-in, the attendee export, presenting teams."""

from __future__ import annotations

import io
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import make_user
from tests.events.conftest import event_data
from xinban.core.errors import NotAllowed, ServiceError, WrongState
from xinban.events import services
from xinban.events.models import Event, EventKind, Signup, SignupStatus

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def people(n: int) -> list[Any]:
    return [make_user(f"p{i}@example.com", f"参会人{i}") for i in range(n)]


def test_only_staff_create_association_events(applicant_a: Any, campaign: Any) -> None:
    with pytest.raises(NotAllowed):
        services.event_create(actor=applicant_a, campaign=campaign, data=event_data())


def test_unit_admin_creates_only_its_own_presentation_session(
    unit_x_admin: Any, unit_x: Any, campaign: Any
) -> None:
    with pytest.raises(ServiceError):
        services.event_create(actor=unit_x_admin, campaign=campaign, data=event_data(), unit=unit_x)
    event = services.event_create(
        actor=unit_x_admin,
        campaign=campaign,
        data=event_data(kind=EventKind.PRESENTATION, title="浦东新区发表会"),
        unit=unit_x,
    )
    assert event.unit == unit_x and event.state == "draft"


def test_times_are_checked(staff: Any, campaign: Any) -> None:
    now = timezone.now()
    with pytest.raises(ServiceError) as excinfo:
        services.event_create(
            actor=staff, campaign=campaign, data=event_data(ends_at=now, starts_at=now)
        )
    assert excinfo.value.field == "ends_at"


def test_sequential_burst_keeps_capacity(briefing: Event) -> None:
    """The SQLite variant of the concurrency test: a burst one after another."""
    for person in people(7):
        services.signup_create(actor=person, event=briefing, name=person.name)
    assert Signup.objects.filter(status=SignupStatus.CONFIRMED).count() == 2
    assert Signup.objects.filter(status=SignupStatus.WAITING).count() == 5


def test_capacity_then_waiting_list_then_promotion(briefing: Event) -> None:
    a, b, c, d = people(4)
    assert services.signup_create(actor=a, event=briefing, name="甲").status == "confirmed"
    assert services.signup_create(actor=b, event=briefing, name="乙").status == "confirmed"
    assert services.signup_create(actor=c, event=briefing, name="丙").status == "waiting"
    assert services.signup_create(actor=d, event=briefing, name="丁").status == "waiting"
    with pytest.raises(WrongState):
        services.signup_create(actor=a, event=briefing, name="甲")
    mail.outbox.clear()
    services.signup_cancel(actor=a, signup=Signup.objects.get(user=a))
    statuses = dict(Signup.objects.values_list("user__email", "status"))
    assert statuses == {
        a.email: "cancelled",
        b.email: "confirmed",
        c.email: "confirmed",  # first on the waiting list moves up
        d.email: "waiting",
    }


def test_raising_the_capacity_promotes_the_waiting(staff: Any, briefing: Event) -> None:
    for person in people(3):
        services.signup_create(actor=person, event=briefing, name=person.name)
    services.event_update(actor=staff, event=briefing, data=event_data(capacity=3))
    assert Signup.objects.filter(status="confirmed").count() == 3


def test_signup_closed_and_draft_events_refuse(staff: Any, campaign: Any) -> None:
    (a,) = people(1)
    draft = services.event_create(actor=staff, campaign=campaign, data=event_data())
    with pytest.raises(WrongState):
        services.signup_create(actor=a, event=draft, name="甲")
    services.event_publish(actor=staff, event=draft)
    with pytest.raises(WrongState):
        services.signup_create(
            actor=a, event=draft, name="甲", now=timezone.now() + timedelta(days=9, hours=1)
        )


def test_cancel_notifies_every_attendee(
    staff: Any, briefing: Event, django_capture_on_commit_callbacks: Any
) -> None:
    a, b, c = people(3)
    for person in (a, b, c):
        services.signup_create(actor=person, event=briefing, name=person.name)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(actor=staff, event=briefing, reason="场地临时调整")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in (a, b, c))
    assert all("场地临时调整" in m.body for m in mail.outbox)


def test_attendee_export_neutralises_formulas(staff: Any, briefing: Event) -> None:
    (a,) = people(1)
    services.signup_create(
        actor=a, event=briefing, name='=HYPERLINK("http://x")', organisation="@SUM(1)"
    )
    response = client_for(staff).get(reverse("events:attendees", args=[briefing.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "姓名"
    assert rows[1][1] == '\'=HYPERLINK("http://x")' and rows[1][2] == "'@SUM(1)"
    assert client_for(a).get(reverse("events:attendees", args=[briefing.pk])).status_code == 403


def test_checkin_by_the_organiser(staff: Any, briefing: Event) -> None:
    (a,) = people(1)
    signup = services.signup_create(actor=a, event=briefing, name="甲")
    client = client_for(staff)
    client.post(reverse("events:checkin", args=[briefing.pk, signup.pk]))
    signup.refresh_from_db()
    assert signup.checked_in_at is not None
    page = client.get(reverse("events:checkin_list", args=[briefing.pk])).content.decode()
    assert "甲" in page and "已签到" in page


def test_presenting_teams_in_order(
    staff: Any, campaign: Any, submitted_a: Any, unit_x: Any, org_b: Any
) -> None:
    from tests.recommendation.factories import make_application

    exchange = services.event_create(
        actor=staff, campaign=campaign, data=event_data(kind=EventKind.EXCHANGE, title="交流会")
    )
    other = make_application(organisation=org_b, unit=unit_x, campaign=campaign, state="submitted")
    first = services.presenter_add(actor=staff, event=exchange, application=submitted_a)
    second = services.presenter_add(actor=staff, event=exchange, application=other)
    with pytest.raises(WrongState):
        services.presenter_add(actor=staff, event=exchange, application=other)
    services.presenter_move(actor=staff, presenter=second, direction="up")
    order = list(exchange.presenters.values_list("application_id", flat=True))
    assert order == [other.pk, submitted_a.pk]
    first.refresh_from_db()
    assert first.position == 2


def test_pages_signup_through_the_form(briefing: Event, applicant_a: Any) -> None:
    client = client_for(applicant_a)
    page = client.get(reverse("events:detail", args=[briefing.pk])).content.decode()
    assert briefing.title in page
    client.post(reverse("events:signup", args=[briefing.pk]), {"name": "王芳", "phone": "139"})
    html = client.get(reverse("events:detail", args=[briefing.pk])).content.decode()
    assert 'data-signup="confirmed"' in html
    assert Client().get(reverse("events:list")).status_code == 200


def test_drafts_are_hidden_from_the_public(staff: Any, campaign: Any, applicant_a: Any) -> None:
    draft = services.event_create(actor=staff, campaign=campaign, data=event_data())
    assert Client().get(reverse("events:detail", args=[draft.pk])).status_code == 404
    assert client_for(applicant_a).get(reverse("events:detail", args=[draft.pk])).status_code == 404
    assert client_for(staff).get(reverse("events:detail", args=[draft.pk])).status_code == 200


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_capacity_holds_under_concurrent_signups(
    staff: Any, campaign: Any, taxonomies: None
) -> None:
    event = services.event_create(actor=staff, campaign=campaign, data=event_data(capacity=5))
    services.event_publish(actor=staff, event=event)
    crowd = people(20)
    barrier = threading.Barrier(len(crowd))
    errors: list[BaseException] = []

    def sign_up(person: Any) -> None:
        try:
            barrier.wait()
            services.signup_create(actor=person, event=event, name=person.name)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(p,)) for p in crowd]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Signup.objects.filter(event=event, status=SignupStatus.CONFIRMED).count() == 5
    assert Signup.objects.filter(event=event, status=SignupStatus.WAITING).count() == 15
