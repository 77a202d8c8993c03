"""Team applications (附件3): the applicant's whole journey, over the same services and
forms as the pages."""

from __future__ import annotations

import base64
import binascii
import io
from typing import TYPE_CHECKING, Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from xinban.accounts.models import User
from xinban.api.auth import current_user, scoped
from xinban.api.common import (
    ORGANISATION_QUERY_HELP,
    binary_response,
    error_responses,
    multipart_body,
    require_campaign,
    require_organisation,
    validated_upload,
)
from xinban.api.errors import InvalidInput, ensure_valid, validation_error_messages
from xinban.api.labels import model_label, zh
from xinban.api.payloads import form_data
from xinban.api.presenters import application_out, application_summary_out, attachment_out
from xinban.api.schemas import (
    MATERIAL_AREA_HELP,
    ApplicationIn,
    ApplicationOut,
    ApplicationSummaryOut,
    ApplicationUpdateIn,
    AttachmentOut,
    RevisionDetailOut,
    RevisionFieldOut,
    StaffApplicationPageOut,
    StaffApplicationRowOut,
    SubmissionProblemsOut,
    WithdrawIn,
)
from xinban.applications import selectors, services
from xinban.applications.documents import (
    application_form_docx,
    application_form_pdf,
    printed_content,
)
from xinban.applications.forms import ApplicationForm, AttachmentForm, StampedFormUploadForm
from xinban.applications.models import (
    Application,
    ApplicationRevision,
    ApplicationState,
    Attachment,
    MaterialArea,
)
from xinban.campaigns.selectors import campaign_current, campaign_get
from xinban.core import uploads
from xinban.core.errors import NotAllowed, ServiceError, WrongState
from xinban.core.roles import roles_of
from xinban.organisations.selectors import registration_get, units_open_to

router = Router(tags=["申报表（附件3）"])

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIME = "application/pdf"


# --- lookups -------------------------------------------------------------------------------


def _visible(user: User, application_id: int) -> Application:
    """The application if the user may see it, else 404 (its existence is not revealed)."""
    return selectors.application_get_for(user=user, pk=application_id)


def _changeable(user: User, application_id: int) -> Application:
    """404 when the user may not see it, 403 when they see it but may not change it."""
    application = _visible(user, application_id)
    if not user.has_perm("applications.change_application", application):
        raise NotAllowed(_("只有本单位成员可以修改本单位的申报。"), code="not_member")
    return application


def _require_editable(application: Application) -> None:
    if not application.is_editable:
        raise WrongState(
            _("当前状态（%(state)s）下不能进行此操作。")
            % {"state": application.get_state_display()},
            code="wrong_state",
        )


def _out(application_id: int, user: User) -> ApplicationOut:
    """Re-read after a write, so the answer shows what is stored."""
    return application_out(_visible(user, application_id), user=user)


_FILE_PROPERTY = {
    "type": "string",
    "format": "binary",
    "title": model_label(Attachment, "file"),
    "description": zh(AttachmentForm.base_fields["file"].help_text),
}
_SCAN_PROPERTY = {
    "type": "string",
    "format": "binary",
    "title": model_label(Application, "stamped_form"),
    "description": zh(StampedFormUploadForm.base_fields["file"].help_text),
}
_AREA_PROPERTY = {
    "type": "integer",
    "enum": list(MaterialArea.values),
    "title": model_label(Attachment, "area"),
    "description": MATERIAL_AREA_HELP,
}


# --- list, create, read, update ------------------------------------------------------------


@router.get(
    "/applications",
    response={200: list[ApplicationSummaryOut], **error_responses()},
    summary="本单位的申报（各年度）",
)
def application_list(
    request: HttpRequest,
    year: int | None = Query(None, description="只列出该活动年度的申报"),  # noqa: B008
) -> list[ApplicationSummaryOut]:
    user = current_user(request)
    campaign = campaign_get(year=year) if year is not None else None
    if year is not None and campaign is None:
        return []
    applications = selectors.applications_of_organisations(user=user, campaign=campaign)
    return [application_summary_out(a) for a in applications]


