"""The recommending units' exportable lists for the association (registered with the
exports app when Django starts): 推荐单位, the staff's list of units (recommendation:
staff_units) with the applications each received and recommended and its 附件5."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinban.accounts.models import User
from xinban.campaigns.selectors import campaign_current
from xinban.exports.registry import ExportSpec, Table, register, require_staff
from xinban.recommendation import selectors


def _staff_units(user: User, params: Mapping[str, str]) -> Table:
    """As the page: staff (others 403), the current year (none: 404), every unit."""
    del params  # the page has no filters
    require_staff(user)
    campaign = campaign_current()
    if campaign is None:
        raise Http404
    units = selectors.units_for_staff(campaign=campaign)
    missing = _("未填写")

    def rows() -> Iterator[list[Any]]:
        for unit, report in units:
            yield [
                unit.name,
                unit.received,  # type: ignore[attr-defined]
                unit.recommended,  # type: ignore[attr-defined]
                report.get_status_display() if report else missing,
            ]

    return Table(count=len(units), rows=rows)


register(
    ExportSpec(
        name="staff_units",
        title=gettext_lazy("推荐单位"),
        headers=lambda: [_("推荐单位"), _("收到申报"), _("已推荐"), _("推荐表")],
        table=_staff_units,
    )
)
