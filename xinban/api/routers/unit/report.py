"""The signed form (附件5): filling, scan, submitting, voiding, the quota and the downloads."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.api.auth import current_user, scoped
from xinban.api.common import (
    UnitId,
    binary_response,
    error_responses,
    multipart_body,
    require_campaign,
    validated_upload,
)
from xinban.api.errors import InvalidInput, ensure_valid, validation_error_messages
from xinban.api.labels import model_label, zh
from xinban.api.payloads import form_data
from xinban.api.presenters import report_out
from xinban.api.routers.unit.base import _is_admin, _unit, router
from xinban.api.schemas import QuotaIn, QuotaOut, ReportIn, ReportOut, VoidIn
from xinban.campaigns.models import Campaign
from xinban.core import uploads
from xinban.core.errors import NotAllowed
from xinban.core.roles import roles_of
from xinban.organisations.models import RecommendingUnit
from xinban.recommendation import documents, selectors, services
from xinban.recommendation.forms import QuotaForm, ReasonForm, ReportForm, ScanForm
from xinban.recommendation.models import UnitRecommendationReport

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


_SCAN_PROPERTY = {
    "type": "string",
    "format": "binary",
    "title": model_label(UnitRecommendationReport, "stamped_scan"),
    "description": zh(ScanForm.base_fields["file"].help_text),
}
_DOWNLOAD_HELP = "附件5 推荐表，文件名为“推荐单位+质量班组活动统计表”（通知注2）"


def _require_staff(user: User) -> None:
    if not roles_of(user).is_staff:
        raise NotAllowed(_("只有质协工作人员可以进行此操作。"), code="not_staff")


def _report(user: User, unit: RecommendingUnit, campaign: Campaign) -> ReportOut:
    # Looking does not create the report (as on the page); the first write does.
    report = selectors.unit_report(unit=unit, campaign=campaign) or UnitRecommendationReport(
        unit=unit, campaign=campaign
    )
    return report_out(
        report,
        quota=services.quota_for(unit=unit, campaign=campaign),
        is_admin=_is_admin(user, unit),
    )


@router.get(
    "/units/{unit_id}/report",
    response={200: ReportOut, **error_responses(404)},
    summary="推荐表（附件5）：推荐名单、填表信息、声明、盖章扫描件",
)
def report_get(request: HttpRequest, unit_id: UnitId) -> ReportOut:
    user = current_user(request)
    return _report(user, _unit(user, unit_id), require_campaign())


@router.put(
    "/units/{unit_id}/report",
    response={200: ReportOut, **error_responses(403, 404, 409, 422)},
    summary="填写推荐表：填表人、电话、填表日期、未收费声明、推荐声明",
    auth=scoped("units:write"),
)
def report_put(request: HttpRequest, unit_id: UnitId, payload: ReportIn) -> ReportOut:
    user = current_user(request)
    unit = _unit(user, unit_id, admin=True)
    campaign = require_campaign()
    current = services.report_for(unit=unit, campaign=campaign)
    data, type_errors = form_data(payload, ReportForm)
    form = ReportForm(data, instance=current)
    ensure_valid(form, type_errors)
    services.report_save(actor=user, report=current, data=form.cleaned_data)
    return _report(user, unit, campaign)


@router.post(
    "/units/{unit_id}/report/scan",
    response={200: ReportOut, **error_responses(403, 404, 409, 422)},
    summary="上传加盖公章的推荐表扫描件",
    description="multipart/form-data：file（PDF、JPG 或 PNG）。再次上传会替换原文件。",
    openapi_extra=multipart_body({"file": _SCAN_PROPERTY}, ["file"]),
    auth=scoped("units:write"),
)
def report_scan(request: HttpRequest, unit_id: UnitId) -> ReportOut:
    user = current_user(request)
    unit = _unit(user, unit_id, admin=True)
    campaign = require_campaign()
    current = services.report_for(unit=unit, campaign=campaign)
    form = validated_upload(request, ScanForm)
    try:
        services.report_upload_scan(actor=user, report=current, file=form.cleaned_data["file"])
    except DjangoValidationError as exc:
        raise InvalidInput(validation_error_messages(exc, field="file")) from exc
    return _report(user, unit, campaign)


@router.post(
    "/units/{unit_id}/report/submit",
    response={200: ReportOut, **error_responses(400, 403, 404, 409)},
    summary="报送上海市质协（锁定推荐名单）",
    description=(
        "推荐名单中的申报变为“已推荐”，本单位其他已提交的申报变为“未推荐”，并通知申报单位。"
        "不完整时返回 400（code: incomplete），errors 列出各缺项。"
    ),
    auth=scoped("units:write"),
)
def report_submit(request: HttpRequest, unit_id: UnitId) -> ReportOut:
    user = current_user(request)
    unit = _unit(user, unit_id, admin=True)
    campaign = require_campaign()
    services.report_submit(actor=user, report=services.report_for(unit=unit, campaign=campaign))
    return _report(user, unit, campaign)


@router.post(
    "/units/{unit_id}/report/void",
    response={200: ReportOut, **error_responses(403, 404, 409, 422)},
    summary="认定推荐无效（质协工作人员）",
    description=(
        "只能对已报送的推荐表、在本年度结果发布前操作；该单位推荐的申报无论进行到哪一步"
        "（形式审查、专家评审、已有评价结果）都变为“未推荐”：撤回专家评审任务、撤销评价结果，"
        "并通知申报单位和推荐单位。"
    ),
    auth=scoped("staff:write"),
)
def report_void(request: HttpRequest, unit_id: UnitId, payload: VoidIn) -> ReportOut:
    user = current_user(request)
    unit = _unit(user, unit_id)
    _require_staff(user)
    campaign = require_campaign()
    data, type_errors = form_data(payload, ReasonForm)
    form = ReasonForm(data)
    ensure_valid(form, type_errors)
    services.report_void(
        actor=user,
        report=services.report_for(unit=unit, campaign=campaign),
        reason=form.cleaned_data["reason"],
    )
    return _report(user, unit, campaign)


@router.put(
    "/units/{unit_id}/quota",
    response={200: QuotaOut, **error_responses(400, 403, 404, 422)},
    summary="调整本单位本年度的推荐名额（质协工作人员）",
    auth=scoped("staff:write"),
)
def quota_put(request: HttpRequest, unit_id: UnitId, payload: QuotaIn) -> QuotaOut:
    user = current_user(request)
    unit = _unit(user, unit_id)
    _require_staff(user)
    data, type_errors = form_data(payload, QuotaForm)
    form = QuotaForm(data)
    ensure_valid(form, type_errors)
    quota = services.quota_set(
        actor=user,
        unit=unit,
        campaign=require_campaign(),
        per_organisation=form.cleaned_data["per_organisation"],
        reason=form.cleaned_data["reason"],
    )
    return QuotaOut(per_organisation=quota.per_organisation, reason=quota.reason)


def _download(request: HttpRequest, unit_id: int, fmt: str) -> HttpResponseBase:
    unit = _unit(current_user(request), unit_id)
    campaign = require_campaign()
    data = selectors.recommendation_form_data(unit=unit, campaign=campaign)
    stamp = selectors.recommendation_form_stamp(unit=unit, campaign=campaign, data=data)
    if fmt == "xlsx":
        content, mime = documents.recommendation_form_xlsx(data, stamp), XLSX_MIME
    else:
        content, mime = documents.recommendation_form_docx(data, stamp), DOCX_MIME
    return uploads.attachment_response(
        io.BytesIO(content),
        download_name=documents.download_name(unit.name, fmt),
        content_type=mime,
    )


@router.get(
    "/units/{unit_id}/report.xlsx",
    response={200: None, **error_responses(404)},
    url_name="unit_report_xlsx",
    summary="下载推荐表（Excel）",
    openapi_extra=binary_response(XLSX_MIME, _DOWNLOAD_HELP),
)
def report_xlsx(request: HttpRequest, unit_id: UnitId) -> HttpResponseBase:
    return _download(request, unit_id, "xlsx")


@router.get(
    "/units/{unit_id}/report.docx",
    response={200: None, **error_responses(404)},
    url_name="unit_report_docx",
    summary="下载推荐表（Word）",
    openapi_extra=binary_response(DOCX_MIME, _DOWNLOAD_HELP),
)
def report_docx(request: HttpRequest, unit_id: UnitId) -> HttpResponseBase:
    return _download(request, unit_id, "docx")


@router.get(
    "/units/{unit_id}/report/scan",
    response={200: None, **error_responses(404)},
    url_name="unit_report_scan",
    summary="下载加盖公章的推荐表扫描件",
    description="本年度尚未上传时返回 404。",
    openapi_extra=binary_response("application/octet-stream", "盖章推荐表扫描件（PDF 或图片）"),
)
def report_scan_download(request: HttpRequest, unit_id: UnitId) -> HttpResponseBase:
    unit = _unit(current_user(request), unit_id)
    current = selectors.unit_report(unit=unit, campaign=require_campaign())
    if current is None or not current.stamped_scan:
        raise Http404
    ext = (current.stamped_scan.name or "scan.pdf").rsplit(".", 1)[-1]
    return uploads.attachment_response(
        current.stamped_scan, download_name=f"{unit.name}-盖章推荐表.{ext}"
    )
