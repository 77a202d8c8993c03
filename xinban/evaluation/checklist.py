"""The formal review's checklist (形式审查条目): the defaults from 附件4 and each year's
items, seeded on first use (docs/rules.md, rule 6). Outside the services package so the
selectors read it without importing the services (docs/architecture.md, "Layers")."""

from __future__ import annotations

from django.db import transaction

from xinban.campaigns.models import Campaign
from xinban.evaluation.models import ChecklistItem

#: The default checklist, from 附件4 and the form's notes: (key, text). Keys listed in
#: ``selectors.AUTOMATIC_KEYS`` are computed from the data; the others are ticked by hand.
DEFAULT_CHECKLIST: list[tuple[str, str]] = [
    ("materials", "六方面创建材料完整（附件4第8条）"),
    ("team_name", "班组名称符合命名要求（以“班”“组”“工段”“室”等为名，不以“班组”为名）"),
    ("stamped_form", "已上传盖章申报表（加盖公章的扫描件）"),
    ("commitments", "四项组织承诺均已确认"),
    ("basic_unit", "班组为最基础的正式组织单元（附件4第2条）"),
    ("no_accidents", "近三年无质量、安全、环保事故（附件4第6条）"),
    ("indicators", "班组主要指标填写完整"),
    ("full_names", "企业名称、班组名称写全称，不挂上级部门，企业名称与公章一致"),
    ("standard", "按《质量信得过班组建设准则》（T/CAQ 10204-2017）开展活动（附件4第7条）"),
    (
        "activities",
        "积极投身于本单位、本行业、本区域开展的各项群众性质量提升活动，有行动，出成效"
        "（附件4第1条）",
    ),
    (
        "strategy",
        "班组围绕组织的经营战略分解目标，本着“质量为顾客和其他相关方创造价值”的核心理念"
        "开展建设活动并取得成效（附件4第3条）",
    ),
    (
        "methods",
        "班组成员有效运用适宜的质量管理理论和工具方法，稳定提高产品、服务和工作质量，"
        "取得顾客满意和信赖（附件4第4条）",
    ),
    (
        "results",
        "班组活动目标完成率在本组织突出，质量达到同行业、同工序先进水平；现场活动记录齐全，"
        "活动结果得到顾客确认，满意程度高（附件4第5条）",
    ),
]


#: The default items' English (English pages show ``ChecklistItem.label``); staff edit
#: both texts per year in the admin (形式审查条目).
DEFAULT_CHECKLIST_EN: dict[str, str] = {
    "materials": "The materials of all six areas are complete (Annex 4, item 8)",
    "team_name": (
        "The team's name follows the naming rule (ends in “班”, “组”, “工段”, “室” or "
        "similar, not in “班组”)"
    ),
    "stamped_form": "The stamped application form is uploaded (a scan with the official seal)",
    "commitments": "All four commitments of the organisation are confirmed",
    "basic_unit": "The team is a basic formal organisational unit (Annex 4, item 2)",
    "no_accidents": (
        "No quality, safety or environmental accident in the last three years (Annex 4, item 6)"
    ),
    "indicators": "The team's main indicators are filled in",
    "full_names": (
        "Organisation and team names in full, without the parent department; the "
        "organisation's name matches its seal"
    ),
    "standard": (
        "Activities follow the Guidelines for Building Quality Trustworthy Teams "
        "(T/CAQ 10204-2017) (Annex 4, item 7)"
    ),
    "activities": (
        "Takes an active part in the quality improvement activities of its organisation, "
        "industry and district, with actions and results (Annex 4, item 1)"
    ),
    "strategy": (
        "The team breaks down its goals from the organisation's strategy and builds on the "
        "core idea that quality creates value for customers and other parties, with results "
        "(Annex 4, item 3)"
    ),
    "methods": (
        "The team's members use suitable quality management theories, tools and methods, "
        "steadily improve the quality of products, services and work, and win customers' "
        "satisfaction and trust (Annex 4, item 4)"
    ),
    "results": (
        "The team's target completion rate stands out in its organisation and its quality "
        "reaches the industry's advanced level; on-site records are complete and results "
        "confirmed by customers, with high satisfaction (Annex 4, item 5)"
    ),
}


def checklist_for(campaign: Campaign) -> list[ChecklistItem]:
    """The year's active checklist items, in order. The first call of a year seeds it:
    a copy of the previous year's (as staff edited it), else the defaults from 附件4."""
    items = list(ChecklistItem.objects.filter(campaign=campaign).order_by("position", "id"))
    if not items:
        with transaction.atomic():
            Campaign.objects.select_for_update().get(pk=campaign.pk)
            if not ChecklistItem.objects.filter(campaign=campaign).exists():
                previous = (
                    Campaign.objects.filter(year__lt=campaign.year, checklist_items__isnull=False)
                    .order_by("-year")
                    .first()
                )
                if previous is not None:
                    rows = [
                        ChecklistItem(
                            campaign=campaign,
                            key=i.key,
                            text=i.text,
                            text_en=i.text_en,
                            position=i.position,
                            active=i.active,
                        )
                        for i in previous.checklist_items.order_by("position", "id")
                    ]
                else:
                    rows = [
                        ChecklistItem(
                            campaign=campaign,
                            key=key,
                            text=text,
                            text_en=DEFAULT_CHECKLIST_EN.get(key, ""),
                            position=n,
                        )
                        for n, (key, text) in enumerate(DEFAULT_CHECKLIST)
                    ]
                ChecklistItem.objects.bulk_create(rows)
        items = list(ChecklistItem.objects.filter(campaign=campaign).order_by("position", "id"))
    return [i for i in items if i.active]
