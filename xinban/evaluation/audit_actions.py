"""Audit actions of this area and how the audit log reads them (docs/architecture.md,
"The audit log"): ``<actor> <sentence> <object>``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "evaluation.formal_review": _("进行了形式审查"),
    "evaluation.panel_add": _("将专家加入评委库"),
    "evaluation.panel_update": _("修改了专家信息"),
    "evaluation.panel_remove": _("将专家移出评委库"),
    "evaluation.expert_profile": _("修改了专家资料"),
    "evaluation.employment_add": _("添加了专家工作经历"),
    "evaluation.employment_remove": _("删除了专家工作经历"),
    "evaluation.round_create": _("创建了评审轮次"),
    "evaluation.round_deadline": _("修改了评审截止时间"),
    "evaluation.assign": _("分配了评审专家"),
    "evaluation.assign_auto": _("自动分配了评审专家"),
    "evaluation.unassign": _("撤回了专家分配"),
    "evaluation.decision": _("作出了评价结论"),
    "evaluation.decision_revise": _("修改了评价结论"),
    "evaluation.typical_confirm": _("确认了典型经验"),
    "evaluation.national_mark": _("标记了推荐全国"),
    "evaluation.guiding_review": _("审核了典型经验候选"),
    "evaluation.video_attach": _("上传了发表视频"),
    "evaluation.expert_conflict": _("声明了回避（专家）"),
}
