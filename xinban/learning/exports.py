"""Online learning's lists as Excel (``/exports/<kind>.xlsx``, see xinban.exports), with the
pages' own selectors and rights:

- ``courses`` (课程目录, learning:catalogue): the published courses, as anyone sees them;
- ``my_courses`` (我的课程, learning:catalogue): the user's own chosen courses and progress;
- ``courses_manage`` (管理课程, learning:manage): staff (others 403), every course with its
  lessons and learners.

There is no page listing a course's learners, so no such list here."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinban.accounts.models import User
from xinban.exports.registry import ExportSpec, Table, register
from xinban.learning import selectors
from xinban.learning.rules import can_manage


def _catalogue(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As 课程目录: anyone, published courses in the catalogue's order (no filters)."""
    del user, params
    return selectors.courses_published()


def _mine(user: User, params: Mapping[str, str]) -> Table:
    """As 我的课程: the user's own chosen (published) courses, nobody else's."""
    del params
    courses = selectors.my_courses(user)

    def rows() -> Iterator[list[Any]]:
        for row in courses:
            yield [row["course"].title, row["done"], row["total"], row["percent"]]

    return Table(count=len(courses), rows=rows)


def _manage(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As 管理课程: staff (others 403), every course, online or not."""
    del params
    if not can_manage(user):
        raise PermissionDenied
    return selectors.courses_all()


def _online(value: bool) -> str:
    return _("已上线") if value else _("未上线")


register(
    ExportSpec(
        name="courses",
        title=gettext_lazy("课程目录"),
        headers=lambda: [_("课程名称"), _("课时数"), _("简介")],
        queryset=_catalogue,
        fields=("title", "lesson_count", "description"),
        public=True,
    )
)
register(
    ExportSpec(
        name="my_courses",
        title=gettext_lazy("我的课程"),
        headers=lambda: [_("课程名称"), _("已完成课时"), _("课时数"), _("学习进度（%）")],
        table=_mine,
    )
)
register(
    ExportSpec(
        name="courses_manage",
        title=gettext_lazy("管理课程"),
        headers=lambda: [_("排序"), _("课程名称"), _("课时数"), _("选课人数"), _("状态")],
        queryset=_manage,
        fields=("position", "title", "lesson_count", "enrolled", "published"),
        transforms={4: _online},
    )
)
