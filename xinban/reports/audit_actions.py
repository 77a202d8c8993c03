"""Audit actions of this area and how the audit log reads them (docs/architecture.md,
"The audit log"): ``<actor> <sentence> <object>``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "reports.statistics_save": _("保存了成果统计表（附件6）"),
    "reports.statistics_submit": _("提交了成果统计表（附件6）"),
    "reports.statistics_scan": _("上传了盖章成果统计表（附件6）"),
    "reports.summary_save": _("保存了推进工作总结（附件7）"),
    "reports.summary_submit": _("提交了推进工作总结（附件7）"),
    "reports.remind": _("提醒推荐单位报送材料"),
}
