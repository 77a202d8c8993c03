"""Pages of 附件6 (成果统计表) and 附件7 (推进工作总结) for a recommending unit, and the
association's overview of who has filed 附件5/6/7, the reminders and the 附件6 roll-up.

A unit's members and association staff see the unit's reports (anyone else: 404); only the
unit's admins write (others: 403). ``?year=`` shows another campaign year."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xinban.campaigns.models import Campaign
from xinban.campaigns.selectors import campaign_current
from xinban.core import uploads
from xinban.core.errors import ServiceError
from xinban.core.forms import add_service_error
from xinban.core.http import AuthenticatedHttpRequest
from xinban.core.roles import roles_of
from xinban.core.text import join_items
from xinban.organisations.models import RecommendingUnit
from xinban.reports import documents, selectors, services
from xinban.reports.forms import (
    StatisticsForm,
    StatisticsScanForm,
    SummaryForm,
    event_formset,
)
from xinban.reports.models import ReviewForm, StatisticsReport, WorkSummary


def _unit(request: AuthenticatedHttpRequest, unit_pk: int) -> RecommendingUnit:
    return selectors.unit_get_for(user=request.user, pk=unit_pk)


def _campaign(request: AuthenticatedHttpRequest) -> Campaign:
    return selectors.campaign_for(request.GET.get("year"))


def _is_admin(request: AuthenticatedHttpRequest, unit: RecommendingUnit) -> bool:
    return unit.pk in roles_of(request.user).unit_admin_ids


def _here(request: AuthenticatedHttpRequest) -> str:
    return request.get_full_path()


def _require_staff(request: AuthenticatedHttpRequest) -> None:
    if not roles_of(request.user).is_staff:
        raise PermissionDenied


def _years() -> list[int]:
    return list(Campaign.objects.order_by("-year").values_list("year", flat=True))


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    if roles.unit_ids:
        return redirect("reports:unit", unit_pk=min(roles.unit_ids))
    if roles.is_staff:
        return redirect("reports:staff")
    raise Http404


@login_required
def unit(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    current = _unit(request, unit_pk)
    campaign = _campaign(request)
    report = selectors.statistics_report(unit=current, campaign=campaign)
    summary = selectors.work_summary(unit=current, campaign=campaign)
    return render(
        request,
        "reports/unit.html",
        {
            "unit": current,
            "campaign": campaign,
            "years": _years(),
            "report": report,
            "summary": summary,
            "summary_length": selectors.summary_length(summary) if summary else 0,
            "min_chars": selectors.MIN_SUMMARY_CHARS,
            "is_admin": _is_admin(request, current),
        },
    )


# --- 附件6 -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def statistics(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    current = _unit(request, unit_pk)
    campaign = _campaign(request)
    is_admin = _is_admin(request, current)
    if request.method == "POST" and not is_admin:
        raise PermissionDenied
    # Looking does not create the report; the admin's first save does.
    report = selectors.statistics_report(unit=current, campaign=campaign) or (
        services.statistics_report_for(unit=current, campaign=campaign)
        if request.method == "POST"
        else StatisticsReport(unit=current, campaign=campaign)
    )
    editable = is_admin and not report.is_locked
    form = StatisticsForm(request.POST or None, instance=report)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "fill" and form.is_valid():
            # What was typed is saved with the filled blanks (an invalid form shows its
            # errors below, the input kept, and fills nothing).
            try:
                services.statistics_fill_from_platform(
                    actor=request.user, report=report, data=form.cleaned_data
                )
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("已用平台数据填入空白项，请核对。"))
                return redirect(_here(request))
        elif form.is_valid():
            try:
                saved = services.statistics_save(
                    actor=request.user, report=report, data=form.cleaned_data
                )
                if action == "submit":
                    services.statistics_submit(actor=request.user, report=saved)
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("成果统计表已报送上海市质协。") if action == "submit" else _("草稿已保存。"),
                )
                return redirect(_here(request))
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    figures = selectors.platform_figures(unit=current, campaign=campaign)
    stored = selectors.statistics_report(unit=current, campaign=campaign) or report
    lines = selectors.item_lines(stored, figures)
    return render(
        request,
        "reports/statistics.html",
        {
            "unit": current,
            "campaign": campaign,
            "years": _years(),
            "report": stored,
            "form": form,
            "figures": figures,
            "lines": [(line, form[line.field]) for line in lines],
            "differences": [line for line in lines if line.differs],
            "problems": services.statistics_problems(stored) if editable and stored.pk else {},
            "editable": editable,
            "is_admin": is_admin,
            "scan_form": StatisticsScanForm(),
        },
    )


@login_required
@require_POST
def statistics_scan(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    """Upload the stamped 附件6 (rule 11), as 附件5's stamped scan."""
    current = _unit(request, unit_pk)
    if not _is_admin(request, current):
        raise PermissionDenied
    campaign = _campaign(request)
    back = f"{reverse('reports:statistics', args=[current.pk])}?year={campaign.year}"
    form = StatisticsScanForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, join_items([e for errs in form.errors.values() for e in errs]))
        return redirect(back)
    report = services.statistics_report_for(unit=current, campaign=campaign)
    try:
        services.statistics_upload_scan(
            actor=request.user, report=report, file=form.cleaned_data["file"]
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, join_items(exc.messages))
    else:
        messages.success(request, _("已上传盖章成果统计表。"))
    return redirect(back)


