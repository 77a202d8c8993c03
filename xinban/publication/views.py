"""The public side (no login): published results, the case library, certificate
verification; the applicant's consent and certificate; the staff's publication page."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models.functions import Length
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinban.applications.models import Application, MaterialArea
from xinban.campaigns.models import Campaign
from xinban.campaigns.selectors import domain_labels, industries_label
from xinban.core import uploads
from xinban.core.errors import ServiceError
from xinban.core.http import AuthenticatedHttpRequest
from xinban.core.roles import roles_of
from xinban.publication import blank_forms, selectors, services
from xinban.publication.certificates import certificate_pdf
from xinban.publication.forms import ConsentForm, VerifyForm
from xinban.publication.markup import render_markdown
from xinban.publication.models import (
    CaseEntry,
    ConsentScope,
    Level,
    NoticeAttachment,
    PublicationConsent,
)
from xinban.publication.snippets import highlight, query_terms
from xinban.tasks.models import Task


def _filters(request: HttpRequest) -> selectors.CaseFilters:
    year = request.GET.get("year", "")
    return selectors.CaseFilters(
        q=request.GET.get("q", "")[:100],
        year=int(year) if year.isdigit() and len(year) == 4 else None,
        domain=request.GET.get("domain", "")[:50],
        industry=request.GET.get("industry", "")[:50],
        level=request.GET.get("level", ""),
        unit=request.GET.get("unit", "")[:100],
    )


PER_PAGE = 20  # a phone screen or two


def _public_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Public pages may be kept a minute when nobody is logged in; a page rendered for a
    logged-in user (their menu) only in their own browser. A page that carries the
    visitor's CSRF token (the language switch's form) is sent with that visitor's cookie,
    so it is kept by the visitor's browser only: a shared cache must not hand one
    visitor's token and cookie to the next."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_cache=True)
        elif request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            patch_cache_control(response, private=True, max_age=60)
        else:
            patch_cache_control(response, public=True, max_age=60)
        return response

    return wrapped


class _FtsPage(Page):  # type: ignore[type-arg]
    """A page whose rows and capped count came straight from the search index."""


def _plain_search(filters: selectors.CaseFilters) -> str | None:
    """The FTS5 expression of a search with no other filter (SQLite), read straight from
    the index; None otherwise."""
    if filters.year or filters.domain or filters.industry or filters.level or filters.unit:
        return None
    return selectors.fts_expression(filters.q)


def _page(request: HttpRequest, filters: selectors.CaseFilters) -> Page:  # type: ignore[type-arg]
    number = request.GET.get("page", "1")
    wanted = int(number) if number.isdigit() and len(number) < 6 else 1
    expression = _plain_search(filters)
    if expression is not None:
        rows, count = selectors.fts_search_page(expression, wanted, PER_PAGE)
        paginator = selectors.CappedPaginator(CaseEntry.objects.none(), PER_PAGE)
        paginator.__dict__["count"] = count  # the capped count from the index
        number_ok = min(max(1, wanted), paginator.num_pages)
        if number_ok != wanted:
            rows, _count = selectors.fts_search_page(expression, number_ok, PER_PAGE)
        return _FtsPage(rows, number_ok, paginator)
    return selectors.case_search_page(filters, number, PER_PAGE)


def _listing(request: HttpRequest, template: str) -> HttpResponse:
    filters = _filters(request)
    page = _page(request, filters)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {
            "page": page,
            "texts": selectors.page_published_texts(page.object_list),
            # One read of the domains' labels for the filters and the items.
            "domains": selectors.case_domain_labels(),
            "filters": filters,
            "facets": selectors.case_facets(),
            "levels": Level.choices,
            "query": query.urlencode(),
        },
    )


@_public_cache
def results(request: HttpRequest) -> HttpResponse:
    """Published results by year, domain, industry and recommending unit."""
    return _listing(request, "publication/results.html")


@_public_cache
def cases(request: HttpRequest) -> HttpResponse:
    """The case library (在线分享): every published year, searchable."""
    return _listing(request, "publication/cases.html")


@_public_cache
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One experience as its organisation agreed to publish it: names and level, the
    summary, the six areas' texts (full materials); the words searched for marked."""
    entry = get_object_or_404(CaseEntry, pk=pk)

    terms = query_terms(request.GET.get("q", "")[:100])
    labels = dict(MaterialArea.choices)
    materials = sorted(entry.materials.items(), key=lambda item: int(item[0]))
    if materials:
        scope = ConsentScope.FULL
    elif entry.summary:
        scope = ConsentScope.SUMMARY
    else:
        scope = ConsentScope.NAMES
    return render(
        request,
        "publication/case_detail.html",
        {
            "entry": entry,
            "scope_label": ConsentScope(scope).label,
            "domain": domain_labels().get(entry.domain, entry.domain),
            "industries": industries_label(entry.industries),
            "summary": _marked(entry.summary, terms),
            "materials": [
                (labels.get(int(k), k), _marked(v, terms)) for k, v in materials if v.strip()
            ],
        },
    )


