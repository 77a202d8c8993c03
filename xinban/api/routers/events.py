"""Events (JSON): the public list and an event (with the presenting teams and the
caller's own sign-up); signing up and cancelling one's own sign-up; for the organisers
(association staff; a recommending unit's admin for the unit's 发表会) creating, editing,
publishing and cancelling an event, the attendees and check-in, the presenting teams.
Same services, forms and rights as the pages: drafts are 404 to all but their organisers
and the unit; those who see an event but do not organise it get 403."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from pydantic import ConfigDict, WithJsonSchema

from xinban.accounts.models import User
from xinban.api.auth import current_user, scoped
from xinban.api.common import error_responses, require_campaign
from xinban.api.errors import InvalidInput, ensure_valid, fields_named
from xinban.api.labels import form_field
from xinban.api.payloads import form_data
from xinban.api.schemas import JsonCount, JsonId, JsonText, _required_from
from xinban.api.scopes import ORGANISER
from xinban.core.errors import NotAllowed
from xinban.core.roles import roles_of
from xinban.events import selectors, services
from xinban.events.forms import CancelForm, EventForm, PresenterForm, SignupForm
from xinban.events.models import Event, EventKind, Presenter, Signup, SignupStatus
from xinban.events.rules import can_organise
from xinban.organisations.models import RecommendingUnit

router = Router(tags=["活动"])

EventId = Annotated[int, Path(title="活动 id")]
SignupId = Annotated[int, Path(title="报名 id")]
PresenterId = Annotated[int, Path(title="发表班组 id")]

JsonKind = Annotated[Any, WithJsonSchema({"type": "string", "enum": list(EventKind.values)})]
JsonDateTime = Annotated[Any, WithJsonSchema({"type": "string", "format": "date-time"})]


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
    "/events/organised",
    response={200: list[EventOut], **error_responses()},
    summary="我主办的活动（含草稿）",
    description="质协工作人员：全部活动；推荐单位管理员：本单位的发表会。",
)
def organised(request: HttpRequest) -> list[EventOut]:
    return [
        EventOut(**_out(e, e.confirmed, e.waiting))  # type: ignore[attr-defined]
        for e in selectors.events_organised_by(current_user(request))[:200]
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
    auth=scoped("me:write"),
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
    auth=scoped("me:write"),
)
def signup_cancel(request: HttpRequest, event_id: EventId) -> MySignupOut:
    user = current_user(request)
    event = selectors.event_get(user=user, pk=event_id)
    mine = Signup.objects.filter(event=event, user=user).first()
    if mine is None:
        raise Http404
    return _mine(services.signup_cancel(actor=user, signup=mine))  # type: ignore[return-value]


# --- organisers ----------------------------------------------------------------------------

_EVENT_NAMES = {"unit": "unit_id"}
_TIME_HELP = "ISO 8601 时间，如 2026-05-08T09:30:00+08:00"


class EventUpdateIn(Schema):
    """The whole event (a full replacement, as the page's form)."""

    model_config = ConfigDict(json_schema_extra=_required_from(EventForm))

    kind: JsonKind = form_field(
        EventForm,
        "kind",
        None,
        description="briefing 说明会 / training 辅导、培训 / exchange 交流会 / "
        "presentation 发表会（推荐单位只能是发表会）",
    )
    title: JsonText = form_field(EventForm, "title", None)
    description: JsonText = form_field(EventForm, "description", None)
    location: JsonText = form_field(EventForm, "location", None)
    starts_at: JsonDateTime = form_field(EventForm, "starts_at", None, description=_TIME_HELP)
    ends_at: JsonDateTime = form_field(EventForm, "ends_at", None, description="须晚于开始时间")
    signup_closes_at: JsonDateTime = form_field(
        EventForm, "signup_closes_at", None, description="不能晚于开始时间"
    )
    capacity: JsonCount = form_field(
        EventForm, "capacity", None, description="1–100000；空：不限。不能少于已报名人数"
    )


class EventCreateIn(EventUpdateIn):
    unit_id: JsonId = Field(
        None,
        title="主办推荐单位 id",
        description="推荐单位主办的发表会：本人为管理员的推荐单位（推荐单位管理员必填）；"
        "质协工作人员不填则由上海市质协主办",
    )


class EventCancelIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(CancelForm))

    reason: JsonText = form_field(
        CancelForm, "reason", None, description="将通过邮件通知全部报名和候补人员"
    )


class AttendeeOut(Schema):
    id: int = Field(title="报名 id")
    status: str = Field(
        title="状态", description="confirmed 已报名 / waiting 候补 / cancelled 已取消"
    )
    waiting_position: int | None = Field(title="候补位次", description="候补时为第几位")
    name: str = Field(title="姓名")
    organisation: str = Field(title="单位")
    phone: str = Field(title="联系电话")
    email: str = Field(title="账号邮箱")
    signed_up_at: datetime = Field(title="报名时间")
    checked_in_at: datetime | None = Field(title="签到时间")


