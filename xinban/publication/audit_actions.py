"""Audit actions of this area and how the audit log reads them (docs/architecture.md,
"The audit log"): ``<actor> <sentence> <object>``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "publication.publish": _("发布了活动成果"),
    "publication.consent_set": _("设置了公开范围"),
    "publication.certificate_issue": _("生成了证书"),
    "publication.certificates_batch": _("批量生成了证书"),
}
