"""Audit actions of this area and how the audit log reads them (docs/architecture.md,
"The audit log"): ``<actor> <sentence> <object>``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "event.create": _("创建了活动"),
    "event.update": _("修改了活动"),
    "event.publish": _("发布了活动"),
    "event.cancel": _("取消了活动"),
    "event.signup": _("报名参加了活动"),
    "event.signup_cancel": _("取消了活动报名"),
    "event.signup_promote": _("将候补者转为正式报名"),
    "event.checkin": _("登记了签到"),
    "event.presenter_add": _("添加了发表班组"),
    "event.presenter_remove": _("移除了发表班组"),
    "event.presenter_move": _("调整了发表顺序"),
}
