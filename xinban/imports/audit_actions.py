"""Audit actions of this area and how the audit log reads them (docs/architecture.md,
"The audit log"): ``<actor> <sentence> <object>``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "imports.check": _("检查了导入文件"),
    "imports.commit": _("导入了历史数据"),
    "imports.campaign_create": _("导入时创建了活动年度"),
}
