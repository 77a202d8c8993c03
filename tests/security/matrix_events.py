"""Permission-matrix entries of events. The world adds the association's published
briefing (applicant A signed up) and unit X's draft presentation session with A's
submitted application presenting."""

from __future__ import annotations

from typing import Any

from tests.security.matrix_kit import (
    ANE,
    POST_ONLY,
    PUBLIC,
    Op,
    Page,
    Redirect,
    Ref,
    api_row,
    row,
)

BRIEFING = {"pk": Ref("briefing")}
UNIT_EVENT = {"pk": Ref("unit_event")}
TO_BRIEFING = Redirect("/events/{briefing}/", exact=True)
# The briefing is the association's: staff organise it; everyone else may not (403).
STAFF_ORGANISES = row(403, staff=200)
STAFF_ACTS = row(403, staff=ANE)
# Unit X's draft: only unit X (admin organises, member looks) and staff see it.
UNIT_ORGANISES = row(404, unit_x_admin=200, unit_x_member=403, staff=200)
UNIT_ACTS = row(404, unit_x_admin=ANE, unit_x_member=403, staff=ANE)
UNIT_EVENT_ID = {"event_id": Ref("unit_event")}
UNIT_API_ACTS = api_row(404, unit_x_admin=ANE, unit_x_member=403, staff=ANE)
UNIT_API_422 = api_row(404, unit_x_admin=422, unit_x_member=403, staff=422)
# Who organises events at all: staff and units' admins.
ORGANISERS = row(403, staff=200, unit_x_admin=200, unit_y_admin=200)

