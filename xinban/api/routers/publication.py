"""Publication (JSON): the association's notices, published results and the case library
with each experience's page (no login needed), certificate verification; an applicant
sets how much of a selected experience the public may read; staff publish a year and
start the certificate batch."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from xinban.api.auth import current_user, scoped
from xinban.api.common import ApplicationId, binary_response, error_responses
from xinban.api.errors import InvalidInput, ensure_valid
from xinban.api.payloads import form_data
from xinban.api.schemas import ErrorOut
from xinban.api.text import is_clean_text
from xinban.applications.models import Application, MaterialArea
from xinban.campaigns.models import Campaign
from xinban.core import uploads
from xinban.core.roles import roles_of
from xinban.publication import blank_forms, selectors, services
from xinban.publication.forms import ConsentForm
from xinban.publication.models import CaseEntry, ConsentScope, PublicationConsent

router = Router(tags=["结果发布"])


class CaseOut(Schema):
    id: int = Field(title="案例 id")
    year: int = Field(title="年度")
    level: str = Field(title="评价结果")
    organisation_name: str = Field(title="单位名称")
    team_name: str = Field(title="班组名称")
    unit_name: str = Field(title="推荐单位")
    domain: str = Field(title="领域")
    summary: str = Field(title="成果摘要")


class MaterialOut(Schema):
    area: str = Field(title="创建材料方面")
    text: str = Field(title="内容")


class CaseDetailOut(CaseOut):
    industries: str = Field(title="行业")
    materials: list[MaterialOut] = Field(title="公开的创建材料（单位同意公开全文时）")


class NoticeLinkOut(Schema):
    title: str = Field(title="名称")
    url: str = Field(title="下载地址")


class NoticeOut(Schema):
    id: int = Field(title="公告 id")
    title: str = Field(title="标题")
    body: str = Field(title="内容", description="Markdown")
    published_at: datetime = Field(title="发布时间")
    page_url: str = Field("", title="公告页面")
    year: int | None = Field(None, title="所属活动年度", description="年度活动通知")
    attachments: list[NoticeLinkOut] = Field([], title="附件")
    blank_forms: list[NoticeLinkOut] = Field(
        [], title="空白表格", description="年度活动通知：附件1–7 空白表格"
    )


class ConsentIn(Schema):
    scope: str | None = Field(
        None, title="同意公开的范围", description="names / summary / full", max_length=10
    )


class ConsentOut(Schema):
    application_id: int = Field(title="申报 id")
    scope: str = Field(title="同意公开的范围")


CaseId = Annotated[int, Path(title="案例 id")]


class CasePageOut(Schema):
    count: int = Field(title="数量（最多 1001）")
    items: list[CaseOut] = Field(title="本页")


class CaseQuery(Schema):
    q: str = Field("", title="任意文字", max_length=100)
    year: int | None = Field(None, title="年度", ge=1900, le=2200)
    domain: str = Field("", title="领域", max_length=50)
    industry: str = Field("", title="行业", max_length=50)
    level: str = Field("", title="评价结果", max_length=10)
    unit: str = Field("", title="推荐单位", max_length=100)
    page: int = Field(1, title="页码", ge=1, le=10_000)


class VerifyOut(Schema):
    valid: bool = Field(title="真实有效")
    code: str = Field(title="证书编号")
    organisation_name: str | None = Field(None, title="单位名称")
    team_name: str | None = Field(None, title="班组名称")
    year: int | None = Field(None, title="年度")
    level: str | None = Field(None, title="评价结果")


class PublishIn(Schema):
    override_reason: str = Field(
        "",
        title="阶段外发布的原因",
        description="在“活动成果发布”阶段之外发布时必填（记入审计日志）",
    )


class PublishOut(Schema):
    year: int = Field(title="年度")
    entries: int = Field(title="公开成果数")


class TaskRef(Schema):
    task_id: int = Field(title="后台任务 id")


@router.get(
    "/public/cases", response={200: CasePageOut}, auth=None, summary="结果公布与案例库（无需登录）"
)
def cases(request: HttpRequest, query: Query[CaseQuery]) -> CasePageOut:
    filters = selectors.CaseFilters(
        q=query.q,
        year=query.year,
        domain=query.domain,
        industry=query.industry,
        level=query.level,
        unit=query.unit,
    )
    page = selectors.case_search_page(filters, query.page, 20)
    return CasePageOut(count=page.paginator.count, items=[CaseOut(**row) for row in page])


@router.get(
    "/public/cases/{case_id}",
    response={200: CaseDetailOut, 404: ErrorOut},
    auth=None,
    summary="一项公开成果（仅单位同意公开的内容，无需登录）",
)
def case_detail(request: HttpRequest, case_id: CaseId) -> CaseDetailOut:
    entry = get_object_or_404(CaseEntry, pk=case_id)
    labels = dict(MaterialArea.choices)
    return CaseDetailOut(
        id=entry.pk,
        year=entry.year,
        level=entry.level,
        organisation_name=entry.organisation_name,
        team_name=entry.team_name,
        unit_name=entry.unit_name,
        domain=entry.domain,
        summary=entry.summary,
        industries=entry.industries,
        materials=[
            MaterialOut(area=str(labels.get(int(k), k)), text=v)
            for k, v in sorted(entry.materials.items())
        ],
    )


@router.get(
    "/public/notices", response={200: list[NoticeOut]}, auth=None, summary="通知公告（无需登录）"
)
def notices(request: HttpRequest) -> list[NoticeOut]:
    out = []
    for n in (
        selectors.notices_published()
        .select_related("campaign")
        .prefetch_related("attachments")[:20]
    ):
        year = n.campaign.year if n.campaign else None
        forms = [
            NoticeLinkOut(
                title=form.download_name(year, fmt),
                url=reverse(
                    "publication:blank_form",
                    kwargs={"year": year, "number": form.number, "fmt": fmt},
                ),
            )
            for form in blank_forms.FORMS
            for fmt in form.formats
            if year is not None
        ]
        out.append(
            NoticeOut(
                id=n.pk,
                title=n.title,
                body=n.body,
                published_at=n.published_at,
                page_url=reverse("publication:notice_detail", args=[n.pk]),
                year=year,
                attachments=[
                    NoticeLinkOut(
                        title=a.title,
                        url=reverse("publication:notice_attachment", args=[n.pk, a.pk]),
                    )
                    for a in n.attachments.all()
                ],
                blank_forms=forms,
            )
        )
    return out


@router.get(
    "/public/certificates/{code}",
    response={200: VerifyOut},
    auth=None,
    summary="证书查验（无需登录）",
)
def verify(request: HttpRequest, code: str) -> VerifyOut:
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        return VerifyOut(
            valid=False,
            code=code[:20],
            organisation_name=None,
            team_name=None,
            year=None,
            level=None,
        )
    return VerifyOut(
        valid=True,
        code=certificate.code,
        organisation_name=certificate.organisation_name,
        team_name=certificate.team_name,
        year=certificate.year,
        level=certificate.level,
    )


def _staff(request: HttpRequest) -> object:
    user = current_user(request)
    if not roles_of(user).is_staff:
        raise PermissionDenied
    return user


def _override_reason(request: HttpRequest) -> str:
    """The optional body of publish (:class:`PublishIn`). Read by hand so that the
    body-less request integrations already send keeps working, whatever its content type."""
    if not request.body or request.content_type != "application/json":
        return ""
    try:
        body = json.loads(request.body)
    except ValueError:
        raise InvalidInput({"override_reason": [_("请求内容不是有效的 JSON。")]}) from None
    reason = body.get("override_reason", "") if isinstance(body, dict) else ""
    if reason is None:
        return ""
    if not isinstance(reason, str):
        raise InvalidInput({"override_reason": [_("格式不正确。")]})
    if not is_clean_text(reason):  # the API's text rule (docs/api.md, "Text")
        raise InvalidInput(
            {
                "override_reason": [
                    _("含有无法保存的字符（控制字符或不成对的代理项），请删除后重试。")
                ]
            }
        )
    return reason


@router.post(
    "/publication/{year}/publish",
    response={200: PublishOut, **error_responses(403, 404, 409)},
    summary="发布年度结果（评价全部完成后）",
    description="在“活动成果发布”阶段之外发布时，请求体须给出 override_reason（PublishIn）。",
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": PublishIn.model_json_schema()}},
        }
    },
    auth=scoped("staff:write"),
)
def publish(request: HttpRequest, year: int) -> PublishOut:
    user = _staff(request)
    reason = _override_reason(request)  # the body first, as for every other operation
    campaign = get_object_or_404(Campaign, year=year)
    count = services.results_publish(
        actor=user,  # type: ignore[arg-type]
        campaign=campaign,
        override_reason=reason,
    )
    return PublishOut(year=year, entries=count)


@router.post(
    "/publication/{year}/certificates",
    response={202: TaskRef, **error_responses(403, 404, 409)},
    summary="批量生成证书（后台任务，进度见 /api/tasks/{task_id}）",
    auth=scoped("staff:write"),
)
def certificates(request: HttpRequest, year: int) -> Status[TaskRef]:
    user = _staff(request)
    campaign = Campaign.objects.filter(year=year).first()
    if campaign is None:
        raise Http404
    task = services.certificates_batch_start(actor=user, campaign=campaign)  # type: ignore[arg-type]
    return Status(202, TaskRef(task_id=task.pk))


@router.put(
    "/my/applications/{application_id}/publication-consent",
    response={200: ConsentOut, **error_responses(404, 409, 422)},
    summary="设置入选成果的公开范围（本单位成员）",
    auth=scoped("applications:write"),
)
def consent_put(
    request: HttpRequest, application_id: ApplicationId, payload: ConsentIn
) -> ConsentOut:
    user = current_user(request)
    app = Application.objects.filter(
        pk=application_id, organisation_id__in=roles_of(user).organisation_ids
    ).first()
    if app is None:
        raise Http404
    data, type_errors = form_data(payload, ConsentForm)
    form = ConsentForm(data)
    ensure_valid(form, type_errors)
    consent = services.consent_set(actor=user, application=app, scope=form.cleaned_data["scope"])
    return ConsentOut(application_id=app.pk, scope=consent.scope)


@router.get(
    "/my/applications/{application_id}/publication-consent",
    response={200: ConsentOut, **error_responses(404)},
    summary="入选成果当前的公开范围（本单位成员）",
)
def consent_get(request: HttpRequest, application_id: ApplicationId) -> ConsentOut:
    user = current_user(request)
    app = Application.objects.filter(
        pk=application_id, organisation_id__in=roles_of(user).organisation_ids
    ).first()
    if app is None:
        raise Http404
    consent = PublicationConsent.objects.filter(application=app).first()
    return ConsentOut(application_id=app.pk, scope=consent.scope if consent else ConsentScope.NAMES)


@router.get(
    "/my/applications/{application_id}/certificate",
    response={200: None, **error_responses(404)},
    summary="下载本单位入选成果的证书（PDF）",
    description="结果发布后可下载；证书编号首次下载时生成。本单位成员与质协工作人员可下载。",
    openapi_extra=binary_response("application/pdf", "证书 PDF"),
)
def certificate_download(request: HttpRequest, application_id: ApplicationId) -> FileResponse:
    user = current_user(request)
    roles = roles_of(user)
    app = Application.objects.filter(pk=application_id).first()
    if app is None or not (app.organisation_id in roles.organisation_ids or roles.is_staff):
        raise Http404
    if not CaseEntry.objects.filter(application=app).exists():
        raise Http404
    certificate = services.certificate_file(services.certificate_for(app, user))
    return uploads.attachment_response(
        certificate.pdf,
        download_name=f"证书-{certificate.organisation_name}-{certificate.team_name}.pdf",
        content_type="application/pdf",
    )
