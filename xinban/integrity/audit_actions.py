"""Audit actions of this area (docs/architecture.md, "The audit log")."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "similarity.check": _("完成了查重"),
    "similarity.request": _("重新发起了查重"),
}
