"""The reports' exportable lists (registered with the exports app when Django starts):
推荐材料报送情况, which recommending units have filed their 附件5, 6 and 7 for a year
(reports:staff, its ``year`` included)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinban.accounts.models import User
from xinban.core.text import join_items
from xinban.exports.registry import ExportSpec, Table, register, require_staff
from xinban.reports import selectors


def _status_labels() -> dict[str | None, str]:
    """As reports/_status.html shows a form's state."""
    return {
        "submitted": _("已报送"),
        "voided": _("推荐无效"),
        "draft": _("填写中"),
        None: _("未填写"),
    }


def _filings(user: User, params: Mapping[str, str]) -> Table:
    """As the page: staff (others 403), the year of ``year`` (the current one when not
    given; an unknown year 404), every active unit."""
    require_staff(user)
    campaign = selectors.campaign_for(params.get("year"))
    filings = selectors.filing_rows(campaign)
    labels = _status_labels()

    def label(status: str | None) -> str:
        return labels.get(status, labels[None])

    def rows() -> Iterator[list[Any]]:
        for row in filings:
            yield [
                row.unit.name,
                label(row.form5),
                label(row.form6),
                label(row.form7),
                join_items(row.admins),
                join_items(row.missing),
            ]

    return Table(count=len(filings), rows=rows)


register(
    ExportSpec(
        name="report_filings",
        title=gettext_lazy("推荐材料报送情况"),
        headers=lambda: [
            _("推荐单位"),
            _("推荐表（附件5）"),
            _("成果统计表（附件6）"),
            _("工作总结（附件7）"),
            _("管理员"),
            _("尚未报送"),
        ],
        table=_filings,
    )
)
