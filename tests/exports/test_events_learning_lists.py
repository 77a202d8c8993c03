"""Exports of the events' and online learning's lists: 活动 and 我主办的活动 (events:list),
课程目录 and 我的课程 (learning:catalogue), 管理课程 (learning:manage). The same selectors
and rights as the pages; every file read back with openpyxl."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests.events.conftest import event_data
from tests.exports.kit import client_for, download, rows_of
from tests.learning.conftest import pdf_upload
from xinban.events import services as event_services
from xinban.events.models import Event, EventKind
from xinban.learning import services as learning_services
from xinban.learning.models import Course

pytestmark = pytest.mark.django_db

HEADERS = (
    "名称",
    "类型",
    "开始时间",
    "结束时间",
    "地点",
    "主办推荐单位",
    "状态",
    "已报名",
    "名额",
    "候补",
)


@pytest.fixture(autouse=True)
def _chinese() -> Any:
    with translation.override("zh-hans"):
        yield


# ------------------------------------------------------------------------------ events


@pytest.fixture
def events(staff: Any, campaign: Any, unit_x: Any, unit_x_admin: Any, applicant_a: Any) -> Any:
    """The association's published briefing (A signed up), a cancelled training, a past
    exchange titled like a formula, the association's draft and unit X's draft 发表会."""
    briefing = event_services.event_create(actor=staff, campaign=campaign, data=event_data())
    event_services.event_publish(actor=staff, event=briefing)
    event_services.signup_create(actor=applicant_a, event=briefing, name="甲")
    training = event_services.event_create(
        actor=staff,
        campaign=campaign,
        data=event_data(kind=EventKind.TRAINING, title="质量工具培训", capacity=None),
    )
    event_services.event_publish(actor=staff, event=training)
    event_services.event_cancel(actor=staff, event=training, reason="场地调整")
    past = event_services.event_create(
        actor=staff, campaign=campaign, data=event_data(kind=EventKind.EXCHANGE, title="=1+1")
    )
    event_services.event_publish(actor=staff, event=past)
    before = timezone.now() - timedelta(days=30)
    Event.objects.filter(pk=past.pk).update(
        starts_at=before, ends_at=before + timedelta(hours=2), signup_closes_at=before
    )
    draft = event_services.event_create(
        actor=staff, campaign=campaign, data=event_data(title="协会草稿活动")
    )
    unit_draft = event_services.event_create(
        actor=unit_x_admin,
        campaign=campaign,
        data=event_data(kind=EventKind.PRESENTATION, title="浦东发表会"),
        unit=unit_x,
    )
    return {
        "briefing": briefing,
        "training": training,
        "past": past,
        "draft": draft,
        "unit_draft": unit_draft,
    }


def test_anyone_exports_the_published_events_as_the_page_lists_them(
    events: dict[str, Event], applicant_b: Any, unit_x_admin: Any, staff: Any
) -> None:
    for client in (Client(), client_for(applicant_b), client_for(unit_x_admin), client_for(staff)):
        page = client.get(reverse("events:list"))
        assert download("events") in page.content.decode()
        listed = [e.title for e in (*page.context["upcoming"], *page.context["past"])]
        rows = rows_of(client.get(download("events")))
        assert rows[0] == HEADERS
        # Upcoming (soonest first), then past; drafts never, even for their organisers.
        assert [r[0].lstrip("'") for r in rows[1:]] == listed
        assert listed == ["活动推进及成果申报说明会", "质量工具培训", "=1+1"]
    by_title = {r[0]: r for r in rows[1:]}
    briefing = by_title["活动推进及成果申报说明会"]
    assert briefing[1] == "说明会" and briefing[6] == "已发布"
    assert (briefing[7], briefing[8], briefing[9]) == (1, 2, 0)
    local = timezone.localtime(events["briefing"].starts_at).replace(tzinfo=None)
    assert abs(briefing[2] - local) < timedelta(seconds=1)  # local time, no time zone
    training = by_title["质量工具培训"]
    assert training[6] == "已取消" and training[8] == "不限"
    assert "'=1+1" in by_title and by_title["'=1+1"][1] == "交流会"  # neutralised


def test_the_events_an_organiser_organises(
    events: dict[str, Event],
    staff: Any,
    unit_x: Any,
    unit_x_admin: Any,
    unit_y_admin: Any,
    applicant_a: Any,
    guide: Any,
) -> None:
    for user, expected in (
        (
            staff,
            {"活动推进及成果申报说明会", "质量工具培训", "'=1+1", "协会草稿活动", "浦东发表会"},
        ),
        (unit_x_admin, {"浦东发表会"}),  # the unit's own 发表会, a draft
        (unit_y_admin, set()),  # an organiser with nothing yet: an empty file
    ):
        client = client_for(user)
        page = client.get(reverse("events:list"))
        organised = [e.title for e in page.context["organised"]]
        rows = rows_of(client.get(download("events_organised")))
        assert rows[0] == HEADERS
        assert [r[0].lstrip("'") for r in rows[1:]] == organised  # the page's order
        assert {r[0] for r in rows[1:]} == expected
        assert (download("events_organised") in page.content.decode()) == bool(organised)
    rows = rows_of(client_for(unit_x_admin).get(download("events_organised")))
    assert rows[1][1] == "发表会" and rows[1][5] == unit_x.name and rows[1][6] == "草稿"
    # Not an organiser: 403, as creating an event; anonymous: to the login page.
    for user in (applicant_a, guide):
        assert client_for(user).get(download("events_organised")).status_code == 403
        html = client_for(user).get(reverse("events:list")).content.decode()
        assert download("events_organised") not in html
        api = client_for(user).get("/api/exports/events_organised.xlsx")
        assert api.status_code == 403
    assert Client().get(download("events_organised")).status_code == 302


def test_event_exports_through_the_api(events: dict[str, Event], applicant_a: Any) -> None:
    rows = rows_of(client_for(applicant_a).get("/api/exports/events.xlsx"))
    assert len(rows) == 4
    assert Client().get("/api/exports/events.xlsx").status_code == 401


# ---------------------------------------------------------------------------- learning


@pytest.fixture
def courses(staff: Any) -> dict[str, Course]:
    """Two published courses (one titled like a formula) and one not yet online."""

    def course(title: str, lessons: int, publish: bool) -> Course:
        item = learning_services.course_create(
            actor=staff, data={"title": title, "description": f"{title}简介"}
        )
        for n in range(lessons):
            learning_services.lesson_add(
                actor=staff,
                course=item,
                data={"title": f"课时{n}", "kind": "document"},
                file=pdf_upload(),
            )
        if publish:
            learning_services.course_publish(actor=staff, course=item)
        return item

    return {
        "rules": course("准则解读", 2, True),
        "formula": course("=1+1", 1, True),
        "hidden": course("未上线课程", 1, False),
    }


def test_anyone_exports_the_catalogue(courses: dict[str, Course], applicant_a: Any) -> None:
    for client in (Client(), client_for(applicant_a)):
        page = client.get(reverse("learning:catalogue"))
        assert download("courses") in page.content.decode()
        rows = rows_of(client.get(download("courses")))
        assert rows[0] == ("课程名称", "课时数", "简介")
        assert [r[0].lstrip("'") for r in rows[1:]] == [c.title for c in page.context["courses"]]
        # In the page's order (checked above; by title, which collates per database).
        assert sorted(rows[1:]) == sorted(
            [("准则解读", 2, "准则解读简介"), ("'=1+1", 1, "'=1+1简介")]
        )
    # Not yet online: only in the staff's list.
    assert "未上线课程" not in {r[0] for r in rows}


def test_each_user_exports_their_own_courses(
    courses: dict[str, Course], applicant_a: Any, applicant_b: Any, staff: Any
) -> None:
    rules, formula = courses["rules"], courses["formula"]
    learning_services.course_enrol(actor=applicant_a, course=rules)
    learning_services.lesson_complete(actor=applicant_a, lesson=rules.lessons.all()[0])
    learning_services.course_enrol(actor=applicant_a, course=formula)
    learning_services.course_enrol(actor=applicant_b, course=rules)
    client = client_for(applicant_a)
    page = client.get(reverse("learning:catalogue"))
    assert download("my_courses") in page.content.decode()
    rows = rows_of(client.get(download("my_courses")))
    assert rows[0] == ("课程名称", "已完成课时", "课时数", "学习进度（%）")
    assert [r[0].lstrip("'") for r in rows[1:]] == [m["course"].title for m in page.context["mine"]]
    assert rows[1:] == [("准则解读", 1, 2, 50), ("'=1+1", 0, 1, 0)]
    # B's own: the one course, nothing done; staff chose none: an empty file.
    assert rows_of(client_for(applicant_b).get(download("my_courses")))[1:] == [
        ("准则解读", 0, 2, 0)
    ]
    assert rows_of(client_for(staff).get(download("my_courses")))[1:] == []
    assert (
        download("my_courses")
        not in client_for(staff).get(reverse("learning:catalogue")).content.decode()
    )
    assert Client().get(download("my_courses")).status_code == 302  # to the login page


def test_only_staff_export_the_managed_courses(
    courses: dict[str, Course],
    staff: Any,
    applicant_a: Any,
    unit_x_admin: Any,
    guide: Any,
) -> None:
    learning_services.course_enrol(actor=applicant_a, course=courses["rules"])
    client = client_for(staff)
    page = client.get(reverse("learning:manage"))
    assert download("courses_manage") in page.content.decode()
    rows = rows_of(client.get(download("courses_manage")))
    assert rows[0] == ("排序", "课程名称", "课时数", "选课人数", "状态")
    assert [r[1].lstrip("'") for r in rows[1:]] == [c.title for c in page.context["courses"]]
    by_title = {r[1]: r[2:] for r in rows[1:]}
    assert by_title == {
        "准则解读": (2, 1, "已上线"),
        "'=1+1": (1, 0, "已上线"),
        "未上线课程": (1, 0, "未上线"),
    }
    for user in (applicant_a, unit_x_admin, guide):
        assert client_for(user).get(download("courses_manage")).status_code == 403
        assert client_for(user).get("/api/exports/courses_manage.xlsx").status_code == 403
    assert Client().get(download("courses_manage")).status_code == 302
    assert len(rows_of(client.get("/api/exports/courses_manage.xlsx"))) == 4
