"""Audit actions of this area and how the audit log reads them (docs/architecture.md,
"The audit log"): ``<actor> <sentence> <object>``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "application.create": _("创建了申报"),
    "application.update": _("修改了申报"),
    "application.attachment_add": _("上传了附件"),
    "application.attachment_remove": _("删除了附件"),
    "application.stamped_form_upload": _("上传了盖章申报表"),
    "application.resubmit": _("重新提交了申报"),
    "application.withdraw": _("撤回了申报"),
    "application.return": _("退回了申报（需修改）"),
    "application.submit": _("提交了申报"),
    # Each team's history (docs/rules.md, "Each team's history").
    "application.team_link": _("把申报关联到往年班组"),
    "team.merge": _("合并了班组"),
    "team.split": _("拆分出班组"),
}
