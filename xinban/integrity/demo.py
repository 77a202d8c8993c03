"""Demo data of the similarity check (called by ``seed_demo``): two of this year's
applications awaiting the association's formal review, from different organisations, the
second copying about half of the first's improvement material (punctuation changed, a
few characters edited); then every application awaiting formal review is checked, so
that the review page shows the figure beside commitment 3 and the pair stands out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xinban.applications.models import Application, ApplicationState
from xinban.integrity.services import similarity_check_run

if TYPE_CHECKING:
    from xinban.ops.management.commands.seed_demo import DemoContext

COPIED_FROM = (
    "班组围绕焊接一次合格率偏低的问题成立QC小组，运用鱼骨图从人、机、料、法、环、测六个方面"
    "分析原因，确认焊丝烘干时间不足和坡口清理不彻底是两项主要原因。小组制定对策表，"
    "修订了焊前烘干作业指导书，新增坡口清理点检卡，并对全体焊工开展专项培训和实操考核。"
    "对策实施三个月后，焊接一次合格率由百分之九十四点二提高到百分之九十八点六，"
    "返修工时每月减少约一百二十小时，年节约返修成本约十八万元。"
    "小组将有效措施纳入班组标准化作业文件，并在车间其他三个焊接班组推广应用。"
)


def _edited(text: str) -> str:
    return text.replace("，", ",").replace("。", ". ").replace("QC小组", "质量控制小组")


def seed(ctx: DemoContext) -> None:
    campaign = ctx.campaigns[ctx.year]
    queue = list(
        Application.objects.filter(campaign=campaign, state=ApplicationState.RECOMMENDED)
        .order_by("number")
        .only("pk", "organisation_id", "material_improvement")
    )
    pair: list[Application] = []
    for app in queue:
        if not pair or app.organisation_id != pair[0].organisation_id:
            pair.append(app)
        if len(pair) == 2:
            break
    if len(pair) == 2:
        source, copy = pair
        Application.objects.filter(pk=source.pk).update(
            material_improvement=COPIED_FROM + "\n" + source.material_improvement
        )
        Application.objects.filter(pk=copy.pk).update(
            material_improvement=copy.material_improvement + "\n" + _edited(COPIED_FROM)
        )
    for app in queue:
        similarity_check_run(application_id=app.pk)
