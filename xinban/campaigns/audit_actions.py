"""Audit actions of this area and how the audit log reads them (docs/architecture.md,
"The audit log"): ``<actor> <sentence> <object>``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "campaign.create_from_previous": _("由上一年度创建了活动年度"),
    "campaign.open": _("按通知模板开启了活动年度"),
    "campaign.window_extend": _("延长了时间窗口"),
    # Rule 15 (docs/rules.md): configuration changed through the admin.
    "campaign.admin_save": _("在管理后台修改了活动年度设置"),
    "campaign.admin_delete": _("在管理后台删除了活动年度"),
    "campaign.phase_admin_save": _("在管理后台修改了时间窗口"),
    "campaign.phase_admin_delete": _("在管理后台删除了时间窗口"),
    "campaign.extension_admin_save": _("在管理后台修改了延长时间窗口"),
    "campaign.extension_admin_delete": _("在管理后台删除了延长时间窗口"),
}