@router.post(
    "/applications",
    response={201: ApplicationOut, **error_responses(400, 403, 404, 409, 422)},
    summary="新建申报（草稿）",
    description=(
        "在成果申报开放时间内、已填写本年度报名表后，为一个班组新建申报草稿，系统分配编号。"
        "每家单位每年度最多申报的班组数有上限（code: limit_reached），"
        "各申报的班组类型不能相同（code: duplicate_team_type）。"
    ),
    auth=scoped("applications:write"),
)
def application_create(
    request: HttpRequest,
    payload: ApplicationIn,
    organisation: int | None = Query(None, description=ORGANISATION_QUERY_HELP),  # noqa: B008
) -> Status[ApplicationOut]:
    user = current_user(request)
    mine = require_organisation(user, organisation)
    campaign = require_campaign()
    registration = registration_get(organisation=mine, campaign=campaign)
    if registration is None:
        raise ServiceError(_("请先填写本年度报名表（附件2），再新建申报。"), code="not_registered")
    data, type_errors = form_data(payload, ApplicationForm)
    form = ApplicationForm(
        data,
        units=units_open_to(registration=registration),
        commitment_year=campaign.year,
        organisation=mine,
    )
    ensure_valid(form, type_errors)
    application = services.application_create(
        actor=user, organisation=mine, campaign=campaign, data=form.cleaned_data
    )
    return Status(201, _out(application.pk, user))


@router.get(
    "/applications/{application_id}",
    response={200: ApplicationOut, **error_responses(404)},
    summary="申报详情",
)
def application_detail(request: HttpRequest, application_id: int) -> ApplicationOut:
    user = current_user(request)
    return application_out(_visible(user, application_id), user=user)


@router.put(
    "/applications/{application_id}",
    response={200: ApplicationOut, **error_responses(400, 403, 404, 409, 422)},
    summary="修改申报内容",
    description=(
        "整体替换申报内容（未传的勾选项视为未勾选、文字视为空），须带上读取时的 version。"
        "期间已被他人修改时返回 409（code: concurrent_edit），不保存。"
    ),
    auth=scoped("applications:write"),
)
def application_update(
    request: HttpRequest, application_id: int, payload: ApplicationUpdateIn
) -> ApplicationOut:
    user = current_user(request)
    application = _changeable(user, application_id)
    _require_editable(application)
    registration = registration_get(
        organisation=application.organisation, campaign=application.campaign
    )
    units = units_open_to(registration=registration)
    if application.recommending_unit not in units:
        units.append(application.recommending_unit)  # the unit chosen earlier stays valid
    data, type_errors = form_data(payload, ApplicationForm)
    form = ApplicationForm(
        data,
        instance=application,
        units=units,
        commitment_year=application.campaign.year,
        organisation=application.organisation,
    )
    form.fields["version"].required = True
    ensure_valid(form, type_errors)
    services.application_update(
        actor=user,
        application=application,
        data=form.cleaned_data,
        expected_version=form.cleaned_data["version"],
    )
    return _out(application_id, user)


# --- files ---------------------------------------------------------------------------------


@router.post(
    "/applications/{application_id}/attachments",
    response={201: AttachmentOut, **error_responses(400, 403, 404, 409, 422)},
    summary="上传创建材料附件",
    description="multipart/form-data：area（材料类别 1–6）与 file。文件按内容识别类型。",
    openapi_extra=multipart_body(
        {"area": _AREA_PROPERTY, "file": _FILE_PROPERTY}, ["area", "file"]
    ),
    auth=scoped("applications:write"),
)
def attachment_add(request: HttpRequest, application_id: int) -> Status[AttachmentOut]:
    user = current_user(request)
    application = _changeable(user, application_id)
    form = validated_upload(request, AttachmentForm)
    try:
        attachment = services.application_attachment_add(
            actor=user,
            application=application,
            area=form.cleaned_data["area"],
            file=form.cleaned_data["file"],
        )
    except DjangoValidationError as exc:
        raise InvalidInput(validation_error_messages(exc, field="file")) from exc
    return Status(201, attachment_out(attachment))