class PresenterIn(Schema):
    model_config = ConfigDict(
        json_schema_extra=_required_from(PresenterForm, names={"application": "application_id"})
    )

    application_id: JsonId = form_field(
        PresenterForm,
        "application",
        None,
        description="本年度已提交的申报 id（发表会只能是本单位推荐范围内的）",
    )


class PresenterMoveIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(None, "direction"))

    direction: Annotated[Any, WithJsonSchema({"type": "string", "enum": ["up", "down"]})] = Field(
        None, title="方向", description="up 上移 / down 下移"
    )


class OrganisedPresenterOut(PresenterOut):
    id: int = Field(title="发表班组 id")
    application_id: int = Field(title="申报 id")


def _organised(user: User, event_id: int) -> Event:
    """The event for its organiser; 404 for those who may not see it, 403 for those who
    see it but do not organise it (as on the pages)."""
    event = selectors.event_get(user=user, pk=event_id)
    if not can_organise(user, event):
        raise PermissionDenied
    return event


def _event_out(event: Event) -> EventOut:
    return EventOut(**_out(event, selectors.confirmed_count(event), _waiting(event)))


def _waiting(event: Event) -> int:
    return event.signups.filter(status=SignupStatus.WAITING).count()


class _UnitField(forms.Form):
    """Reads the body's ``unit_id`` like any other id (a number, in range); the page's
    EventForm then checks it is one of the units the caller may organise for."""

    unit = forms.ModelChoiceField(queryset=RecommendingUnit.objects.none(), required=False)


def _event_form(payload: EventUpdateIn, **kwargs: Any) -> EventForm:
    data, type_errors = form_data(payload, EventForm)
    if isinstance(payload, EventCreateIn):
        unit_data, unit_errors = form_data(payload, _UnitField, names={"unit_id": "unit"})
        data.update(unit_data)
        type_errors.update(unit_errors)
    form = EventForm(data, **kwargs)
    ensure_valid(form, type_errors, names=_EVENT_NAMES)
    return form


def _attendee(signup: Signup) -> AttendeeOut:
    return AttendeeOut(
        id=signup.pk,
        status=signup.status,
        waiting_position=getattr(signup, "position", None),
        name=signup.name,
        organisation=signup.organisation,
        phone=signup.phone,
        email=signup.user.email,
        signed_up_at=signup.created_at,
        checked_in_at=signup.checked_in_at,
    )


def _presenters(event: Event) -> list[OrganisedPresenterOut]:
    return [
        OrganisedPresenterOut(
            id=p.pk,
            application_id=p.application_id,
            position=n,
            organisation=p.application.organisation.name,
            team_name=p.application.team_name,
        )
        for n, p in enumerate(selectors.presenters(event), 1)
    ]


@router.post(
    "/events",
    response={201: EventOut, **error_responses(400, 403, 404, 422)},
    summary="新建活动（草稿，发布后可报名）",
    description="质协工作人员创建说明会、辅导培训、交流会（或为推荐单位创建发表会）；"
    "推荐单位管理员创建本单位的发表会。",
    auth=scoped(ORGANISER),
)
def event_create(request: HttpRequest, payload: EventCreateIn) -> Status[EventOut]:
    user = current_user(request)
    roles = roles_of(user)
    if roles.is_staff:
        units = RecommendingUnit.objects.order_by("name")
    elif roles.unit_admin_ids:
        units = RecommendingUnit.objects.filter(pk__in=roles.unit_admin_ids).order_by("name")
    else:
        raise NotAllowed(_("只有质协工作人员或推荐单位管理员可以创建活动。"), code="not_organiser")
    campaign = require_campaign()
    form = _event_form(payload, units=units, unit_required=not roles.is_staff)
    data = dict(form.cleaned_data)
    unit = data.pop("unit", None)
    with fields_named(_EVENT_NAMES):
        event = services.event_create(actor=user, campaign=campaign, data=data, unit=unit)
    return Status(201, _event_out(event))


@router.put(
    "/events/{event_id}",
    response={200: EventOut, **error_responses(400, 403, 404, 409, 422)},
    summary="修改活动（已发布活动的时间或地点变更将邮件通知报名人员）",
    auth=scoped(ORGANISER),
)
def event_update(request: HttpRequest, event_id: EventId, payload: EventUpdateIn) -> EventOut:
    user = current_user(request)
    event = _organised(user, event_id)
    form = _event_form(payload)
    updated = services.event_update(actor=user, event=event, data=form.cleaned_data)
    return _event_out(updated)


@router.post(
    "/events/{event_id}/publish",
    response={200: EventOut, **error_responses(403, 404, 409)},
    summary="发布活动（发布后可报名）",
    auth=scoped(ORGANISER),
)
def event_publish(request: HttpRequest, event_id: EventId) -> EventOut:
    user = current_user(request)
    event = _organised(user, event_id)
    return _event_out(services.event_publish(actor=user, event=event))


