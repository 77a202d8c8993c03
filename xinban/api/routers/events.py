"""Events (JSON): the public list and an event (with the presenting teams and the
caller's own sign-up); signing up and cancelling one's own sign-up. Same services, forms
and rights as the pages: drafts are 404 to all but their organisers and the unit."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Field, Path, Router, Schema

from xinban.api.auth import current_user
from xinban.api.common import error_responses
from xinban.api.errors import ensure_valid
from xinban.api.payloads import form_data
from xinban.api.schemas import JsonText
from xinban.events import selectors, services
from xinban.events.forms import SignupForm
from xinban.events.models import Event, Signup, SignupStatus

router = Router(tags=["活动"])

EventId = Annotated[int, Path(title="活动 id")]


class EventOut(Schema):
    id: int = Field(title="活动 id")
    kind: str = Field(
        title="类型",
        description="briefing 说明会 / training 辅导、培训 / exchange 交流会 / presentation 发表会",
    )
    kind_label: str = Field(title="类型名称")
    title: str = Field(title="名称")
    location: str = Field(title="地点")
    starts_at: datetime = Field(title="开始时间")
    ends_at: datetime = Field(title="结束时间")
    signup_closes_at: datetime = Field(title="报名截止时间")
    capacity: int | None = Field(title="名额", description="空：不限")
    confirmed: int = Field(title="已报名人数")
    waiting: int = Field(title="候补人数")
    state: str = Field(title="状态", description="published 已发布 / cancelled 已取消 / draft 草稿")
    unit: str | None = Field(title="主办推荐单位", description="空：上海市质协主办")


class PresenterOut(Schema):
    position: int = Field(title="顺序")
    organisation: str = Field(title="申报单位")
    team_name: str = Field(title="班组名称")


class MySignupOut(Schema):
    status: str = Field(
        title="状态", description="confirmed 已报名 / waiting 候补 / cancelled 已取消"
    )
    waiting_position: int | None = Field(title="候补位次", description="候补时为第几位")
    name: str = Field(title="姓名")
    organisation: str = Field(title="单位")
    phone: str = Field(title="联系电话")
    checked_in: bool = Field(title="已签到")


class EventDetailOut(EventOut):
    description: str = Field(title="内容")
    signup_open: bool = Field(title="可报名", description="已发布且未过报名截止时间")
    presenters: list[PresenterOut] = Field(title="发表班组及顺序")
    mine: MySignupOut | None = Field(title="我的报名", description="未登录或未报名时为空")


class SignupIn(Schema):
    name: JsonText = Field(None, title="姓名", description="不填则使用账号姓名")
    organisation: JsonText = Field(None, title="单位")
    phone: JsonText = Field(None, title="联系电话")


def _out(event: Event, confirmed: int, waiting: int) -> dict[str, Any]:
    return {
        "id": event.pk,
        "kind": event.kind,
        "kind_label": str(event.get_kind_display()),
        "title": event.title,
        "location": event.location,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "signup_closes_at": event.signup_closes_at,
        "capacity": event.capacity,
        "confirmed": confirmed,
        "waiting": waiting,
        "state": event.state,
        "unit": event.unit.name if event.unit_id else None,  # type: ignore[union-attr]
    }


def _mine(signup: Signup | None) -> MySignupOut | None:
    if signup is None:
        return None
    return MySignupOut(
        status=signup.status,
        waiting_position=selectors.waiting_position(signup)
        if signup.status == SignupStatus.WAITING
        else None,
        name=signup.name,
        organisation=signup.organisation,
        phone=signup.phone,
        checked_in=signup.checked_in_at is not None,
    )


@router.get("/events", response={200: list[EventOut]}, auth=None, summary="活动列表（无需登录）")
def event_list(request: HttpRequest) -> list[EventOut]:
    return [
        EventOut(**_out(e, e.confirmed, e.waiting))  # type: ignore[attr-defined]
        for e in selectors.events_public()[:200]
    ]


@router.get(
    "/events/{event_id}",
    response={200: EventDetailOut, **error_responses(404)},
    auth=None,
    summary="活动详情（无需登录；登录后含我的报名）",
)
def event_detail(request: HttpRequest, event_id: EventId) -> EventDetailOut:
    from django.utils import timezone

    event = selectors.event_get(user=request.user, pk=event_id)
    counts = {
        status: event.signups.filter(status=status).count()
        for status in (SignupStatus.CONFIRMED, SignupStatus.WAITING)
    }
    return EventDetailOut(
        **_out(event, counts[SignupStatus.CONFIRMED], counts[SignupStatus.WAITING]),
        description=event.description,
        signup_open=event.state == "published" and timezone.now() <= event.signup_closes_at,
        presenters=[
            PresenterOut(
                position=n,
                organisation=p.application.organisation.name,
                team_name=p.application.team_name,
            )
            for n, p in enumerate(selectors.presenters(event), 1)
        ],
        mine=_mine(selectors.my_signup(request.user, event)),
    )


@router.post(
    "/events/{event_id}/signup",
    response={200: MySignupOut, **error_responses(404, 409, 422)},
    summary="报名（名额已满时进入候补名单）",
)
def signup(request: HttpRequest, event_id: EventId, payload: SignupIn) -> MySignupOut:
    user = current_user(request)
    event = selectors.event_get(user=user, pk=event_id)
    data, type_errors = form_data(payload, SignupForm)
    form = SignupForm(data)
    ensure_valid(form, type_errors)
    created = services.signup_create(actor=user, event=event, **form.cleaned_data)
    return _mine(created)  # type: ignore[return-value]


@router.post(
    "/events/{event_id}/signup/cancel",
    response={200: MySignupOut, **error_responses(404, 409)},
    summary="取消我的报名（候补第一位将递补）",
)
def signup_cancel(request: HttpRequest, event_id: EventId) -> MySignupOut:
    user = current_user(request)
    event = selectors.event_get(user=user, pk=event_id)
    mine = Signup.objects.filter(event=event, user=user).first()
    if mine is None:
        raise Http404
    return _mine(services.signup_cancel(actor=user, signup=mine))  # type: ignore[return-value]
