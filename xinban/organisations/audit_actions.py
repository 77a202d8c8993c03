"""Audit actions of this area and how the audit log reads them (docs/architecture.md,
"The audit log"): ``<actor> <sentence> <object>``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "organisation.create": _("创建了组织"),
    "organisation.add_member": _("添加了组织成员"),
    "organisation.rename": _("修改了单位名称"),
    "registration.create": _("提交了报名表"),
    "registration.update": _("修改了报名表"),
}
