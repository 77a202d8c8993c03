from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from xinban.core import devmail
from xinban.core.audit_presenters import audit_lines
from xinban.core.audit_registry import registered_actions
from xinban.core.roles import roles_of
from xinban.core.selectors import audit_entries


def home(request: HttpRequest) -> HttpResponse:
    """The home page; the areas fill their parts through their template tags (the
    campaign's schedule, the latest notices), so core imports none of them."""
    return render(request, "core/home.html")


def minimal(request: HttpRequest) -> HttpResponse:
    """The benchmarks' baseline: an empty page in the site's layout, behind the same
    middleware (session, user, roles, navigation), so a page's ratio to it measures the
    work the page itself adds."""
    return render(request, "core/minimal.html")


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Staff browse and filter the audit log."""
    if not roles_of(request.user).is_staff:
        raise PermissionDenied
    filters = {
        key: request.GET.get(key, "").strip()
        for key in ("action", "object_type", "object_id", "actor", "obj", "since", "until")
    }
    entries = audit_entries(**filters)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_log.html",
        {
            "page": page,
            "lines": audit_lines(page),
            "filters": filters,
            "actions": sorted(
                ((name, str(sentence)) for name, sentence in registered_actions().items()),
                key=lambda item: item[0],
            ),
        },
    )


def _development_only() -> None:
    if not settings.DEBUG:
        raise Http404


def dev_mailbox(request: HttpRequest) -> HttpResponse:
    """Every e-mail sent, newest first (development only: 404 without DEBUG)."""
    _development_only()
    return render(request, "core/dev_mailbox.html", {"mails": devmail.dev_mails()})


def dev_mail_detail(request: HttpRequest, name: str) -> HttpResponse:
    _development_only()
    mail = devmail.dev_mail(name)
    if mail is None:
        raise Http404
    return render(request, "core/dev_mail.html", {"mail": mail})
