"""Events (JSON): the public list and an event; signing up and cancelling one's own."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from xinban.api.auth import current_user
from xinban.api.common import error_responses
from xinban.api.errors import InvalidInput
from xinban.events import selectors, services
from xinban.events.models import Event, Signup, SignupStatus

router = Router(tags=["活动"])


class EventOut(Schema):
    id: int = Field(title="活动 id")
    kind: str = Field(title="类型")
    title: str = Field(title="名称")
    location: str = Field(title="地点")
    starts_at: datetime = Field(title="开始时间")
    ends_at: datetime = Field(title="结束时间")
    signup_closes_at: datetime = Field(title="报名截止时间")
    capacity: int | None = Field(title="名额")
    confirmed: int = Field(title="已报名")
    state: str = Field(title="状态")


class SignupIn(Schema):
    name: str = Field("", title="姓名", max_length=50)
    organisation: str = Field("", title="单位", max_length=200)
    phone: str = Field("", title="联系电话", max_length=20)


class SignupOut(Schema):
    status: str = Field(title="状态（confirmed 已报名 / waiting 候补 / cancelled 已取消）")


def _out(event: Event) -> EventOut:
    return EventOut(
        id=event.pk,
        kind=event.kind,
        title=event.title,
        location=event.location,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        signup_closes_at=event.signup_closes_at,
        capacity=event.capacity,
        confirmed=event.signups.filter(status=SignupStatus.CONFIRMED).count(),
        state=event.state,
    )


@router.get("/events", response={200: list[EventOut]}, auth=None, summary="活动列表（无需登录）")
def event_list(request: HttpRequest) -> list[EventOut]:
    return [_out(e) for e in selectors.events_public()[:100]]


@router.post(
    "/events/{event_id}/signup",
    response={200: SignupOut, **error_responses(404, 409, 422)},
    summary="报名（名额已满时进入候补）",
)
def signup(request: HttpRequest, event_id: int, payload: SignupIn) -> SignupOut:
    user = current_user(request)
    event = selectors.event_get(user=user, pk=event_id)
    name = payload.name.strip() or user.name
    if not name:
        raise InvalidInput({"name": ["请填写姓名。"]})
    created = services.signup_create(
        actor=user, event=event, name=name, organisation=payload.organisation, phone=payload.phone
    )
    return SignupOut(status=created.status)


@router.post(
    "/events/{event_id}/signup/cancel",
    response={200: SignupOut, **error_responses(404, 409)},
    summary="取消我的报名",
)
def signup_cancel(request: HttpRequest, event_id: int) -> SignupOut:
    user = current_user(request)
    event = selectors.event_get(user=user, pk=event_id)
    mine = Signup.objects.filter(event=event, user=user).first()
    if mine is None:
        raise Http404
    return SignupOut(status=services.signup_cancel(actor=user, signup=mine).status)
