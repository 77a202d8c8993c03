"""Demo data of issue 15 (called by ``seed_demo``).

* The similarity check: two of this year's applications awaiting the association's
  formal review, from different organisations, the second copying about half of the
  first's improvement material (punctuation changed, a few characters edited); then every
  application awaiting formal review is checked, so that the review page shows the figure
  beside commitment 3 and the pair stands out.
* Stamped scans that verify (docs/rules.md, "The stamp check"): the first
  ``REAL_SCANS`` applications awaiting formal review get a real scan — their 申报表 PDF
  generated with its signed code as users download it, printed to a page image (JPEG),
  read back and matched as an upload is — so their page shows 已核验. The other stamped
  forms of the demo, and the units' stamped 附件5 and 附件6, are a sample PDF without a
  code (seed_demo, fast): they are marked 未能核验, which is what reading them gives.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile

from xinban.applications.documents import application_form_pdf, printed_content
from xinban.applications.models import Application, ApplicationState
from xinban.applications.selectors import application_form_data, application_stamp
from xinban.core.stamp import ScanCheck, matches, read_stamps
from xinban.integrity.services import similarity_check_run
from xinban.recommendation.models import UnitRecommendationReport
from xinban.reports.models import StatisticsReport

if TYPE_CHECKING:
    from xinban.ops.demo_data import DemoContext

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
    if ctx.builder.with_files:
        stamped_scans(queue[:REAL_SCANS])


REAL_SCANS = 6
SCAN_DPI = 150


def printed_scan(application: Application) -> tuple[bytes, dict[str, object]]:
    """The 申报表 as downloaded now (with its signed code), its first page printed to a
    JPEG as a scanner returns it; and what it prints."""
    import pypdfium2

    data = application_form_data(application)
    content = printed_content(data)
    pdf = application_form_pdf(data, application_stamp(application, content))
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        image = page.render(scale=SCAN_DPI / 72).to_pil().convert("RGB")
        page.close()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue(), content


def stamped_scans(real: list[Application]) -> None:
    """Real scans for ``real`` (checked as an upload is: read back, matched against what
    the form prints); every other sample stamped form (no code) is 未能核验."""
    for app in real:
        app = Application.objects.select_related("campaign", "organisation").get(pk=app.pk)
        scan, content = printed_scan(app)
        matched = next(
            (s for s in read_stamps(scan) if s.number == app.number and matches(s, content)),
            None,
        )
        old = app.stamped_form.name if app.stamped_form else ""
        app.stamped_form.save(f"{app.number}-scan.jpg", ContentFile(scan), save=False)
        if old:
            app.stamped_form.storage.delete(old)  # the sample seed_demo stored for it
        app.stamped_form_name = f"{app.team_name}申报表（盖章）.jpg"
        app.stamped_check = ScanCheck.VERIFIED if matched else ScanCheck.UNVERIFIED
        app.stamped_version = matched.version if matched else None
        app.stamped_content = content
        app.save(
            update_fields=[
                "stamped_form",
                "stamped_form_name",
                "stamped_check",
                "stamped_version",
                "stamped_content",
            ]
        )
    Application.objects.exclude(stamped_form="").filter(stamped_check="").update(
        stamped_check=ScanCheck.UNVERIFIED
    )
    # 附件5's and 附件6's demo scans are samples without a code too.
    for model in (UnitRecommendationReport, StatisticsReport):
        model.objects.exclude(stamped_scan="").filter(stamped_check="").update(
            stamped_check=ScanCheck.UNVERIFIED
        )
