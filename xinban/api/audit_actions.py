"""Audit actions of this area and how the audit log reads them (docs/architecture.md,
"The audit log"): ``<actor> <sentence> <object>``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "api_token.create": _("创建了 API 令牌"),
    "api_token.revoke": _("撤销了 API 令牌"),
}