def _marked(text: str, terms: list[str]) -> SafeString:
    """Escaped text, line breaks kept, the searched words marked."""
    return mark_safe(highlight(text, terms).replace("\n", "<br>"))  # noqa: S308 - escaped


def _is_staff(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and roles_of(request.user).is_staff)  # type: ignore[arg-type]


@_public_cache
def notices(request: HttpRequest) -> HttpResponse:
    """通知公告: every published notice, newest first."""
    page = Paginator(selectors.notices_published(), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "publication/notices.html", {"page": page})


@_public_cache
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A notice's page: the formatted body, its attachments and, for a campaign year's
    notice, the year's blank forms and the association's contact. Drafts: staff only."""
    notice = selectors.notice_visible(pk, is_staff=_is_staff(request))
    if notice is None:
        raise Http404
    campaign = notice.campaign
    forms = []
    if campaign is not None:
        for form in blank_forms.FORMS:
            links = [
                (
                    fmt,
                    reverse(
                        "publication:blank_form",
                        kwargs={"year": campaign.year, "number": form.number, "fmt": fmt},
                    ),
                )
                for fmt in form.formats
            ]
            forms.append({"form": form, "links": links})
    return render(
        request,
        "publication/notice_detail.html",
        {
            "notice": notice,
            "body": render_markdown(notice.body),
            "attachments": list(notice.attachments.all()),
            "campaign": campaign,
            "forms": forms,
        },
    )


def notice_attachment(request: HttpRequest, pk: int, attachment: int) -> FileResponse:
    """An attachment of a notice the visitor may read (a draft's: staff only)."""
    notice = selectors.notice_visible(pk, is_staff=_is_staff(request))
    item = NoticeAttachment.objects.filter(notice=notice, pk=attachment).first() if notice else None
    if item is None or not item.file:
        raise Http404
    stored = item.file.name or ""
    ext = stored.rsplit(".", 1)[-1] if "." in stored else ""
    name = item.title if not ext or item.title.endswith(f".{ext}") else f"{item.title}.{ext}"
    return uploads.attachment_response(item.file, download_name=name)


BLANK_FORM_MIME = {
    blank_forms.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    blank_forms.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def blank_form(request: HttpRequest, year: int, number: int, fmt: str) -> FileResponse:
    """A year's blank 附件1–7 (no applicant data): public once the year's notice is
    published, to staff before."""
    campaign = Campaign.objects.filter(year=year).first() if 1900 < year < 10000 else None
    form = blank_forms.BY_NUMBER.get(number)
    if campaign is None or form is None or fmt not in form.formats:
        raise Http404
    if not _is_staff(request) and not selectors.blank_forms_public(campaign.pk):
        raise Http404
    content = blank_forms.blank_form(campaign, number, fmt)
    if content is None:
        raise Http404
    return uploads.attachment_response(
        io.BytesIO(content),
        download_name=form.download_name(campaign.year, fmt),
        content_type=BLANK_FORM_MIME[fmt],
    )


def verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("publication:verify_code", code=form.cleaned_data["code"].strip().upper())
    return render(request, "publication/verify.html", {"form": form})


def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    certificate = selectors.certificate_by_code(code)
    return render(
        request,
        "publication/verify.html",
        {
            "form": VerifyForm(initial={"code": code}),
            "code": code,
            "certificate": certificate,
            "checked": True,
        },
        status=200 if certificate else 404,
    )


def _own_application(request: AuthenticatedHttpRequest, pk: int) -> Application:
    app = Application.objects.filter(pk=pk).select_related("campaign").first()
    if app is None:
        raise Http404
    roles = roles_of(request.user)
    if app.organisation_id not in roles.organisation_ids and not roles.is_staff:
        raise Http404
    return app


@login_required
def certificate_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    app = _own_application(request, pk)
    if not CaseEntry.objects.filter(application=app).exists():
        raise Http404
    certificate = services.certificate_file(services.certificate_for(app, request.user))
    return uploads.attachment_response(
        certificate.pdf,
        download_name=f"证书-{certificate.organisation_name}-{certificate.team_name}.pdf",
        content_type="application/pdf",
    )


@login_required
def consent(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    app = _own_application(request, pk)
    if app.organisation_id not in roles_of(request.user).organisation_ids:
        raise Http404
    current = PublicationConsent.objects.filter(application=app).first()
    form = ConsentForm(
        request.POST or None, initial={"scope": current.scope if current else ConsentScope.NAMES}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_set(
                actor=request.user, application=app, scope=form.cleaned_data["scope"]
            )
        except ServiceError as exc:
            form.add_error("scope", exc.message)
        else:
            messages.success(request, _("公开范围已保存。"))
            return redirect("evaluation:outcomes")
    return render(
        request,
        "publication/consent.html",
        {
            "application": app,
            "form": form,
            "has_certificate": CaseEntry.objects.filter(application=app).exists(),
        },
    )


def _staff(request: AuthenticatedHttpRequest) -> None:
    if not roles_of(request.user).is_staff:
        raise PermissionDenied


@login_required
def staff(request: AuthenticatedHttpRequest) -> HttpResponse:
    _staff(request)
    campaigns = list(Campaign.objects.order_by("-year"))
    tasks = {
        t.kwargs.get("campaign_id"): t
        for t in Task.objects.filter(name="publication.certificates").order_by("pk")
    }
    return render(
        request,
        "publication/staff.html",
        {
            "rows": [
                {
                    "campaign": c,
                    "entries": CaseEntry.objects.filter(year=c.year).count(),
                    "task": tasks.get(c.pk),
                    "window_refusal": services.publication_window_refusal(c),
                }
                for c in campaigns
            ]
        },
    )


def _campaign(year: int) -> Campaign:
    return get_object_or_404(Campaign, year=year)


@login_required
@require_POST
def publish(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    _staff(request)
    try:
        count = services.results_publish(
            actor=request.user,
            campaign=_campaign(year),
            override_reason=request.POST.get("override_reason", ""),
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已发布 %(count)s 项成果。") % {"count": count})
    return redirect("publication:staff")


@login_required
@require_POST
def certificates_batch(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    _staff(request)
    try:
        services.certificates_batch_start(actor=request.user, campaign=_campaign(year))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("证书正在后台生成，完成后可下载压缩包。"))
    return redirect("publication:staff")


@login_required
def certificate_preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A sample certificate to check the layout before a batch: with ``?year=``, the
    names of that year's experience with the longest organisation name (nothing issued,
    a sample code); else sample names."""
    _staff(request)
    year = request.GET.get("year", "")
    entry = None
    if year.isdigit() and len(year) == 4:
        entry = (
            CaseEntry.objects.filter(year=int(year))
            .annotate(name_length=Length("organisation_name"))
            .order_by("-name_length", "pk")
            .first()
        )
    if entry is not None:
        content = certificate_pdf(
            code=f"{entry.year}-SAMPLE000000",
            year=entry.year,
            level=entry.level,
            organisation_name=entry.organisation_name,
            team_name=entry.team_name,
        )
    else:
        content = certificate_pdf(
            code="2026-SAMPLE000000",
            year=2026,
            level=Level.NATIONAL,
            organisation_name="上海浦江智能装备股份有限公司（样例：企业名称全称）",
            team_name="总装车间精益质量改进与数字化管控质检一班",
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="preview.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
