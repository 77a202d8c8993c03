"""The historical import's list as Excel (``/exports/<kind>.xlsx``, see xinban.exports):
``import_batches`` (历年数据导入, imports:home), staff only (others 403, as the page),
every uploaded batch, latest first (the page shows the latest 20), with its figures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinban.accounts.models import User
from xinban.exports.registry import ExportSpec, _staff, local_time, register
from xinban.imports.models import BatchState, ImportBatch


def _batches(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As the page's 最近的导入 (selectors.batches_recent), without its limit."""
    del params
    _staff(user)
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
