"""The applications a unit received: the inbox, one application, returning it for
correction and the on-site review note."""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinban.applications.models import ApplicationState
from xinban.applications.services import application_return_for_correction, return_refusal
from xinban.campaigns.selectors import campaign_get
from xinban.core.actions import perform
from xinban.core.http import AuthenticatedHttpRequest
from xinban.core.roles import roles_of
from xinban.dashboards.filters import UNIT_STAGES_BEFORE_RESULTS, drilldown_filters, narrow
from xinban.dashboards.selectors import describe
from xinban.recommendation import selectors, services
from xinban.recommendation.forms import AssignForm, OnSiteForm, ReasonForm, SpreadForm
from xinban.recommendation.models import UnitNote
from xinban.recommendation.views.common import _back_to_application, _campaign, _unit


@login_required
def inbox(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    # Opened from the unit's dashboard (统计看板): the chart's year and filters.
    drill = replace(drilldown_filters(request.GET), unit=None, unit_kind="")
    campaign = (campaign_get(year=drill.year) if drill.year else None) or _campaign()
    drill = replace(drill, year=campaign.year if drill.year else None)
    if not campaign.results_published and drill.stage not in UNIT_STAGES_BEFORE_RESULTS:
        drill = replace(drill, stage="")  # the association's results are not out yet
    q = request.GET.get("q", "").strip()
    state = request.GET.get("state", "")
    sort = request.GET.get("sort", "number")
    applications = narrow(
        selectors.unit_applications(unit=unit, campaign=campaign, q=q, state=state, sort=sort),
        replace(drill, year=None),
    )
    report = selectors.unit_report(unit=unit, campaign=campaign)
    return render(
        request,
        "recommendation/inbox.html",
        {
            "unit": unit,
            "campaign": campaign,
            "applications": applications,
            "filters": {"q": q, "state": state, "sort": sort},
            "drilldown": drill.params(),
            "drilldown_labels": describe(drill),
            "states": [c for c in ApplicationState.choices if c[0] != ApplicationState.DRAFT],
            "is_admin": unit.pk in roles_of(request.user).unit_admin_ids,
            "report": report,
            "spread_form": SpreadForm(),
        },
    )


@login_required
def application(request: AuthenticatedHttpRequest, unit_pk: int, pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    app = selectors.unit_application_get(unit=unit, pk=pk)
    note = UnitNote.objects.filter(application=app).first()
    panel = selectors.unit_panel(unit=unit)
    return render(
        request,
        "recommendation/application.html",
        {
            "unit": unit,
            "application": app,
            "sheets": selectors.unit_sheets_of(app),
            "attachments": list(app.attachments.all()),
            "revisions": list(app.revisions.all()),
            "is_admin": unit.pk in roles_of(request.user).unit_admin_ids,
            "return_form": ReasonForm(),
            # The same rule the service applies (docs/rules.md, "The application's lifecycle").
            "can_return": return_refusal(request.user, app) is None,
            "on_site_form": OnSiteForm(
                initial={
                    "on_site_review": note.on_site_review if note else False,
                    "on_site_date": note.on_site_date if note else None,
                    "notes": note.on_site_notes if note else "",
                }
            ),
            "assign_form": AssignForm(judges=panel),
            "conflicts": {j.pk: services.conflict_reason(j, app) for j in panel},
        },
    )


@login_required
@require_POST
def return_application(request: AuthenticatedHttpRequest, unit_pk: int, pk: int) -> HttpResponse:
    # The unit's admin or staff: the service asks return_refusal (docs/rules.md).
    unit = _unit(request, unit_pk, admin=not roles_of(request.user).is_staff)
    app = selectors.unit_application_get(unit=unit, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写退回原因。"))
        return _back_to_application(unit, pk)
    perform(
        request,
        lambda: application_return_for_correction(
            actor=request.user, application=app, reason=form.cleaned_data["reason"]
        ),
        _("已退回申报单位修改，并已通知对方。"),
    )
    return _back_to_application(unit, pk)


@login_required
@require_POST
def on_site(request: AuthenticatedHttpRequest, unit_pk: int, pk: int) -> HttpResponse:
    unit = _unit(request, unit_pk, admin=True)
    app = selectors.unit_application_get(unit=unit, pk=pk)
    form = OnSiteForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: form.save(actor=request.user, application=app),
            _("现场评审信息已保存。"),
        )
    else:
        messages.error(request, _("请检查现场评审日期。"))
    return _back_to_application(unit, pk)
