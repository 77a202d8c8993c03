"""Audit actions of this area and how the audit log reads them (docs/architecture.md,
"The audit log"): ``<actor> <sentence> <object>``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "notifications.outbox_retry": _("重发了邮件"),
    "notifications.template_save": _("修改了邮件模板"),
    "notifications.template_reset": _("恢复了默认邮件模板"),
}