@router.delete(
    "/applications/{application_id}/attachments/{attachment_id}",
    response={204: None, **error_responses(403, 404, 409)},
    summary="删除附件",
    auth=scoped("applications:write"),
)
def attachment_remove(
    request: HttpRequest, application_id: int, attachment_id: int
) -> Status[None]:
    user = current_user(request)
    application = _changeable(user, application_id)
    attachment = Attachment.objects.filter(pk=attachment_id, application=application).first()
    if attachment is None:
        raise Http404
    services.application_attachment_remove(
        actor=user, application=application, attachment=attachment
    )
    return Status(204, None)


@router.post(
    "/applications/{application_id}/stamped-form",
    response={200: ApplicationOut, **error_responses(400, 403, 404, 409, 422)},
    summary="上传盖章申报表扫描件",
    description="multipart/form-data：file（PDF、JPG 或 PNG）。再次上传会替换原文件。",
    openapi_extra=multipart_body({"file": _SCAN_PROPERTY}, ["file"]),
    auth=scoped("applications:write"),
)
def stamped_form_upload(request: HttpRequest, application_id: int) -> ApplicationOut:
    user = current_user(request)
    application = _changeable(user, application_id)
    form = validated_upload(request, StampedFormUploadForm)
    try:
        services.application_stamped_form_upload(
            actor=user, application=application, file=form.cleaned_data["file"]
        )
    except DjangoValidationError as exc:
        raise InvalidInput(validation_error_messages(exc, field="file")) from exc
    return _out(application_id, user)


def _generated_form(request: HttpRequest, application_id: int, fmt: str) -> HttpResponseBase:
    """The pre-filled 附件3 for printing and stamping, named 单位简称+班组名称."""
    application = _visible(current_user(request), application_id)
    data = selectors.application_form_data(application)
    stamp = selectors.application_stamp(application, printed_content(data))
    if fmt == "docx":
        content, mime = application_form_docx(data, stamp), DOCX_MIME
    else:
        content, mime = application_form_pdf(data, stamp), PDF_MIME
    short = (
        application.organisation_snapshot.get("short_name") or application.organisation.short_name
    )
    return uploads.attachment_response(
        io.BytesIO(content),
        download_name=uploads.download_name_for(short, application.team_name, _("申报表"), fmt),
        content_type=mime,
    )


@router.get(
    "/applications/{application_id}/form.docx",
    response={200: None, **error_responses(404)},
    url_name="application_form_docx",
    summary="下载预填的申报表（Word）",
    openapi_extra=binary_response(
        DOCX_MIME, "附件3 申报表（Word），文件名为“单位简称+班组名称-申报表”"
    ),
)
def application_form_docx_get(request: HttpRequest, application_id: int) -> HttpResponseBase:
    return _generated_form(request, application_id, "docx")


@router.get(
    "/applications/{application_id}/form.pdf",
    response={200: None, **error_responses(404)},
    url_name="application_form_pdf",
    summary="下载预填的申报表（PDF）",
    openapi_extra=binary_response(
        PDF_MIME, "附件3 申报表（PDF），文件名为“单位简称+班组名称-申报表”"
    ),
)
def application_form_pdf_get(request: HttpRequest, application_id: int) -> HttpResponseBase:
    return _generated_form(request, application_id, "pdf")


# --- transitions ---------------------------------------------------------------------------


@router.get(
    "/applications/{application_id}/submission-problems",
    response={200: SubmissionProblemsOut, **error_responses(403, 404)},
    summary="提交前的缺项检查",
)
def submission_problems(request: HttpRequest, application_id: int) -> SubmissionProblemsOut:
    application = _changeable(current_user(request), application_id)
    problems = {k: str(v) for k, v in services.submission_problems(application).items()}
    return SubmissionProblemsOut(complete=not problems, problems=problems)


