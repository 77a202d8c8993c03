"""Audit actions of this area and how the audit log reads them (docs/architecture.md,
"The audit log"): ``<actor> <sentence> <object>``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "application.recommended": _("推荐了申报"),
    "application.recommendation_voided": _("宣布推荐无效"),
    "judge.declare_conflict": _("声明了回避"),
    "unit.invite": _("邀请了评委或成员"),
    "unit.accept_invitation": _("接受了邀请"),
    "unit.panel_add": _("将评委加入评审组"),
    "unit.panel_remove": _("将评委移出评审组"),
    "unit.assign": _("分配了评委"),
    "unit.assign_evenly": _("一键平均分配了评委"),
    "unit.unassign": _("撤回了评委分配"),
    "unit.on_site_review": _("标记了现场评审"),
    "unit.recommend": _("推荐了申报"),
    "unit.unrecommend": _("取消了推荐"),
    "unit.reorder": _("调整了推荐顺序"),
    "unit.quota_set": _("设置了推荐名额"),
    "unit.report_save": _("保存了推荐表（附件5）"),
    "unit.report_scan": _("上传了盖章推荐表"),
    "unit.report_submit": _("提交了推荐表（附件5）"),
    "unit.report_void": _("宣布推荐无效"),
    "application.not_recommended": _("未推荐申报"),
    # Rule 15 (docs/rules.md): a quota changed through the admin.
    "unit.quota_admin_save": _("在管理后台修改了推荐名额"),
    "unit.quota_admin_delete": _("在管理后台删除了推荐名额"),
}