@login_required
def statistics_scan_download(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponseBase:
    current = _unit(request, unit_pk)
    report = selectors.statistics_report(unit=current, campaign=_campaign(request))
    if report is None or not report.stamped_scan:
        raise Http404
    assert report.stamped_scan.name is not None  # a truthy file has a name
    ext = report.stamped_scan.name.rsplit(".", 1)[-1]
    return uploads.attachment_response(
        report.stamped_scan, download_name=f"{current.name}信班活动统计表（盖章）.{ext}"
    )


@login_required
def statistics_download(
    request: AuthenticatedHttpRequest, unit_pk: int, fmt: str
) -> HttpResponseBase:
    current = _unit(request, unit_pk)
    campaign = _campaign(request)
    report = selectors.statistics_report(unit=current, campaign=campaign) or StatisticsReport(
        unit=current, campaign=campaign
    )
    if fmt == "xlsx":
        figures = selectors.platform_figures(unit=current, campaign=campaign)
        content, mime = (
            documents.statistics_xlsx(report, figures, documents.form6_stamp(report)),
            documents.XLSX_MIME,
        )
    elif fmt == "docx":
        content, mime = (
            documents.statistics_docx(report, documents.form6_stamp(report)),
            documents.DOCX_MIME,
        )
    else:
        raise Http404
    return uploads.attachment_response(
        ContentFile(content),
        download_name=documents.form6_download_name(current.name, fmt),
        content_type=mime,
    )


# --- 附件7 -----------------------------------------------------------------------------------


def _event_initial(summary: WorkSummary) -> list[dict[str, Any]]:
    return [
        {
            "held_on": e.held_on,
            "place": e.place,
            "name": e.name,
            "content": e.content,
            "participants": e.participants,
        }
        for e in selectors.summary_events(summary)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def summary(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    current = _unit(request, unit_pk)
    campaign = _campaign(request)
    is_admin = _is_admin(request, current)
    if request.method == "POST" and not is_admin:
        raise PermissionDenied
    stored = selectors.work_summary(unit=current, campaign=campaign)
    record = stored or (
        services.work_summary_for(unit=current, campaign=campaign)
        if request.method == "POST"
        else WorkSummary(unit=current, campaign=campaign)
    )
    editable = is_admin and not record.is_locked
    initial = _event_initial(record)
    extra = 1 if (request.GET.get("add") or not initial) and editable else 0
    form = SummaryForm(request.POST or None, instance=record)
    # Bound, the rows are what was sent (initial values would make unchanged rows blank).
    formset = event_formset(extra)(
        request.POST or None, initial=None if request.method == "POST" else initial, prefix="events"
    )
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if form.is_valid() and formset.is_valid():
            try:
                saved = services.summary_save(
                    actor=request.user,
                    summary=record,
                    data=form.cleaned_data,
                    events=formset.rows(),
                )
                if action == "submit":
                    services.summary_submit(actor=request.user, summary=saved)
            except ServiceError as exc:
                add_service_error(form, exc)
                if action == "submit":
                    messages.info(request, _("草稿已保存。"))
            else:
                if action == "submit":
                    messages.success(request, _("工作总结已报送上海市质协。"))
                else:
                    messages.success(request, _("草稿已保存。"))
                target = _here(request)
                if action == "add_row":
                    target = reverse("reports:summary", kwargs={"unit_pk": current.pk})
                    target += f"?add=1&year={campaign.year}"
                return redirect(target)
    if not editable:
        for f in (form, *formset.forms):
            for field in f.fields.values():
                field.disabled = True
    saved_record = selectors.work_summary(unit=current, campaign=campaign) or record
    return render(
        request,
        "reports/summary.html",
        {
            "unit": current,
            "campaign": campaign,
            "years": _years(),
            "summary": saved_record,
            "form": form,
            "formset": formset,
            "editable": editable,
            "is_admin": is_admin,
            "length": selectors.summary_length(saved_record) if saved_record.pk else 0,
            "min_chars": selectors.MIN_SUMMARY_CHARS,
            "sections": _sections(form),
        },
    )


def _sections(form: SummaryForm) -> list[tuple[str, list[tuple[str, Any]]]]:
    """The notice's sections with their sub-points: (heading, [(label, bound field or
    "events")])."""
    result = []
    # The Word file keeps the notice's Chinese wording; the page shows it translated.
    for heading, points in documents.FORM7_SECTIONS:
        result.append(
            (
                gettext(heading),
                [
                    (gettext(label), form[key] if key != "events" else "events")
                    for key, label in points
                ],
            )
        )
    return result


@login_required
def summary_download(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponseBase:
    current = _unit(request, unit_pk)
    campaign = _campaign(request)
    record = selectors.work_summary(unit=current, campaign=campaign) or WorkSummary(
        unit=current, campaign=campaign
    )
    events = selectors.summary_events(record)
    content = documents.summary_docx(record, events)
    return uploads.attachment_response(
        ContentFile(content),
        download_name=documents.form7_download_name(
            current.name, draft=documents.summary_is_draft(record, events)
        ),
        content_type=documents.DOCX_MIME,
    )


# --- staff ------------------------------------------------------------------------------------


@login_required
def staff(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_staff(request)
    campaign = _campaign(request)
    rows = selectors.filing_rows(campaign)
    return render(
        request,
        "reports/staff.html",
        {
            "campaign": campaign,
            # 附件5's page shows the current year only: a past year's status is not a link.
            "form5_linked": campaign == campaign_current(),
            "years": _years(),
            "rows": rows,
            "outstanding": sum(1 for row in rows if row.missing),
            "without_admin": sum(1 for row in rows if row.missing and not row.admins),
            "counts": {
                "form5": sum(1 for row in rows if row.form5_filed),
                "form6": sum(1 for row in rows if row.form6_filed),
                "form7": sum(1 for row in rows if row.form7_filed),
            },
        },
    )


@login_required
@require_POST
def remind(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_staff(request)
    campaign = _campaign(request)
    try:
        reminded = services.reminders_send(actor=request.user, campaign=campaign)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        if reminded:
            messages.success(
                request,
                _("已向 %(n)s 家推荐单位发送提醒邮件：%(units)s")
                % {"n": len(reminded), "units": join_items(reminded)},
            )
        else:
            messages.info(request, _("没有需要提醒的推荐单位。"))
    return redirect(f"{reverse('reports:staff')}?year={campaign.year}")


@login_required
def rollup(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_staff(request)
    campaign = _campaign(request)
    return render(
        request,
        "reports/rollup.html",
        {
            "campaign": campaign,
            "years": _years(),
            "rollup": selectors.statistics_rollup(campaign),
            "review_labels": dict(ReviewForm.choices),
        },
    )


@login_required
def rollup_download(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    _require_staff(request)
    campaign = _campaign(request)
    content = documents.rollup_xlsx(selectors.statistics_rollup(campaign))
    return uploads.attachment_response(
        ContentFile(content),
        download_name=f"{campaign.year}年信班活动统计表汇总.xlsx",
        content_type=documents.XLSX_MIME,
    )
