from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xinban.campaigns.selectors import campaign_current, phases_with_status
from xinban.core.audit_presenters import audit_lines
from xinban.core.audit_registry import registered_actions
from xinban.core.roles import roles_of
from xinban.core.selectors import audit_entries


def home(request: HttpRequest) -> HttpResponse:
    campaign = campaign_current()
    phases = phases_with_status(campaign) if campaign else []
    return render(request, "core/home.html", {"campaign": campaign, "phases": phases})


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
