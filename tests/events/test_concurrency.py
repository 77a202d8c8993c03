"""Capacity and the waiting list hold when several people sign up (and cancel) at the
same moment: PostgreSQL, one connection per thread, released together by a barrier. The
service locks the event row (select_for_update), so the count of confirmed sign-ups is
read and written by one transaction at a time. (The SQLite variant — a burst one after
another — is test_services.test_sequential_burst_keeps_capacity.)"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from tests.events.conftest import event_data, people
from xinban.core.errors import WrongState
from xinban.events import selectors, services
from xinban.events.models import Event, Signup, SignupStatus

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def run_at_once(jobs: list[Callable[[], object]]) -> tuple[list[object], list[BaseException]]:
    barrier = threading.Barrier(len(jobs))
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            result = job()
            with lock:
                results.append(result)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertions
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.fixture
def event(staff: Any, campaign: Any, taxonomies: None) -> Event:
    created = services.event_create(actor=staff, campaign=campaign, data=event_data(capacity=5))
    return services.event_publish(actor=staff, event=created)


def test_capacity_holds_under_concurrent_signups(event: Event) -> None:
    crowd = people(20)
    _results, errors = run_at_once(
        [
            lambda p=p: services.signup_create(actor=p, event=event, name=p.name)  # type: ignore[misc]
            for p in crowd
        ]
    )
    assert errors == []
    assert Signup.objects.filter(event=event, status=SignupStatus.CONFIRMED).count() == 5
    waiting = list(
        Signup.objects.filter(event=event, status=SignupStatus.WAITING).order_by("created_at", "pk")
    )
    assert len(waiting) == 15
    assert [selectors.waiting_position(s) for s in waiting] == list(range(1, 16))


def test_cancellations_and_signups_at_once_promote_in_order(event: Event) -> None:
    first = people(10, "first")
    for person in first:  # 5 confirmed, 5 waiting, one after another
        services.signup_create(actor=person, event=event, name=person.name)
    waiting_before = list(
        Signup.objects.filter(event=event, status=SignupStatus.WAITING)
        .order_by("created_at", "pk")
        .values_list("user_id", flat=True)
    )
    leaving = list(Signup.objects.filter(event=event, status=SignupStatus.CONFIRMED)[:3])
    newcomers = people(6, "new")
    jobs: list[Callable[[], object]] = [
        lambda s=s: services.signup_cancel(actor=s.user, signup=s)  # type: ignore[misc]
        for s in leaving
    ]
    jobs += [
        lambda p=p: services.signup_create(actor=p, event=event, name=p.name)  # type: ignore[misc]
        for p in newcomers
    ]
    _results, errors = run_at_once(jobs)
    assert errors == []
    confirmed = set(
        Signup.objects.filter(event=event, status=SignupStatus.CONFIRMED).values_list(
            "user_id", flat=True
        )
    )
    assert len(confirmed) == 5
    # The three places went to the first three on the waiting list, not to newcomers.
    assert set(waiting_before[:3]) <= confirmed
    assert not confirmed & {p.pk for p in newcomers}
    assert Signup.objects.filter(event=event, status=SignupStatus.WAITING).count() == 2 + 6


def test_the_same_person_twice_at_once_gets_one_sign_up(event: Event) -> None:
    (person,) = people(1)
    results, errors = run_at_once(
        [lambda: services.signup_create(actor=person, event=event, name="甲")] * 4
    )
    assert len(results) == 1
    assert len(errors) == 3 and all(isinstance(e, WrongState) for e in errors)
    assert Signup.objects.filter(event=event, user=person).count() == 1