@router.post(
    "/events/{event_id}/cancel",
    response={200: EventOut, **error_responses(400, 403, 404, 409, 422)},
    summary="取消活动（邮件通知全部报名人员）",
    auth=scoped(ORGANISER),
)
def event_cancel(request: HttpRequest, event_id: EventId, payload: EventCancelIn) -> EventOut:
    user = current_user(request)
    event = _organised(user, event_id)
    data, type_errors = form_data(payload, CancelForm)
    form = CancelForm(data)
    ensure_valid(form, type_errors)
    return _event_out(
        services.event_cancel(actor=user, event=event, reason=form.cleaned_data["reason"])
    )


@router.get(
    "/events/{event_id}/signups",
    response={200: list[AttendeeOut], **error_responses(403, 404)},
    summary="报名名单（已报名、候补、已取消；主办方）",
)
def event_signups(request: HttpRequest, event_id: EventId) -> list[AttendeeOut]:
    event = _organised(current_user(request), event_id)
    return [_attendee(s) for s in selectors.signups_for_organiser(event)]


def _checkin(request: HttpRequest, event_id: int, signup_id: int, present: bool) -> AttendeeOut:
    user = current_user(request)
    event = _organised(user, event_id)
    target = Signup.objects.filter(pk=signup_id, event=event).first()
    if target is None:
        raise Http404
    return _attendee(services.checkin(actor=user, signup=target, present=present))


@router.post(
    "/events/{event_id}/signups/{signup_id}/checkin",
    response={200: AttendeeOut, **error_responses(403, 404, 409)},
    summary="签到（主办方标记到场）",
    auth=scoped(ORGANISER),
)
def checkin(request: HttpRequest, event_id: EventId, signup_id: SignupId) -> AttendeeOut:
    return _checkin(request, event_id, signup_id, present=True)


@router.delete(
    "/events/{event_id}/signups/{signup_id}/checkin",
    response={200: AttendeeOut, **error_responses(403, 404, 409)},
    summary="取消签到标记",
    auth=scoped(ORGANISER),
)
def checkin_undo(request: HttpRequest, event_id: EventId, signup_id: SignupId) -> AttendeeOut:
    return _checkin(request, event_id, signup_id, present=False)


@router.get(
    "/events/{event_id}/presenters",
    response={200: list[OrganisedPresenterOut], **error_responses(403, 404)},
    summary="发表班组及顺序（主办方）",
)
def presenter_list(request: HttpRequest, event_id: EventId) -> list[OrganisedPresenterOut]:
    return _presenters(_organised(current_user(request), event_id))


@router.post(
    "/events/{event_id}/presenters",
    response={201: list[OrganisedPresenterOut], **error_responses(400, 403, 404, 409, 422)},
    summary="加入发表名单（交流会、发表会）",
    description=(
        "交流会：本年度获评建设经验或典型经验的班组；发表会：本单位推荐的班组"
        "（列入本单位推荐名单）。返回新的发表名单。"
    ),
    auth=scoped(ORGANISER),
)
def presenter_add(
    request: HttpRequest, event_id: EventId, payload: PresenterIn
) -> Status[list[OrganisedPresenterOut]]:
    user = current_user(request)
    event = _organised(user, event_id)
    names = {"application_id": "application"}
    data, type_errors = form_data(payload, PresenterForm, names=names)
    # Any of the year's teams in the organiser's scope: the service names the rule a team
    # fails (not recommended, no result of the year …) instead of "invalid choice".
    form = PresenterForm(data, applications=selectors.presenter_candidates(event))
    ensure_valid(form, type_errors, names={"application": "application_id"})
    with fields_named({"application": "application_id"}):
        services.presenter_add(
            actor=user, event=event, application=form.cleaned_data["application"]
        )
    return Status(201, _presenters(event))


def _presenter(event: Event, presenter_id: int) -> Presenter:
    presenter = Presenter.objects.filter(pk=presenter_id, event=event).first()
    if presenter is None:
        raise Http404
    return presenter


@router.post(
    "/events/{event_id}/presenters/{presenter_id}/move",
    response={200: list[OrganisedPresenterOut], **error_responses(400, 403, 404, 409, 422)},
    summary="调整发表顺序（上移或下移一位）",
    auth=scoped(ORGANISER),
)
def presenter_move(
    request: HttpRequest, event_id: EventId, presenter_id: PresenterId, payload: PresenterMoveIn
) -> list[OrganisedPresenterOut]:
    user = current_user(request)
    event = _organised(user, event_id)
    presenter = _presenter(event, presenter_id)
    if payload.direction not in ("up", "down"):
        message = _("方向应为上移或下移。")
        raise InvalidInput({"direction": [message]})
    services.presenter_move(actor=user, presenter=presenter, direction=payload.direction)
    return _presenters(event)


@router.delete(
    "/events/{event_id}/presenters/{presenter_id}",
    response={200: list[OrganisedPresenterOut], **error_responses(403, 404, 409)},
    summary="从发表名单移除",
    auth=scoped(ORGANISER),
)
def presenter_remove(
    request: HttpRequest, event_id: EventId, presenter_id: PresenterId
) -> list[OrganisedPresenterOut]:
    user = current_user(request)
    event = _organised(user, event_id)
    services.presenter_remove(actor=user, presenter=_presenter(event, presenter_id))
    return _presenters(event)
