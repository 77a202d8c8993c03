"""Audit actions of this area and how the audit log reads them (docs/architecture.md,
"The audit log"): ``<actor> <sentence> <object>``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "learning.course_create": _("创建了课程"),
    "learning.course_update": _("修改了课程"),
    "learning.course_publish": _("上线了课程"),
    "learning.lesson_add": _("添加了课时"),
    "learning.lesson_update": _("修改了课时"),
    "learning.lesson_remove": _("删除了课时"),
    "learning.lesson_move": _("调整了课时顺序"),
    "learning.enrol": _("选修了课程"),
    "learning.lesson_done": _("完成了课时"),
    "learning.course_unpublish": _("下线了课程"),
    "learning.lesson_undone": _("取消了课时完成标记"),
}
