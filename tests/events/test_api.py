"""The events API: list and detail without login (drafts 404), sign-up with the page's
validation (422 per field), the waiting list and its position, cancelling, 409s."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.events.conftest import client_for, people, recommended
from xinban.events import services
from xinban.events.models import Event, Signup

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


def test_list_and_detail_are_public_and_hide_drafts(
    briefing: Event, unit_session: Event, unit_x_admin: Any, submitted_a: Any
) -> None:
    recommended(submitted_a, by=unit_x_admin)
    services.presenter_add(actor=unit_x_admin, event=unit_session, application=submitted_a)
    listed = Client().get("/api/events").json()
    assert [e["id"] for e in listed] == [briefing.pk]
    assert listed[0]["confirmed"] == 0 and listed[0]["kind_label"] == "说明会"
    detail = Client().get(f"/api/events/{briefing.pk}").json()
    assert detail["signup_open"] is True and detail["mine"] is None
    assert Client().get(f"/api/events/{unit_session.pk}").status_code == 404
    own = client_for(unit_x_admin).get(f"/api/events/{unit_session.pk}").json()
    assert own["state"] == "draft" and own["unit"] == unit_session.unit.name  # type: ignore[union-attr]
    assert own["presenters"] == [
        {
            "position": 1,
            "organisation": submitted_a.organisation.name,
            "team_name": submitted_a.team_name,
        }
    ]


def test_signup_waiting_list_and_cancel(briefing: Event) -> None:
    a, b, c = people(3)
    assert Client().post(f"/api/events/{briefing.pk}/signup", {}).status_code == 401
    first = post(client_for(a), f"/api/events/{briefing.pk}/signup", {"phone": "13900000000"})
    assert first.status_code == 200 and first.json()["status"] == "confirmed"
    assert first.json()["name"] == a.name  # the account's name when none is given
    again = post(client_for(a), f"/api/events/{briefing.pk}/signup")
    assert again.status_code == 409 and again.json()["code"] == "already_signed_up"
    post(client_for(b), f"/api/events/{briefing.pk}/signup")
    third = post(client_for(c), f"/api/events/{briefing.pk}/signup").json()
    assert third == {
        "status": "waiting",
        "waiting_position": 1,
        "name": c.name,
        "organisation": "",
        "phone": "",
        "checked_in": False,
    }
    cancelled = post(client_for(a), f"/api/events/{briefing.pk}/signup/cancel")
    assert cancelled.json()["status"] == "cancelled"
    mine = client_for(c).get(f"/api/events/{briefing.pk}").json()["mine"]
    assert mine["status"] == "confirmed"  # promoted
    assert post(client_for(a), f"/api/events/{briefing.pk}/signup/cancel").status_code == 409


def test_signup_validation_per_field(briefing: Event) -> None:
    (a,) = people(1)
    response = post(
        client_for(a), f"/api/events/{briefing.pk}/signup", {"phone": "abc", "name": ["甲"]}
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "请填写11位手机号码，或带区号的固定电话" in errors["phone"][0] and "name" in errors
    assert not Signup.objects.exists()
    # A landline without its area code is refused too (rule 11), in English as well.
    loose = client_for(a).post(
        f"/api/events/{briefing.pk}/signup",
        {"phone": "5888 1234"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert loose.status_code == 422
    assert "landline with its area code" in loose.json()["errors"]["phone"][0]
    assert not Signup.objects.exists()


def test_cancel_without_a_signup_is_404_and_drafts_cannot_be_joined(
    unit_session: Event, briefing: Event
) -> None:
    (a,) = people(1)
    assert post(client_for(a), f"/api/events/{briefing.pk}/signup/cancel").status_code == 404
    assert post(client_for(a), f"/api/events/{unit_session.pk}/signup").status_code == 404
    assert Client().get("/api/events/99999999999999999999999").status_code == 404
