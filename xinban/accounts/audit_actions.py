"""Audit actions of this area and how the audit log reads them (docs/architecture.md,
"The audit log"): ``<actor> <sentence> <object>``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "account.sign_up": _("注册了账号"),
    "account.verify_email": _("验证了邮箱"),
    "account.two_factor_enable": _("启用了两步验证"),
    "account.two_factor_login": _("通过两步验证登录"),
    "account.two_factor_failed": _("两步验证失败"),
}