@router.post(
    "/applications/{application_id}/submit",
    response={200: ApplicationOut, **error_responses(400, 403, 404, 409)},
    summary="提交至推荐单位",
    description="不完整时返回 400（code: incomplete），errors 列出各缺项。",
    auth=scoped("applications:write"),
)
def application_submit(request: HttpRequest, application_id: int) -> ApplicationOut:
    user = current_user(request)
    application = _changeable(user, application_id)
    services.application_submit(actor=user, application=application)
    return _out(application_id, user)


@router.post(
    "/applications/{application_id}/withdraw",
    response={200: ApplicationOut, **error_responses(403, 404, 409, 422)},
    summary="撤回申报",
    description="推荐单位作出推荐决定之前可以撤回。请求体可省略。",
    auth=scoped("applications:write"),
)
def application_withdraw(
    request: HttpRequest, application_id: int, payload: WithdrawIn | None = None
) -> ApplicationOut:
    user = current_user(request)
    application = _changeable(user, application_id)
    reason = payload.reason if payload is not None else None
    if reason is not None and not isinstance(reason, str):
        raise InvalidInput({"reason": [_("格式不正确。")]})
    services.application_withdraw(actor=user, application=application, reason=reason or "")
    return _out(application_id, user)


# --- downloads and history (for token clients: the pages' links need a session) -----------


def _download_base(application: Application) -> tuple[str, str]:
    short = (
        application.organisation_snapshot.get("short_name") or application.organisation.short_name
    )
    return short, application.team_name


@router.get(
    "/applications/{application_id}/attachments/{attachment_id}",
    response={200: None, **error_responses(404)},
    url_name="application_attachment",
    summary="下载材料附件",
    openapi_extra=binary_response(
        "application/octet-stream", "附件原文件，文件名为“单位简称+班组名称-材料类别-原文件名”"
    ),
)
def attachment_download(
    request: HttpRequest, application_id: int, attachment_id: int
) -> HttpResponseBase:
    application = _visible(current_user(request), application_id)
    attachment = Attachment.objects.filter(pk=attachment_id, application=application).first()
    if attachment is None:
        raise Http404
    short, team = _download_base(application)
    stored = attachment.file.name or ""
    ext = stored.rsplit(".", 1)[-1] if "." in stored else "bin"
    suffix = f"{attachment.get_area_display()}-{attachment.original_name.rsplit('.', 1)[0]}"
    return uploads.attachment_response(
        attachment.file,
        download_name=uploads.download_name_for(short, team, suffix, ext),
        content_type=attachment.content_type,
    )


@router.get(
    "/applications/{application_id}/stamped-form",
    response={200: None, **error_responses(404)},
    url_name="application_stamped_form",
    summary="下载盖章申报表扫描件",
    description="尚未上传时返回 404。",
    openapi_extra=binary_response("application/octet-stream", "盖章申报表扫描件（PDF 或图片）"),
)
def stamped_form_download(request: HttpRequest, application_id: int) -> HttpResponseBase:
    application = _visible(current_user(request), application_id)
    if not application.stamped_form:
        raise Http404
    short, team = _download_base(application)
    name = application.stamped_form.name or "scan.pdf"
    return uploads.attachment_response(
        application.stamped_form,
        download_name=uploads.download_name_for(short, team, _("盖章申报表"), name.rsplit(".")[-1]),
    )


@router.get(
    "/applications/{application_id}/revisions/{number}",
    response={200: RevisionDetailOut, **error_responses(404)},
    summary="某次提交时的申报内容（提交版本）",
)
def revision_detail(
    request: HttpRequest,
    application_id: int,
    number: Annotated[int, Path(title="版本号", ge=1, le=32767)],
) -> RevisionDetailOut:
    application = _visible(current_user(request), application_id)
    revision = (
        ApplicationRevision.objects.select_related("submitted_by")
        .filter(application=application, number=number)
        .first()
    )
    if revision is None:
        raise Http404
    return RevisionDetailOut(
        number=revision.number,
        submitted_at=revision.submitted_at,
        submitted_by=revision.submitted_by.name if revision.submitted_by else None,
        fields=[
            RevisionFieldOut(label=label, value=value)
            for label, value in selectors.revision_rows(revision)
        ],
    )


