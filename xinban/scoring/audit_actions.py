"""Audit actions of this area and how the audit log reads them (docs/architecture.md,
"The audit log"): ``<actor> <sentence> <object>``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "scoring.sheet_submit": _("提交了评分表"),
    "scoring.sheet_save": _("保存了评分表草稿"),
    # Rule 15 (docs/rules.md): the rubric changed through the admin.
    "scoring.rubric_admin_save": _("在管理后台修改了评分细则"),
    "scoring.rubric_admin_delete": _("在管理后台删除了评分细则"),
}
