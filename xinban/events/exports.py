"""The attendee list of an event as an Excel workbook (openpyxl, write-only): every text
a person typed goes through ``safe_cell`` so a name like ``=HYPERLINK(...)`` arrives as
text, never as a formula.

The events' lists as Excel (``/exports/<kind>.xlsx``, see xinban.exports), with the page's
own selectors and rights (events:list):

- ``events`` (活动): the published and cancelled events, upcoming ones first (soonest
  first), then past ones (latest first), as anyone sees them (drafts never);
- ``events_organised`` (我主办的活动): the events the user organises, drafts included
  (staff: all; a unit's admin: the unit's); nobody else organises (403).

The printable check-in list (events:checkin_list) is the attendees export's confirmed
rows (with their check-in), so it has no list of its own here."""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from xinban.accounts.models import User
from xinban.core.roles import roles_of
from xinban.core.spreadsheets import safe_cell
from xinban.events import selectors
from xinban.events.models import Event, EventKind, EventState, SignupStatus
from xinban.exports.registry import ExportSpec, Table, local_time, register
from xinban.exports.writer import format_list_sheet


def attendees_workbook(event: Event) -> bytes:
    """Confirmed attendees, then the waiting list in its order (cancelled ones left out)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("报名名单"))
    title = [
        [safe_cell(event.title)],
        [
            safe_cell(
                f"{timezone.localtime(event.starts_at):%Y-%m-%d %H:%M} {event.location}".strip()
            )
        ],
    ]
    header = [
        _("序号"),
        _("姓名"),
        _("单位"),
        _("联系电话"),
        _("账号"),
        _("状态"),
        _("报名时间"),
        _("签到"),
    ]
    labels = dict(SignupStatus.choices)
    rows: list[list[Any]] = []
    for signup in selectors.signups_for_organiser(event):
        if signup.status == SignupStatus.CANCELLED:
            continue
        status = str(labels[signup.status])
        if signup.status == SignupStatus.WAITING:
            status = _("候补第 %(n)d 位") % {"n": signup.position}  # type: ignore[attr-defined]
        rows.append(
            [
                len(rows) + 1,
                safe_cell(signup.name),
                safe_cell(signup.organisation),
                safe_cell(signup.phone),
                safe_cell(signup.user.email),
                status,
                local_time(signup.created_at),  # a date, as a date (docs/forms.md)
                _("已签到") if signup.checked_in_at else "",
            ]
        )
    # One event's list is short: the widths are measured from all of it.
    format_list_sheet(sheet, header, rows, above=title)
    for row in rows:
        sheet.append(row)
    sheet.auto_filter.ref = f"A3:H{len(rows) + 3}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- the lists


def _kind_label(value: str) -> str:
    return str(dict(EventKind.choices).get(value, value))


def _state_label(value: str) -> str:
    return str(dict(EventState.choices).get(value, value))


def _capacity(value: int | None) -> Any:
    return _("不限") if value is None else value


def _headers() -> list[str]:
    return [
        _("名称"),
        _("类型"),
        _("开始时间"),
        _("结束时间"),
        _("地点"),
        _("主办推荐单位"),
        _("状态"),
        _("已报名"),
        _("名额"),
        _("候补"),
    ]


def _line(event: Event) -> list[Any]:
    return [
        event.title,
        _kind_label(event.kind),
        local_time(event.starts_at),
        local_time(event.ends_at),
        event.location,
        event.unit.name if event.unit else "",
        _state_label(event.state),
        event.confirmed,  # type: ignore[attr-defined]
        _capacity(event.capacity),
        event.waiting,  # type: ignore[attr-defined]
    ]


def _public(user: User, params: Mapping[str, str]) -> Table:
    """As 近期活动 then 往期活动 (events:list): anyone, published and cancelled events."""
    del user, params  # public, no filters
    now = timezone.now()
    events = selectors.events_public()
    upcoming = events.filter(ends_at__gte=now).order_by("starts_at", "pk")
    past = events.filter(ends_at__lt=now)  # the selector's order: latest first

    def rows() -> Iterator[list[Any]]:
        for part in (upcoming, past):
            for event in part.iterator(chunk_size=500):
                yield _line(event)

    return Table(count=events.count(), rows=rows)


def _organised(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As 我主办的活动 (events:list): association staff and units' admins, drafts
    included; anyone else organises nothing (403, as events:create)."""
    del params  # no filters
    roles = roles_of(user)
    if not (roles.is_staff or roles.unit_admin_ids):
        raise PermissionDenied
    return selectors.events_organised_by(user).select_related(None)


register(
    ExportSpec(
        name="events",
        title=gettext_lazy("活动"),
        headers=_headers,
        table=_public,
        public=True,
    )
)
register(
    ExportSpec(
        name="events_organised",
        title=gettext_lazy("我主办的活动"),
        headers=_headers,
        queryset=_organised,
        fields=(
            "title",
            "kind",
            "starts_at",
            "ends_at",
            "location",
            "unit__name",
            "state",
            "confirmed",
            "capacity",
            "waiting",
        ),
        transforms={
            1: _kind_label,
            2: local_time,
            3: local_time,
            6: _state_label,
            8: _capacity,
        },
    )
)
