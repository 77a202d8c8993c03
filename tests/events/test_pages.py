"""Event pages by persona: the public list and detail (drafts hidden), sign-up through
the form (input kept on an error), the organiser's pages (403 for those who only see
the event, 404 for outsiders), the Excel attendee list read back with openpyxl, the
printable check-in list, presenting teams on the page."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.events.conftest import client_for, event_data, people, with_result
from xinban.events import services
from xinban.events.models import Event, EventKind, Signup

pytestmark = pytest.mark.django_db


def test_public_list_and_detail_without_login(briefing: Event, staff: Any, campaign: Any) -> None:
    draft = services.event_create(
        actor=staff, campaign=campaign, data=event_data(title="尚未发布的培训")
    )
    html = Client().get(reverse("events:list")).content.decode()
    assert briefing.title in html and draft.title not in html
    detail = Client().get(reverse("events:detail", args=[briefing.pk]))
    assert detail.status_code == 200 and "登录后报名" in detail.content.decode()


def test_drafts_are_hidden_from_all_but_organisers_and_the_unit(
    staff: Any, unit_session: Event, applicant_a: Any, unit_y_admin: Any, unit_x_admin: Any
) -> None:
    url = reverse("events:detail", args=[unit_session.pk])
    assert Client().get(url).status_code == 404
    assert client_for(applicant_a).get(url).status_code == 404
    assert client_for(unit_y_admin).get(url).status_code == 404
    assert client_for(unit_x_admin).get(url).status_code == 200
    assert client_for(staff).get(url).status_code == 200
    manage = reverse("events:manage", args=[unit_session.pk])
    assert client_for(unit_y_admin).get(manage).status_code == 404
    assert client_for(unit_x_admin).get(manage).status_code == 200


def test_signup_through_the_form_then_cancel(briefing: Event, applicant_a: Any) -> None:
    client = client_for(applicant_a)
    page = client.get(reverse("events:detail", args=[briefing.pk])).content.decode()
    assert 'value="申报人A"' in page or applicant_a.name in page
    response = client.post(
        reverse("events:signup", args=[briefing.pk]),
        {"name": "王芳", "organisation": "上海浦江", "phone": "021-58881234"},
    )
    assert response.status_code == 302
    html = client.get(reverse("events:detail", args=[briefing.pk])).content.decode()
    assert 'data-signup="confirmed"' in html and "报名成功" in html
    signup = Signup.objects.get(user=applicant_a)
    assert (signup.name, signup.organisation, signup.phone) == ("王芳", "上海浦江", "021-58881234")
    client.post(reverse("events:signup_cancel", args=[briefing.pk]))
    signup.refresh_from_db()
    assert signup.status == "cancelled"


def test_a_bad_phone_is_refused_at_the_field_with_the_input_kept(
    briefing: Event, applicant_a: Any
) -> None:
    response = client_for(applicant_a).post(
        reverse("events:signup", args=[briefing.pk]),
        {"name": "王芳", "organisation": "上海浦江智能", "phone": "abc"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "请填写11位手机号码，或带区号的固定电话" in html and 'value="上海浦江智能"' in html
    assert not Signup.objects.exists()


@pytest.mark.parametrize(
    ("phone", "accepted"),
    [
        ("13900000000", True),
        ("021-58881234", True),
        ("0512-6543210-806", True),
        ("139 0000 0000", False),  # the looser check of before took these
        ("+86 139", False),
        ("58881234", False),  # a landline without its area code
        ("(021)58881234", False),
    ],
)
def test_the_signup_phone_is_a_mobile_or_a_landline_with_area_code(
    briefing: Event, applicant_a: Any, phone: str, accepted: bool
) -> None:
    """Rule 11 (docs/rules.md): the same validator as the other phone fields."""
    response = client_for(applicant_a).post(
        reverse("events:signup", args=[briefing.pk]), {"name": "王芳", "phone": phone}
    )
    assert Signup.objects.filter(phone=phone).exists() is accepted
    if not accepted:
        assert response.status_code == 200
        assert "请填写11位手机号码，或带区号的固定电话" in response.content.decode()


def test_full_event_puts_the_next_on_the_waiting_list_with_their_place(briefing: Event) -> None:
    a, b, c = people(3)
    for person in (a, b):
        services.signup_create(actor=person, event=briefing, name=person.name)
    client = client_for(c)
    client.post(reverse("events:signup", args=[briefing.pk]), {})
    html = client.get(reverse("events:detail", args=[briefing.pk])).content.decode()
    assert 'data-signup="waiting"' in html and "候补名单第 1 位" in html


def test_organiser_pages_refuse_those_who_only_see_the_event(
    briefing: Event, applicant_a: Any, unit_x_admin: Any
) -> None:
    for user in (applicant_a, unit_x_admin):
        client = client_for(user)
        for name in ("events:manage", "events:attendees", "events:checkin_list"):
            assert client.get(reverse(name, args=[briefing.pk])).status_code == 403
    assert Client().get(reverse("events:manage", args=[briefing.pk])).status_code == 302


def test_staff_create_edit_publish_and_cancel_through_the_pages(
    staff: Any, campaign: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(staff)
    form = {
        "kind": EventKind.TRAINING,
        "title": "班组成果材料撰写辅导",
        "description": "",
        "location": "质协大楼",
        "starts_at": "2099-03-10T09:30",
        "ends_at": "2099-03-10T09:00",  # before the start
        "signup_closes_at": "2099-03-09T17:00",
        "capacity": "30",
    }
    response = client.post(reverse("events:create"), form)
    assert response.status_code == 200
    assert "结束时间应晚于开始时间" in response.content.decode()
    assert 'value="班组成果材料撰写辅导"' in response.content.decode()
    assert not Event.objects.exists()
    form["ends_at"] = "2099-03-10T12:00"
    response = client.post(reverse("events:create"), form)
    event = Event.objects.get()
    assert response["Location"] == reverse("events:manage", args=[event.pk])
    assert event.unit is None and event.state == "draft"
    client.post(reverse("events:publish", args=[event.pk]))
    event.refresh_from_db()
    assert event.state == "published"
    response = client.post(reverse("events:cancel", args=[event.pk]), {"reason": ""})
    event.refresh_from_db()
    assert event.state == "published"  # a reason is needed
    client.post(reverse("events:cancel", args=[event.pk]), {"reason": "讲师临时有事"})
    event.refresh_from_db()
    assert event.state == "cancelled"


def test_unit_admin_creates_its_presentation_session(
    unit_x_admin: Any, unit_x: Any, campaign: Any, applicant_a: Any
) -> None:
    assert client_for(applicant_a).get(reverse("events:create")).status_code == 403
    client = client_for(unit_x_admin)
    page = client.get(reverse("events:create")).content.decode()
    assert unit_x.name in page
    client.post(
        reverse("events:create"),
        {
            "kind": EventKind.PRESENTATION,
            "title": "浦东新区成果发表会",
            "location": "浦东",
            "starts_at": "2099-05-10T09:30",
            "ends_at": "2099-05-10T12:00",
            "signup_closes_at": "2099-05-09T17:00",
            "unit": str(unit_x.pk),
        },
    )
    event = Event.objects.get()
    assert event.unit == unit_x and event.kind == "presentation"


def test_attendee_export_read_back_with_formulas_neutralised(staff: Any, briefing: Event) -> None:
    a, b, c = people(3)
    services.signup_create(
        actor=a, event=briefing, name='=HYPERLINK("http://x")', organisation="@SUM(1)"
    )
    services.signup_create(actor=b, event=briefing, name="乙", phone="+86 139")
    services.signup_create(actor=c, event=briefing, name="丙")  # waiting
    response = client_for(staff).get(reverse("events:attendees", args=[briefing.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == briefing.title
    assert rows[2][:4] == ("序号", "姓名", "单位", "联系电话")
    assert rows[3][1] == '\'=HYPERLINK("http://x")' and rows[3][2] == "'@SUM(1)"
    assert rows[4][3] == "'+86 139"  # a leading + could start a formula too
    assert rows[5][1] == "丙" and rows[5][5] == "候补第 1 位"
    # No cell of the file is a formula.
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    # Readable (docs/forms.md): the header bold and frozen under the title, filtered,
    # widths fitted, the sign-up time a date.
    assert all(c.font.bold for c in sheet[3])
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref == "A3:H6"
    assert sheet["G4"].is_date
    assert sheet.column_dimensions["B"].width >= len('\'=HYPERLINK("http://x")') + 2


def test_checkin_list_prints_and_marks(staff: Any, briefing: Event) -> None:
    a, b = people(2)
    first = services.signup_create(actor=a, event=briefing, name="甲", organisation="甲公司")
    services.signup_create(actor=b, event=briefing, name="乙")
    client = client_for(staff)
    response = client.post(reverse("events:checkin", args=[briefing.pk, first.pk]))
    assert response["Location"].endswith(f"#s{first.pk}")
    first.refresh_from_db()
    assert first.checked_in_at is not None
    page = client.get(reverse("events:checkin_list", args=[briefing.pk])).content.decode()
    assert "甲公司" in page and "已签到 1 / 2" in page and "data-print" in page
    assert "签名" in page  # a column to sign on paper
    client.post(reverse("events:checkin", args=[briefing.pk, first.pk]))  # again: undone
    first.refresh_from_db()
    assert first.checked_in_at is None


def test_presenting_teams_on_the_event_page_in_order(
    staff: Any, exchange: Event, submitted_a: Any, org_b: Any, unit_x: Any, campaign: Any
) -> None:
    from tests.recommendation.factories import make_application

    other = with_result(
        make_application(organisation=org_b, unit=unit_x, campaign=campaign, team_name="护理二组")
    )
    with_result(submitted_a)
    client = client_for(staff)
    client.post(
        reverse("events:presenter_add", args=[exchange.pk]), {"application": submitted_a.pk}
    )
    client.post(reverse("events:presenter_add", args=[exchange.pk]), {"application": other.pk})
    second = exchange.presenters.get(application=other)
    client.post(reverse("events:presenter_move", args=[exchange.pk, second.pk, "up"]))
    services.event_publish(actor=staff, event=exchange)
    html = Client().get(reverse("events:detail", args=[exchange.pk])).content.decode()
    assert html.index("护理二组") < html.index(submitted_a.team_name)
    response = client.post(
        reverse("events:presenter_add", args=[exchange.pk]), {"application": "99999999999999999999"}
    )
    assert response.status_code == 302  # a bad id is a message, not a 500
