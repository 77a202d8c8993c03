"""The attendee list of an event as an Excel workbook (openpyxl, write-only): every text
a person typed goes through ``safe_cell`` so a name like ``=HYPERLINK(...)`` arrives as
text, never as a formula."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from xinban.core.spreadsheets import safe_cell
from xinban.events import selectors
from xinban.events.models import Event, SignupStatus


def attendees_workbook(event: Event) -> bytes:
    """Confirmed attendees, then the waiting list in its order (cancelled ones left out)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("报名名单"))
    sheet.append([safe_cell(event.title)])
    sheet.append(
        [
            safe_cell(
                f"{timezone.localtime(event.starts_at):%Y-%m-%d %H:%M} {event.location}".strip()
            )
        ]
    )
    sheet.append(
        [
            _("序号"),
            _("姓名"),
            _("单位"),
            _("联系电话"),
            _("账号"),
            _("状态"),
            _("报名时间"),
            _("签到"),
        ]
    )
    labels = dict(SignupStatus.choices)
    n = 0
    for signup in selectors.signups_for_organiser(event):
        if signup.status == SignupStatus.CANCELLED:
            continue
        n += 1
        status = str(labels[signup.status])
        if signup.status == SignupStatus.WAITING:
            status = _("候补第 %(n)d 位") % {"n": signup.position}  # type: ignore[attr-defined]
        sheet.append(
            [
                n,
                safe_cell(signup.name),
                safe_cell(signup.organisation),
                safe_cell(signup.phone),
                safe_cell(signup.user.email),
                status,
                timezone.localtime(signup.created_at).strftime("%Y-%m-%d %H:%M"),
                _("已签到") if signup.checked_in_at else "",
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
