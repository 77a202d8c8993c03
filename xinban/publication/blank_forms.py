"""The blank forms of a year's notice (附件1–7), offered for download on the notice's page.

Each is made by the same document code as the filled one (docs/forms.md), given empty
data: 附件2 and 附件3 by ``applications.documents``, 附件5 by ``recommendation.documents``,
附件6 and 附件7 by ``reports.documents``. 附件1 (the year's schedule) and 附件4 (the formal
review's requirements) are printed from the year's phases and checklist. The forms are the
notice's own Chinese whatever the page's language."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from docx.enum.table import WD_TABLE_ALIGNMENT

from xinban.applications import documents as application_documents
from xinban.campaigns.models import Campaign, Domain, Industry, OrganisationNature
from xinban.evaluation.services import checklist_for
from xinban.organisations.models import RecommendingUnit
from xinban.recommendation import documents as recommendation_documents
from xinban.reports import documents as report_documents
from xinban.reports.models import StatisticsReport, WorkSummary

DOCX = "docx"
XLSX = "xlsx"
BLANK_ROWS = 5  # empty table rows to fill in by hand (附件5 teams and judges, 附件7 events)


@dataclass(frozen=True)
class BlankForm:
    number: int
    name: str  # the form's own (Chinese) name, used in the file name
    label: Promise  # what the page shows
    formats: tuple[str, ...]

    def download_name(self, year: int, fmt: str) -> str:
        return f"附件{self.number}-{year}年{self.name}.{fmt}"


FORMS = (
    BlankForm(1, "活动安排", _("活动安排"), (DOCX,)),
    BlankForm(2, "报名表", _("报名表"), (DOCX,)),
    BlankForm(3, "申报表", _("申报表"), (DOCX,)),
    BlankForm(4, "形式审查要求", _("形式审查要求"), (DOCX,)),
    BlankForm(5, "推荐表", _("推荐表"), (DOCX,)),
    BlankForm(6, "成果统计表", _("成果统计表"), (XLSX, DOCX)),
    BlankForm(7, "推进工作总结", _("推进工作总结"), (DOCX,)),
)
BY_NUMBER = {form.number: form for form in FORMS}


def _options() -> dict[str, object]:
    """The year's option lists as the filled forms print them (active taxonomy terms)."""
    groups: dict[str, list[str]] = {}
    for industry in Industry.objects.filter(active=True):
        groups.setdefault(industry.group, []).append(industry.name)
    return {
        "industry_options": tuple((g, tuple(names)) for g, names in groups.items()),
        "domain_options": tuple(Domain.objects.filter(active=True).values_list("name", flat=True)),
        "nature_options": tuple(
            OrganisationNature.objects.filter(active=True).values_list("name", flat=True)
        ),
    }


def _form1(campaign: Campaign) -> bytes:
    """附件1: the year's schedule, phase by phase (dates in Asia/Shanghai)."""
    title = f"{campaign.year}年上海市“质量信得过班组”建设活动安排"
    document = report_documents._new_document(title, "")
    report_documents._para(document, "附件1")
    report_documents._para(document, title, style="title", align="center", space_before=6)
    table = document.add_table(rows=1, cols=4)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, ("序号", "阶段", "时间", "责任单位"), strict=True):
        report_documents._cell_text(cell, text, bold=True, center=True)
    for number, phase in enumerate(campaign.phases.all(), start=1):
        starts, ends = timezone.localtime(phase.starts_at), timezone.localtime(phase.ends_at)
        values = (
            str(number),
            str(phase.get_kind_display()),
            f"{starts:%Y}年{starts.month}月{starts.day}日–{ends:%Y}年{ends.month}月{ends.day}日",
            phase.responsible,
        )
        for cell, text in zip(table.add_row().cells, values, strict=True):
            report_documents._cell_text(cell, text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _form4(campaign: Campaign) -> bytes:
    """附件4: what the association's formal review checks (the year's checklist)."""
    title = f"{campaign.year}年上海市“质量信得过班组”建设经验形式审查要求"
    document = report_documents._new_document(title, "")
    report_documents._para(document, "附件4")
    report_documents._para(document, title, style="title", align="center", space_before=6)
    for number, item in enumerate(checklist_for(campaign), start=1):
        report_documents._para(document, f"{number}. {item.text}", space_before=6)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _form2(campaign: Campaign) -> bytes:
    data = application_documents.RegistrationFormData(year=campaign.year, **_options())  # type: ignore[arg-type]
    return application_documents.registration_form_docx(data)


def _form3(campaign: Campaign) -> bytes:
    data = application_documents.ApplicationFormData(
        year=campaign.year,
        recommending_unit="",
        number="",
        organisation_name="",
        is_member=None,
        nature="",
        team_name="",
        **_options(),  # type: ignore[arg-type]
    )
    return application_documents.application_form_docx(data)


def _form5(campaign: Campaign) -> bytes:
    data = recommendation_documents.RecommendationFormData(
        year=campaign.year,
        unit="",
        rows=(),
        judges=(),
        filler_name="",
        filler_phone="",
        fill_date="",
        blank_rows=BLANK_ROWS,
    )
    return recommendation_documents.recommendation_form_docx(data)


def _blank_report(campaign: Campaign) -> StatisticsReport:
    return StatisticsReport(campaign=campaign, unit=RecommendingUnit(name=""))


def _form6_xlsx(campaign: Campaign) -> bytes:
    return report_documents.statistics_xlsx(_blank_report(campaign))


def _form6_docx(campaign: Campaign) -> bytes:
    return report_documents.statistics_docx(_blank_report(campaign))


def _form7(campaign: Campaign) -> bytes:
    summary = WorkSummary(campaign=campaign, unit=RecommendingUnit(name=""))
    return report_documents.summary_docx(summary, [], blank_event_rows=BLANK_ROWS)


BUILDERS: dict[tuple[int, str], Callable[[Campaign], bytes]] = {
    (1, DOCX): _form1,
    (2, DOCX): _form2,
    (3, DOCX): _form3,
    (4, DOCX): _form4,
    (5, DOCX): _form5,
    (6, XLSX): _form6_xlsx,
    (6, DOCX): _form6_docx,
    (7, DOCX): _form7,
}


def blank_form(campaign: Campaign, number: int, fmt: str) -> bytes | None:
    """The blank 附件<number> of the year as ``fmt``, or None when there is no such file."""
    builder = BUILDERS.get((number, fmt))
    if builder is None:
        return None
    with translation.override("zh-hans"):
        return builder(campaign)
