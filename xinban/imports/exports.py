"""The historical import's lists as Excel (``/exports/<kind>.xlsx``, see xinban.exports),
staff only (others 403, as the pages): ``import_batches`` (历年数据导入, imports:home),
every uploaded batch, latest first (the page shows the latest 20), with its figures; and
one batch's (``batch``: its id; unknown 404) ``import_errors`` (错误报告: row, column,
message, to fix the spreadsheet by) and ``import_preview`` (逐行预检结果), as
imports:batch shows them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinban.accounts.models import User
from xinban.exports.registry import ExportSpec, Table, local_time, register, require_staff
from xinban.imports import selectors, services
from xinban.imports.models import BatchState, ImportBatch


def _batches(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As the page's 最近的导入 (selectors.batches_recent), without its limit."""
    del params
    require_staff(user)
    return ImportBatch.objects.order_by("-created_at", "-id")


def _state_label(value: str) -> str:
    return str(dict(BatchState.choices).get(value, value))


register(
    ExportSpec(
        name="import_batches",
        title=gettext_lazy("历年数据导入"),
        headers=lambda: [
            _("文件"),
            _("上传时间"),
            _("数据行数"),
            _("错误数"),
            _("状态"),
            _("新增"),
            _("更新"),
            _("无变化"),
            _("上传人"),
            _("导入时间"),
        ],
        queryset=_batches,
        fields=(
            "original_name",
            "created_at",
            "total_rows",
            "error_count",
            "state",
            "created_count",
            "updated_count",
            "unchanged_count",
            "created_by__email",
            "committed_at",
        ),
        transforms={1: local_time, 4: _state_label, 9: local_time},
    )
)


def _batch(user: User, params: Mapping[str, str]) -> ImportBatch:
    require_staff(user)
    raw = params.get("batch", "")
    if not raw.isdigit() or len(raw) > 18:
        raise Http404
    return selectors.batch_get(int(raw))


def _errors(user: User, params: Mapping[str, str]) -> Table:
    errors = list(_batch(user, params).errors or [])

    def rows() -> Iterator[list[Any]]:
        for e in errors:
            yield [e.get("row"), e.get("column", ""), e.get("message", "")]

    return Table(count=len(errors), rows=rows)


def _preview(user: User, params: Mapping[str, str]) -> Table:
    preview = list(_batch(user, params).preview or [])
    labels = {k: str(v) for k, v in services.ACTION_LABELS.items()}

    def rows() -> Iterator[list[Any]]:
        for r in preview:
            action = r.get("action", "")
            yield [
                r.get("row"),
                r.get("year"),
                r.get("unit", ""),
                r.get("organisation", ""),
                r.get("team", ""),
                r.get("result", ""),
                labels.get(action, action),
            ]

    return Table(count=len(preview), rows=rows)


register(
    ExportSpec(
        name="import_errors",
        title=gettext_lazy("导入错误报告"),
        headers=lambda: [_("行号"), _("列"), _("错误说明")],
        table=_errors,
    )
)
register(
    ExportSpec(
        name="import_preview",
        title=gettext_lazy("导入预检结果"),
        headers=lambda: [
            _("行号"),
            _("年度"),
            _("推荐单位"),
            _("单位名称"),
            _("班组名称"),
            _("评价结果"),
            _("处理"),
        ],
        table=_preview,
    )
)