# --- association staff ----------------------------------------------------------------------


if TYPE_CHECKING:
    StaffState = str
else:
    StaffState = Literal[tuple(ApplicationState.values)]


# The cursor of the staff list (docs/api.md, "Paging the staff list"): the last row's 编号,
# urlsafe base64 without padding behind a version prefix. Opaque to clients; anything that
# does not decode to that shape is refused on the field ``after``.
_CURSOR_PREFIX = b"n1:"
_NUMBER_MAX = Application._meta.get_field("number").max_length or 16


def _staff_cursor(number: str) -> str:
    return base64.urlsafe_b64encode(_CURSOR_PREFIX + number.encode()).rstrip(b"=").decode()


def _staff_cursor_number(cursor: str) -> str:
    try:
        raw = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True)
        number = raw.removeprefix(_CURSOR_PREFIX).decode() if raw.startswith(_CURSOR_PREFIX) else ""
    except (binascii.Error, UnicodeDecodeError, ValueError):
        number = ""
    if not (0 < len(number) <= _NUMBER_MAX and number.isprintable() and number.strip() == number):
        raise InvalidInput({"after": [_("游标无效，请使用上一页返回的 next_after。")]})
    return number


@router.get(
    "/staff/applications",
    response={200: StaffApplicationPageOut, **error_responses(403, 422)},
    summary="全部申报（质协工作人员）：按状态、推荐单位、重点领域筛选，搜索，分页",
)
def staff_applications(
    request: HttpRequest,
    year: int | None = Query(None, description="活动年度（默认当前年度）", ge=1900, le=9999),  # noqa: B008
    state: StaffState | None = Query(None, description="申报状态"),  # noqa: B008
    unit: int | None = Query(None, description="推荐单位 id", ge=1, le=2**63 - 1),  # noqa: B008
    domain: int | None = Query(None, description="重点领域 id", ge=1, le=2**63 - 1),  # noqa: B008
    q: str = Query("", description="编号、班组名称或单位名称中包含的文字", max_length=100),  # noqa: B008
    limit: int = Query(50, ge=1, le=500, description="每页条数"),  # noqa: B008
    offset: int = Query(0, ge=0, le=10**9, description="起始位置"),  # noqa: B008
    after: str | None = Query(  # noqa: B008
        None,
        description="游标：上一页返回的 next_after，从其后一条开始（此时 offset 须为 0）",
        max_length=100,
    ),
) -> StaffApplicationPageOut:
    user = current_user(request)
    if not roles_of(user).is_staff:
        raise NotAllowed(_("只有质协工作人员可以查看全部申报。"), code="not_staff")
    after_number = _staff_cursor_number(after) if after is not None else None
    if after_number is not None and offset:
        raise InvalidInput({"offset": [_("使用游标 after 时，offset 须为 0。")]})
    campaign = campaign_get(year=year) if year is not None else campaign_current()
    if campaign is None:
        return StaffApplicationPageOut(
            count=0, limit=limit, offset=offset, items=[], next_after=None
        )
    query = "".join(ch for ch in q if ch.isprintable()).strip()
    applications = selectors.applications_for_staff(
        campaign=campaign, state=state or "", unit_id=unit, domain_id=domain, q=query
    )
    following = (
        selectors.applications_after(applications, after_number)
        if after_number is not None
        else applications
    )
    # One row more than the page tells whether a next page exists.
    rows = list(selectors.application_rows(following)[offset : offset + limit + 1])
    more, rows = len(rows) > limit, rows[:limit]
    labels = dict(ApplicationState.choices)
    return StaffApplicationPageOut(
        count=applications.count(),
        limit=limit,
        offset=offset,
        items=[
            StaffApplicationRowOut(
                id=row["pk"],
                number=row["number"],
                team_name=row["team_name"],
                state=row["state"],
                state_label=str(labels.get(row["state"], row["state"])),
                organisation_name=row["organisation__name"],
                recommending_unit_name=row["recommending_unit__name"],
            )
            for row in rows
        ],
        next_after=_staff_cursor(rows[-1]["number"]) if more else None,
    )
