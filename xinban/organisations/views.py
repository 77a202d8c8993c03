from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xinban.campaigns.models import PhaseKind
from xinban.campaigns.selectors import campaign_current, phase_window_end
from xinban.core.errors import ServiceError
from xinban.core.forms import add_service_error
from xinban.core.paginator import CountingPaginator
from xinban.dashboards.selectors import describe, options
from xinban.organisations import selectors, services
from xinban.organisations.forms import (
    AddMemberForm,
    OrganisationCreateForm,
    OrganisationRenameForm,
    RegistrationForm,
)
from xinban.organisations.models import Organisation
from xinban.organisations.names import former_names


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    form = OrganisationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_create(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("单位已登记，请填写本年度报名表。"))
            return redirect("organisations:registration")
    return render(request, "organisations/create.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def registration(request: HttpRequest) -> HttpResponse:
    organisation = selectors.organisation_of_user(user=request.user)  # type: ignore[arg-type]
    if organisation is None:
        return redirect("organisations:create")
    campaign = campaign_current()
    if campaign is None:
        messages.error(request, _("尚未设置活动年度。"))
        return redirect("core:home")
    existing = selectors.registration_get(organisation=organisation, campaign=campaign)
    form = RegistrationForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_save(
                actor=request.user,  # type: ignore[arg-type]
                organisation=organisation,
                campaign=campaign,
                data=form.cleaned_data,
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("报名表已保存。"))
            return redirect("applications:dashboard")
    window = phase_window_end(
        campaign=campaign, kind=PhaseKind.REGISTRATION, organisation_id=organisation.pk
    )
    return render(
        request,
        "organisations/registration.html",
        {"form": form, "organisation": organisation, "campaign": campaign, "window": window},
    )


@login_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest) -> HttpResponse:
    organisation = selectors.organisation_of_user(user=request.user)  # type: ignore[arg-type]
    if organisation is None:
        return redirect("organisations:create")
    form = AddMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_add_member(
                actor=request.user,  # type: ignore[arg-type]
                organisation=organisation,
                email=form.cleaned_data["email"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已添加同事。"))
            return redirect("organisations:members")
    return _members_page(request, organisation, form=form)


def _members_page(
    request: HttpRequest,
    organisation: Organisation,
    *,
    form: AddMemberForm | None = None,
    rename_form: OrganisationRenameForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "organisations/members.html",
        {
            "form": form or AddMemberForm(),
            "rename_form": rename_form
            or OrganisationRenameForm(initial={"short_name": organisation.short_name}),
            "organisation": organisation,
            "people": organisation.members.all(),
            "renames": former_names([organisation]).get(organisation.pk, []),
        },
    )


@login_required
@require_POST
def rename(request: HttpRequest) -> HttpResponse:
    """单位更名 (docs/rules.md, rule 14): audited, the former name kept."""
    organisation = selectors.organisation_of_user(user=request.user)  # type: ignore[arg-type]
    if organisation is None:
        return redirect("organisations:create")
    form = OrganisationRenameForm(request.POST)
    if form.is_valid():
        try:
            services.organisation_rename(
                actor=request.user,  # type: ignore[arg-type]
                organisation=organisation,
                **form.cleaned_data,
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("单位名称已修改，原名称已留存。"))
            return redirect("organisations:members")
    return _members_page(request, organisation, rename_form=form)


@login_required
def staff_registrations(request: HttpRequest) -> HttpResponse:
    """全部报名: a campaign year's 附件2 registrations (staff; others 403), with the
    dashboard's drill-down filters (the funnel's 报名 bar opens it) and a search."""
    if not request.user.has_perm("organisations.view_registrations"):
        raise PermissionDenied

    query = selectors.registration_query(request.GET)
    filtered = selectors.registrations_for_staff(
        campaign=query.campaign, filters=query.filters, q=query.q
    )
    page = CountingPaginator(
        selectors.registration_list(filtered), 50, count_from=filtered
    ).get_page(request.GET.get("page"))
    drill = query.filters
    # The filters with a control of their own; the others are kept as hidden fields.
    shown = ("unit", "domain", "nature")
    opts = options()
    return render(
        request,
        "organisations/staff_registrations.html",
        {
            "page": page,
            "rows": selectors.registration_rows(page.object_list),
            "campaign": query.campaign,
            "units": opts.units,
            "domains": opts.domains,
            "natures": opts.natures,
            "filters": {**drill.params(), "q": query.q},
            "drilldown": {k: v for k, v in drill.params().items() if k not in shown},
            "drilldown_labels": describe(replace(drill, unit=None, domain=None, nature=None)),
        },
    )
