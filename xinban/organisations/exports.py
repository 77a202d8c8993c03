"""The organisations' exportable lists (registered with the exports app when Django
starts): 全部报名, the staff list of 附件2 registrations, with the page's filters."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinban.accounts.models import User
from xinban.exports.registry import ExportSpec, Table, register
from xinban.organisations import selectors

CHUNK = 1000


def _headers() -> list[str]:
    return [
        _("单位名称"),
        _("单位简称"),
        _("会员单位"),
        _("单位性质"),
        _("重点领域"),
        _("重点产业"),
        _("推荐单位"),
        _("活动推进者姓名"),
        _("活动推进者部门及职务"),
        _("活动推进者手机"),
        _("活动推进者E-mail"),
        _("报名时间"),
        _("申报数"),
    ]


def _registrations(user: User, params: Mapping[str, str]) -> Table:
    """As the page (organisations:staff_registrations): staff (others 403), the same
    year, drill-down filters and search, in the page's order."""
    if not user.has_perm("organisations.view_registrations"):
        raise PermissionDenied
    query = selectors.registration_query(params)
    filtered = selectors.registrations_for_staff(
        campaign=query.campaign, filters=query.filters, q=query.q
    )
    count = filtered.count()

    def rows() -> Iterator[list[Any]]:
        listed = selectors.registration_list(filtered)
        for start in range(0, count, CHUNK):
            for row in selectors.registration_rows(listed[start : start + CHUNK]):
                yield [
                    row.organisation,
                    row.short_name,
                    bool(row.is_member),  # 是/否 (the writer)
                    row.nature,
                    row.domain,
                    row.industries,
                    "、".join(row.units),
                    row.promoter_name,
                    row.promoter_position,
                    row.promoter_mobile,
                    row.promoter_email,
                    timezone.localtime(row.submitted_at).replace(tzinfo=None),
                    row.applications,
                ]

    return Table(count=count, rows=rows)


register(
    ExportSpec(
        name="registrations",
        title=gettext_lazy("全部报名"),
        headers=_headers,
        table=_registrations,
    )
)
