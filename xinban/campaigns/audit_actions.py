"""Audit actions of this area and how the audit log reads them (docs/architecture.md,
"The audit log"): ``<actor> <sentence> <object>``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "campaign.create_from_previous": _("由上一年度创建了活动年度"),
    "campaign.open": _("按通知模板开启了活动年度"),
    "campaign.window_extend": _("延长了时间窗口"),
}
