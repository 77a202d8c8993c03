"""The unit's 推荐表 (附件5): filling it in, the stamped scan, filing, voiding and the
downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xinban.core import uploads
from xinban.core.actions import perform
from xinban.core.errors import ServiceError
from xinban.core.forms import add_service_error
from xinban.core.http import AuthenticatedHttpRequest
from xinban.core.roles import roles_of
from xinban.recommendation import documents, selectors, services
from xinban.recommendation.forms import QuotaForm, ReasonForm, ReportForm, ScanForm
from xinban.recommendation.models import UnitRecommendationReport
from xinban.recommendation.views.common import _campaign, _form_data, _unit


@login_required
@require_http_methods(["GET", "POST"])
def report(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    campaign = _campaign()
    is_admin = unit.pk in roles_of(request.user).unit_admin_ids
    if request.method == "POST" and not is_admin:
        raise PermissionDenied
    # Looking does not create the report; the first save by the unit's admin does.
    current = selectors.unit_report(unit=unit, campaign=campaign) or (
        services.report_for(unit=unit, campaign=campaign)
        if request.method == "POST"
        else UnitRecommendationReport(unit=unit, campaign=campaign)
    )
    form = ReportForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_save(actor=request.user, report=current, data=form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("recommendation:report", unit_pk=unit.pk)
    recommendations = list(current.recommendations.all()) if current.pk else []
    return render(
        request,
        "recommendation/report.html",
        {
            "unit": unit,
            "campaign": campaign,
            "report": current,
            "form": form,
            "scan_form": ScanForm(),
            "problems": services.report_problems(current) if not current.is_locked else {},
            "warnings": services.report_warnings(current) if not current.is_locked else [],
            "is_admin": is_admin,
            "is_staff": roles_of(request.user).is_staff,
            "void_form": ReasonForm(),
            # The buttons only while the service would accept them (docs/rules.md).
            "submit_refused": services.report_submit_refusal(current) if is_admin else None,
            "void_refused": services.report_void_refusal(current),
            "quota_form": QuotaForm(
                initial={"per_organisation": services.quota_for(unit=unit, campaign=campaign)}
            ),
            "recommendations": recommendations,
            "total_team_size": sum(r.application.team_size for r in recommendations),
            # Part 二 of 附件5 as the downloads print it.
            "judges": selectors.unit_panel(unit=unit),
        },
    )


@login_required
@require_POST
def report_scan(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk, admin=True)
    current = services.report_for(unit=unit, campaign=_campaign())
    form = ScanForm(request.POST, request.FILES)
    refused = uploads.add_upload_refusal_errors(form, request)
    if not refused and form.is_valid():
        try:
            services.report_upload_scan(
                actor=request.user, report=current, file=form.cleaned_data["file"]
            )
        except (ValidationError, ServiceError) as exc:
            messages.error(
                request, " ".join(exc.messages) if isinstance(exc, ValidationError) else exc.message
            )
        else:
            messages.success(request, _("盖章推荐表已上传。"))
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.get("file", [])))
    return redirect("recommendation:report", unit_pk=unit.pk)


@login_required
@require_POST
def report_submit(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk, admin=True)
    current = services.report_for(unit=unit, campaign=_campaign())
    perform(
        request,
        lambda: services.report_submit(actor=request.user, report=current),
        _("推荐表已报送上海市质协，推荐名单已锁定。"),
    )
    return redirect("recommendation:report", unit_pk=unit.pk)


@login_required
@require_POST
def report_void(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    if not roles_of(request.user).is_staff:
        raise PermissionDenied
    current = services.report_for(unit=unit, campaign=_campaign())
    form = ReasonForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: services.report_void(
                actor=request.user, report=current, reason=form.cleaned_data["reason"]
            ),
            _("已认定推荐无效，相关申报单位已收到通知。"),
        )
    else:
        messages.error(request, _("请填写推荐无效的原因。"))
    return redirect("recommendation:report", unit_pk=unit.pk)


@login_required
def report_download(request: AuthenticatedHttpRequest, unit_pk: int, fmt: str) -> HttpResponseBase:
    unit = _unit(request, unit_pk)
    data = _form_data(unit)
    stamp = selectors.recommendation_form_stamp(unit=unit, campaign=_campaign(), data=data)
    if fmt == "xlsx":
        content = documents.recommendation_form_xlsx(data, stamp)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "docx":
        content = documents.recommendation_form_docx(data, stamp)
        mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        raise Http404
    return uploads.attachment_response(
        ContentFile(content),
        download_name=documents.download_name(unit.name, fmt),
        content_type=mime,
    )


@login_required
def report_scan_download(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponseBase:
    unit = _unit(request, unit_pk)
    current = selectors.unit_report(unit=unit, campaign=_campaign())
    if current is None or not current.stamped_scan:
        raise Http404
    assert current.stamped_scan.name is not None  # a truthy file has a name
    ext = current.stamped_scan.name.rsplit(".", 1)[-1]
    return uploads.attachment_response(
        current.stamped_scan, download_name=f"{unit.name}-盖章推荐表.{ext}"
    )
