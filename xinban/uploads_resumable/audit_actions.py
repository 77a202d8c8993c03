"""Audit actions of this area and how the audit log reads them (docs/architecture.md,
"The audit log"): ``<actor> <sentence> <object>``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "upload.started": _("开始了断点续传上传"),
    "upload.completed": _("完成了上传"),
    "upload.refused": _("上传被拒绝"),
    "upload.cancelled": _("取消了上传"),
    "upload.superseded": _("新的上传取代了"),
    "upload.expired": _("上传已过期"),
    "upload.claimed": _("使用了上传的文件"),
}
