"""The organisers' operations of events and learning through the API, over the same
services as the pages: the allowed role changes the state (audited); an outsider gets 404,
a role that sees but may not act 403; bad input 422 naming the field."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.api.conftest import Api, api_for
from tests.events.conftest import recommended
from tests.recommendation.factories import make_application
from xinban.core.models import AuditEntry
from xinban.events.models import Event, EventState, Presenter, Signup
from xinban.events.services import signup_create

pytestmark = pytest.mark.django_db


def event_body(**overrides: Any) -> dict[str, Any]:
    start = timezone.now() + timedelta(days=10)
    body: dict[str, Any] = {
        "kind": "briefing",
        "title": "成果申报说明会",
        "description": "介绍申报要求。",
        "location": "长宁区泰安路74号",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "signup_closes_at": (start - timedelta(days=1)).isoformat(),
        "capacity": 30,
    }
    body.update(overrides)
    return body


def test_staff_create_edit_publish_and_cancel_an_event(
    staff: Any, campaign: Any, applicant_a: Any, unit_y_admin: Any
) -> None:
    api = api_for(staff)
    refused = api.post("/events", event_body(title="", capacity="许多"))
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) == {"title", "capacity"}
    # An applicant organises nothing: 403 before the body is read.
    assert api_for(applicant_a).post("/events", event_body()).status_code == 403

    created = api.post("/events", event_body())
    assert created.status_code == 201, created.json()
    event = Event.objects.get(pk=created.json()["id"])
    assert event.state == EventState.DRAFT and event.unit_id is None
    assert created.json()["state"] == "draft"

    # The draft is hidden from everyone but its organisers.
    outsider = api_for(applicant_a)
    assert outsider.put(f"/events/{event.pk}", event_body()).status_code == 404
    assert outsider.post(f"/events/{event.pk}/publish").status_code == 404
    assert [e["id"] for e in api.get("/events/organised").json()] == [event.pk]
    assert outsider.get("/events/organised").json() == []

    # The service's own rule: a field error naming the field.
    backwards = api.put(
        f"/events/{event.pk}",
        event_body(ends_at=(timezone.now() + timedelta(days=9)).isoformat()),
    )
    assert backwards.status_code == 400 and backwards.json()["field"] == "ends_at"
    assert api.put(f"/events/{event.pk}", event_body(title="")).json()["errors"]["title"]
    edited = api.put(f"/events/{event.pk}", event_body(title="2026年说明会", capacity=None))
    assert edited.status_code == 200, edited.json()
    event.refresh_from_db()
    assert event.title == "2026年说明会" and event.capacity is None

    assert api.post(f"/events/{event.pk}/publish").json()["state"] == "published"
    assert api.post(f"/events/{event.pk}/publish").status_code == 409  # not a draft
    event.refresh_from_db()
    assert event.state == EventState.PUBLISHED

    # Published: everyone sees it, nobody else organises it (403).
    for other in (applicant_a, unit_y_admin):
        assert api_for(other).post(f"/events/{event.pk}/cancel", {"reason": "x"}).status_code == 403
        assert api_for(other).get(f"/events/{event.pk}/signups").status_code == 403
        assert api_for(other).put(f"/events/{event.pk}", event_body()).status_code == 403

    no_reason = api.post(f"/events/{event.pk}/cancel", {})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["errors"]
    cancelled = api.post(f"/events/{event.pk}/cancel", {"reason": "场地调整"})
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    event.refresh_from_db()
    assert event.state == EventState.CANCELLED
    assert api.post(f"/events/{event.pk}/cancel", {"reason": "再次"}).status_code == 409
    actions = set(
        AuditEntry.objects.filter(object_id=str(event.pk)).values_list("action", flat=True)
    )
    assert {"event.create", "event.update", "event.publish", "event.cancel"} <= actions


def test_unit_admin_organises_its_presentation_session(
    unit_x_admin: Any,
    unit_y_admin: Any,
    unit_x: Any,
    unit_y: Any,
    api_unit_x_member: Api,
    campaign: Any,
    org_a: Any,
    org_b: Any,
    applicant_a: Any,
) -> None:
    api = api_for(unit_x_admin)
    # A unit admin must name the unit (one of theirs) and may only hold a 发表会.
    assert "unit_id" in api.post("/events", event_body(kind="presentation")).json()["errors"]
    other_unit = api.post("/events", event_body(kind="presentation", unit_id=unit_y.pk))
    assert other_unit.status_code == 422 and "unit_id" in other_unit.json()["errors"]
    wrong_kind = api.post("/events", event_body(unit_id=unit_x.pk))
    assert wrong_kind.status_code == 400 and wrong_kind.json()["field"] == "kind"
    created = api.post("/events", event_body(kind="presentation", unit_id=unit_x.pk))
    assert created.status_code == 201, created.json()
    event_id = created.json()["id"]
    assert created.json()["unit"] == unit_x.name

    first = make_application(organisation=org_a, unit=unit_x, campaign=campaign)
    second = make_application(
        organisation=org_b, unit=unit_x, campaign=campaign, team_name="装配二组"
    )
    elsewhere = make_application(
        organisation=org_b,
        unit=unit_y,
        campaign=campaign,
        team_name="客服三组",
        team_type="服务型",
    )
    path = f"/events/{event_id}/presenters"
    assert api_for(unit_y_admin).post(path, {"application_id": first.pk}).status_code == 404
    assert api_unit_x_member.post(path, {"application_id": first.pk}).status_code == 403
    assert api_unit_x_member.get(path).status_code == 403
    for bad in ({}, {"application_id": elsewhere.pk}, {"application_id": "甲"}):
        refused = api.post(path, bad)
        assert refused.status_code == 422 and "application_id" in refused.json()["errors"], bad
    # Rule 10: a 发表会 presents the unit's recommended teams; the refusal names why.
    not_recommended = api.post(path, {"application_id": first.pk})
    assert not_recommended.status_code == 400, not_recommended.json()
    assert not_recommended.json()["code"] == "not_recommended"
    assert not_recommended.json()["field"] == "application_id"
    recommended(first, by=unit_x_admin)
    recommended(second, by=unit_x_admin)
    assert api.post(path, {"application_id": first.pk}).status_code == 201
    listed = api.post(path, {"application_id": second.pk}).json()
    assert [p["team_name"] for p in listed] == ["质检一班", "装配二组"]

    moved_id = listed[1]["id"]
    bad_move = api.post(f"{path}/{moved_id}/move", {"direction": "left"})
    assert bad_move.status_code == 422 and "direction" in bad_move.json()["errors"]
    moved = api.post(f"{path}/{moved_id}/move", {"direction": "up"}).json()
    assert [p["team_name"] for p in moved] == ["装配二组", "质检一班"]
    assert Presenter.objects.get(pk=moved_id).position == 1
    remaining = api.delete(f"{path}/{moved_id}").json()
    assert [p["application_id"] for p in remaining] == [first.pk]
    assert not Presenter.objects.filter(pk=moved_id).exists()

    # Check-in, once the session is published and someone signed up.
    assert api.post(f"/events/{event_id}/publish").status_code == 200
    signup = signup_create(
        actor=applicant_a, event=Event.objects.get(pk=event_id), name="甲", phone="13912345678"
    )
    checkin = f"/events/{event_id}/signups/{signup.pk}/checkin"
    assert api_for(applicant_a).post(checkin).status_code == 403
    assert api_for(unit_y_admin).post(checkin).status_code == 403  # published: visible
    assert api.post(f"/events/{event_id}/signups/999999/checkin").status_code == 404
    marked = api.post(checkin)
    assert marked.status_code == 200 and marked.json()["checked_in_at"]
    signup.refresh_from_db()
    assert signup.checked_in_at is not None
    attendees = api.get(f"/events/{event_id}/signups").json()
    assert [(a["id"], a["email"]) for a in attendees] == [(signup.pk, applicant_a.email)]
    assert api.delete(checkin).json()["checked_in_at"] is None
    assert Signup.objects.get(pk=signup.pk).checked_in_at is None


def test_a_second_unit_admin_never_sees_the_draft(
    unit_x_admin: Any, unit_y_admin: Any, unit_x: Any, campaign: Any
) -> None:
    created = api_for(unit_x_admin).post(
        "/events", event_body(kind="presentation", unit_id=unit_x.pk)
    )
    event_id = created.json()["id"]
    outsider = api_for(unit_y_admin)
    for response in (
        outsider.put(f"/events/{event_id}", event_body(kind="presentation")),
        outsider.post(f"/events/{event_id}/publish"),
        outsider.post(f"/events/{event_id}/cancel", {"reason": "x"}),
        outsider.get(f"/events/{event_id}/signups"),
    ):
        assert response.status_code == 404
    assert Event.objects.get(pk=event_id).state == EventState.DRAFT


# --- learning: the catalogue's management (staff) ------------------------------------------


def test_staff_manage_courses_and_lessons(staff: Any, applicant_a: Any) -> None:
    import io

    from tests.conftest import pdf_bytes
    from xinban.learning.models import Course, Lesson

    api = api_for(staff)
    assert api_for(applicant_a).post("/learning/courses", {"title": "x"}).status_code == 403
    refused = api.post("/learning/courses", {"title": "", "position": -1})
    assert refused.status_code == 422 and set(refused.json()["errors"]) == {"title", "position"}
    created = api.post("/learning/courses", {"title": "准则解读", "description": "第一讲"})
    assert created.status_code == 201, created.json()
    course_id = created.json()["id"]
    assert created.json()["published"] is False

    # Unpublished: outsiders do not see it (404); staff see it in the management list.
    outsider = api_for(applicant_a)
    assert outsider.put(f"/learning/courses/{course_id}", {"title": "y"}).status_code == 404
    assert outsider.post(f"/learning/courses/{course_id}/publish").status_code == 404
    assert [c["id"] for c in api.get("/learning/manage/courses").json()] == [course_id]
    assert outsider.get("/learning/manage/courses").status_code == 403

    edited = api.put(f"/learning/courses/{course_id}", {"title": "准则全文解读", "position": 2})
    assert edited.status_code == 200 and edited.json()["position"] == 2
    assert Course.objects.get(pk=course_id).title == "准则全文解读"

    # No lesson yet: it cannot go online.
    assert api.post(f"/learning/courses/{course_id}/publish").status_code == 409
    lessons = f"/learning/courses/{course_id}/lessons"
    bad_kind = api.upload(lessons, title="第一讲", kind="podcast")
    assert bad_kind.status_code == 422 and "kind" in bad_kind.json()["errors"]
    no_url = api.upload(lessons, title="案例", kind="link")
    assert no_url.status_code == 400 and no_url.json()["field"] == "url"
    document = io.BytesIO(pdf_bytes("准则"))
    document.name = "准则.pdf"
    added = api.upload(lessons, title="准则全文", kind="document", file=document)
    assert added.status_code == 201, added.json()
    assert added.json()["items"][0]["file_url"]
    linked = api.upload(lessons, title="案例", kind="link", url="https://example.com/case")
    first, second = (item["id"] for item in linked.json()["items"])
    assert Lesson.objects.get(pk=second).url == "https://example.com/case"

    renamed = api.upload(f"{lessons}/{second}", title="案例集", kind="link", url="https://e.cn")
    assert renamed.status_code == 200 and Lesson.objects.get(pk=second).title == "案例集"
    bad_move = api.post(f"{lessons}/{second}/move", {"direction": "sideways"})
    assert bad_move.status_code == 422 and "direction" in bad_move.json()["errors"]
    moved = api.post(f"{lessons}/{second}/move", {"direction": "up"}).json()
    assert [item["id"] for item in moved["items"]] == [second, first]

    online = api.post(f"/learning/courses/{course_id}/publish")
    assert online.status_code == 200 and online.json()["published"] is True
    assert Course.objects.get(pk=course_id).published
    # Published: everyone sees it; only staff manage it (403).
    assert outsider.put(f"/learning/courses/{course_id}", {"title": "y"}).status_code == 403
    assert outsider.delete(f"{lessons}/{first}").status_code == 403
    assert outsider.post(f"/learning/courses/{course_id}/unpublish").status_code == 403

    assert api.delete(f"{lessons}/{first}").json()["lessons"] == 1
    assert not Lesson.objects.filter(pk=first).exists()
    offline = api.post(f"/learning/courses/{course_id}/unpublish")
    assert offline.status_code == 200 and not Course.objects.get(pk=course_id).published
    assert api.post(f"/learning/courses/{course_id}/unpublish").status_code == 409
    actions = set(
        AuditEntry.objects.filter(action__startswith="learning.").values_list("action", flat=True)
    )
    assert {
        "learning.course_create",
        "learning.course_update",
        "learning.course_publish",
        "learning.course_unpublish",
        "learning.lesson_add",
        "learning.lesson_update",
        "learning.lesson_move",
        "learning.lesson_remove",
    } <= actions


def test_organiser_writes_need_staff_or_units_scope(
    unit_x_admin: Any, unit_x: Any, campaign: Any
) -> None:
    import json

    from django.test import Client

    from xinban.api.services import token_create

    def bearer(scopes: list[str]) -> Client:
        _token, secret = token_create(actor=unit_x_admin, name="活动", scopes=scopes)
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    body = json.dumps(event_body(kind="presentation", unit_id=unit_x.pk))
    personal = bearer(["read", "me:write"]).post(
        "/api/events", body, content_type="application/json"
    )
    assert personal.status_code == 403 and personal.json()["code"] == "insufficient_scope"
    assert "units:write" in personal.json()["detail"] and "staff:write" in personal.json()["detail"]
    unit = bearer(["units:write"]).post("/api/events", body, content_type="application/json")
    assert unit.status_code == 201, unit.json()
    signup = bearer(["units:write"]).post(f"/api/events/{unit.json()['id']}/signup")
    assert signup.status_code == 403  # signing up is one's own affair: me:write


def test_a_number_where_a_time_belongs_is_a_field_error(staff: Any, campaign: Any) -> None:
    """Found by the schema fuzzing: a JSON number in a date field was a server error."""
    body = {**event_body(), "starts_at": 1.5, "capacity": 30}
    response = api_for(staff).post("/events", body)
    assert response.status_code == 422, response.json()
    assert list(response.json()["errors"]) == ["starts_at"]
    assert not Event.objects.exists()