ENTRIES: dict[str, Page | Op] = {
    "events:list": Page(get=PUBLIC),
    "events:create": Page(
        get=row(403, staff=200, unit_x_admin=200, unit_y_admin=200),
        post=row(403, staff=200, unit_x_admin=200, unit_y_admin=200),  # empty form again
    ),
    "events:detail": Page(get=PUBLIC, kwargs=BRIEFING),
    "events:detail (unit X's draft)": Page(
        get=row(404, anonymous=404, unit_x_admin=200, unit_x_member=200, staff=200),
        kwargs=UNIT_EVENT,
    ),
    # Signing up: anyone logged in (every field is optional); A has already signed up:
    # refused with a message on the event page.
    "events:signup": Page(get=POST_ONLY, post=row(ANE, applicant_a=TO_BRIEFING), kwargs=BRIEFING),
    "events:signup_cancel": Page(get=POST_ONLY, post=row(404, applicant_a=ANE), kwargs=BRIEFING),
    "events:manage": Page(get=STAFF_ORGANISES, post=STAFF_ORGANISES, kwargs=BRIEFING),
    "events:manage (unit X's draft)": Page(
        get=UNIT_ORGANISES, post=UNIT_ORGANISES, kwargs=UNIT_EVENT
    ),
    "events:publish": Page(get=POST_ONLY, post=UNIT_ACTS, kwargs=UNIT_EVENT),
    "events:cancel": Page(get=POST_ONLY, post=STAFF_ACTS, kwargs=BRIEFING),
    "events:attendees": Page(get=STAFF_ORGANISES, kwargs=BRIEFING),
    "events:checkin_list": Page(get=STAFF_ORGANISES, kwargs=BRIEFING),
    "events:checkin": Page(
        get=POST_ONLY, post=STAFF_ACTS, kwargs={**BRIEFING, "signup_pk": Ref("signup_a")}
    ),
    "events:presenter_add": Page(get=POST_ONLY, post=UNIT_ACTS, kwargs=UNIT_EVENT),
    "events:presenter_move": Page(
        get=POST_ONLY,
        post=UNIT_ACTS,
        kwargs={**UNIT_EVENT, "presenter_pk": Ref("presenter"), "direction": "up"},
    ),
    "events:presenter_remove": Page(
        get=POST_ONLY, post=UNIT_ACTS, kwargs={**UNIT_EVENT, "presenter_pk": Ref("presenter")}
    ),
    # The list's Excel: the published events, anyone (anonymous too), as events:list; the
    # events one organises (drafts included), organisers only, as events:create.
    "exports:download (events)": Page(get=PUBLIC, kwargs={"kind": "events"}),
    "exports:download (events organised)": Page(
        get=ORGANISERS, kwargs={"kind": "events_organised"}
    ),
    # --- API
    "GET /api/events": Op(row(200, anonymous=200)),
    "GET /api/events/{event_id}": Op(row(200, anonymous=200)),
    # Anyone signed in may sign up (A already has: 409).
    "POST /api/events/{event_id}/signup": Op(api_row(ANE, applicant_a=409)),
    "POST /api/events/{event_id}/signup/cancel": Op(api_row(404, applicant_a=ANE), body="none"),
    # --- API: organisers ({event_id}: the association's published briefing unless
    # overridden; an empty body is invalid for those allowed: 422, nothing changes)
    "GET /api/events/organised": Op(api_row(200)),
    "POST /api/events": Op(api_row(403, staff=422, unit_x_admin=422, unit_y_admin=422)),
    "PUT /api/events/{event_id}": Op(api_row(403, staff=422)),
    "PUT /api/events/{event_id} (unit X's draft)": Op(UNIT_API_422, kwargs=UNIT_EVENT_ID),
    "POST /api/events/{event_id}/publish": Op(api_row(403, staff=409), body="none"),
    "POST /api/events/{event_id}/publish (unit X's draft)": Op(
        UNIT_API_ACTS, kwargs=UNIT_EVENT_ID, body="none"
    ),
    "POST /api/events/{event_id}/cancel": Op(api_row(403, staff=422)),
    "POST /api/events/{event_id}/cancel (unit X's draft)": Op(UNIT_API_422, kwargs=UNIT_EVENT_ID),
    "GET /api/events/{event_id}/signups": Op(api_row(403, staff=200)),
    "GET /api/events/{event_id}/signups (unit X's draft)": Op(
        api_row(404, unit_x_admin=200, unit_x_member=403, staff=200), kwargs=UNIT_EVENT_ID
    ),
    "POST /api/events/{event_id}/signups/{signup_id}/checkin": Op(
        api_row(403, staff=ANE), body="none"
    ),
    "DELETE /api/events/{event_id}/signups/{signup_id}/checkin": Op(api_row(403, staff=ANE)),
    "GET /api/events/{event_id}/presenters": Op(
        api_row(404, unit_x_admin=200, unit_x_member=403, staff=200), kwargs=UNIT_EVENT_ID
    ),
    "GET /api/events/{event_id}/presenters (the briefing)": Op(api_row(403, staff=200)),
    "POST /api/events/{event_id}/presenters": Op(UNIT_API_422, kwargs=UNIT_EVENT_ID),
    "POST /api/events/{event_id}/presenters/{presenter_id}/move": Op(
        UNIT_API_422, kwargs=UNIT_EVENT_ID
    ),
    "DELETE /api/events/{event_id}/presenters/{presenter_id}": Op(
        UNIT_API_ACTS, kwargs=UNIT_EVENT_ID
    ),
    "GET /api/exports/{kind}.xlsx (events)": Op(api_row(200), kwargs={"kind": "events"}),
    "GET /api/exports/{kind}.xlsx (events organised)": Op(
        api_row(403, staff=200, unit_x_admin=200, unit_y_admin=200),
        kwargs={"kind": "events_organised"},
    ),
}
KWARGS = {
    "event_id": Ref("briefing"),
    "signup_id": Ref("signup_a"),
    "presenter_id": Ref("presenter"),
}


def extend_world(fx: dict[str, Any], users: dict[str, Any], ids: dict[str, Any]) -> None:
    from tests.events.conftest import event_data
    from xinban.events import services
    from xinban.events.models import EventKind

    staff, campaign = fx["staff"], fx["campaign"]
    briefing = services.event_create(actor=staff, campaign=campaign, data=event_data())
    services.event_publish(actor=staff, event=briefing)
    signup = services.signup_create(actor=users["applicant_a"], event=briefing, name="甲")
    unit_event = services.event_create(
        actor=fx["unit_x_admin"],
        campaign=campaign,
        data=event_data(kind=EventKind.PRESENTATION, title="浦东发表会"),
        unit=fx["unit_x"],
    )
    from xinban.applications.models import Application

    submitted_a = Application.objects.get(pk=ids["app_a"])  # A's, submitted to unit X
    presenter = services.presenter_add(
        actor=fx["unit_x_admin"], event=unit_event, application=submitted_a
    )
    ids.update(
        briefing=briefing.pk, unit_event=unit_event.pk, signup_a=signup.pk, presenter=presenter.pk
    )


def fingerprint() -> dict[str, Any]:
    from xinban.events.models import Event, Presenter, Signup

    return {
        "events": sorted(Event.objects.values_list("pk", "state", "capacity", "title")),
        "signups": sorted(Signup.objects.values_list("pk", "status", "checked_in_at")),
        "presenters": sorted(Presenter.objects.values_list("pk", "position")),
    }
