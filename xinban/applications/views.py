"""Thin views: parse the request, call one service or selector, render."""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xinban.applications import readiness, selectors, services, teams
from xinban.applications.documents import (
    application_form_docx,
    application_form_pdf,
    printed_content,
)
from xinban.applications.forms import (
    ApplicationForm,
    AttachmentForm,
    ReasonForm,
    StampedFormUploadForm,
    TeamLinkForm,
    TeamMergeForm,
    TeamSplitForm,
)
from xinban.applications.models import Application, ApplicationState, Attachment, Team
from xinban.applications.selectors import application_form_data
from xinban.campaigns.models import PhaseKind
from xinban.campaigns.selectors import (
    campaign_current,
    campaign_get,
    phase_window_end,
    windows_read_once,
)
from xinban.core import uploads
from xinban.core.actions import perform
from xinban.core.errors import ServiceError
from xinban.core.forms import add_service_error
from xinban.core.http import AuthenticatedHttpRequest
from xinban.core.paginator import CountingPaginator
from xinban.core.roles import roles_of
from xinban.dashboards.filters import drilldown_filters, narrow
from xinban.dashboards.selectors import describe
from xinban.organisations.models import RecommendingUnit
from xinban.organisations.selectors import (
    organisation_of_user,
    registration_get,
    units_open_to,
)


def _editable_or_403(request: AuthenticatedHttpRequest, application: Application) -> None:
    if not request.user.has_perm("applications.change_application", application):
        raise PermissionDenied


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = organisation_of_user(user=request.user)
    if organisation is None:
        return redirect("organisations:create")
    campaign = campaign_current()
    filed = registration_get(organisation=organisation, campaign=campaign) if campaign else None
    registration = filed is not None
    create_refused = services.create_refusal(filed) if filed is not None else None
    applications = list(selectors.applications_of_organisations(user=request.user))
    current = [a for a in applications if campaign and a.campaign_id == campaign.pk]
    past = [a for a in applications if not campaign or a.campaign_id != campaign.pk]
    active = [a for a in current if a.state != ApplicationState.WITHDRAWN]
    window = (
        phase_window_end(
            campaign=campaign, kind=PhaseKind.APPLICATION, organisation_id=organisation.pk
        )
        if campaign
        else None
    )
    return render(
        request,
        "applications/dashboard.html",
        {
            "organisation": organisation,
            "campaign": campaign,
            "registration": registration,
            "current": current,
            "past": past,
            "can_add": bool(
                campaign
                and registration
                and create_refused is None
                and len(active) < campaign.max_applications_per_org
            ),
            "create_refused": create_refused,
            "window": window,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = organisation_of_user(user=request.user)
    campaign = campaign_current()
    if organisation is None or campaign is None:
        return redirect("applications:dashboard")
    registration = registration_get(organisation=organisation, campaign=campaign)
    if registration is None:
        messages.info(request, _("请先填写本年度报名表（附件2）。"))
        return redirect("organisations:registration")
    refused = services.create_refusal(registration)
    if refused is not None:  # rule 5: the dashboard shows it with the registration's link
        messages.error(request, refused.message)
        return redirect("applications:dashboard")
    form = ApplicationForm(
        request.POST or None,
        units=units_open_to(registration=registration),
        commitment_year=campaign.year,
        organisation=organisation,
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(
                actor=request.user,
                organisation=organisation,
                campaign=campaign,
                data=form.cleaned_data,
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("申报已保存为草稿，编号 %(number)s。") % {"number": application.number},
            )
            return redirect("applications:detail", pk=application.pk)
    return render(
        request, "applications/edit.html", {"form": form, "campaign": campaign, "creating": True}
    )


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # The withdrawal's and the team link's rules ask for the same phase windows: each
    # read once per request (docs/benchmarks.md, "Application page on PostgreSQL").
    with windows_read_once():
        return _detail(request, pk)


def _detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for(user=request.user, pk=pk)
    can_edit = request.user.has_perm("applications.change_application", application)
    withdraw_refused = services.withdraw_refusal(application)
    context = {
        "application": application,
        "can_edit": can_edit and application.is_editable,
        "is_member": can_edit,
        "problems": readiness.submission_problem_lines(application)
        if can_edit and application.is_editable
        else [],
        "attachment_form": AttachmentForm(),
        "stamped_form": StampedFormUploadForm(),
        # Rule 4: the scan no longer shows what the form prints (docs/rules.md).
        "stamped_stale": services.stamped_form_refusal(application)
        if can_edit and application.is_editable
        else None,
        "withdraw_form": ReasonForm(),
        "can_withdraw": can_edit and withdraw_refused is None,
        # Why a member sees no withdraw button once the application was withdrawable.
        "withdraw_refused": withdraw_refused
        if can_edit and application.state in services.WITHDRAWABLE_STATES
        else None,
        **selectors.application_detail_context(application),
    }
    return render(request, "applications/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for(user=request.user, pk=pk)
    _editable_or_403(request, application)
    if not application.is_editable:
        messages.error(request, _("当前状态下不能修改。"))
        return redirect("applications:detail", pk=pk)
    registration = registration_get(
        organisation=application.organisation, campaign=application.campaign
    )
    units = units_open_to(registration=registration)
    if application.recommending_unit not in units:
        units.append(application.recommending_unit)
    form = ApplicationForm(
        request.POST or None,
        instance=application,
        units=units,
        commitment_year=application.campaign.year,
        organisation=application.organisation,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(
                actor=request.user,
                application=application,
                data=form.cleaned_data,
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("applications:detail", pk=pk)
    return render(
        request,
        "applications/edit.html",
        {"form": form, "application": application, "campaign": application.campaign},
    )


def _upload_view(request: AuthenticatedHttpRequest, pk: int, *, stamped: bool) -> HttpResponse:
    application = selectors.application_get_for(user=request.user, pk=pk)
    _editable_or_403(request, application)
    form_class = StampedFormUploadForm if stamped else AttachmentForm
    form = form_class(request.POST, request.FILES)
    refused = uploads.add_upload_refusal_errors(form, request)
    if not refused and form.is_valid():
        try:
            if stamped:
                services.application_stamped_form_upload(
                    actor=request.user,
                    application=application,
                    file=form.cleaned_data["file"],
                )
            else:
                services.application_attachment_add(
                    actor=request.user,
                    application=application,
                    area=form.cleaned_data["area"],
                    file=form.cleaned_data["file"],
                )
        except ValidationError as exc:
            form.add_error("file", exc)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("文件已上传。"))
            return redirect("applications:detail", pk=pk)
    context = {
        "application": application,
        "can_edit": application.is_editable,
        "is_member": True,
        "problems": readiness.submission_problem_lines(application),
        "attachment_form": AttachmentForm() if stamped else form,
        "stamped_form": form if stamped else StampedFormUploadForm(),
        "withdraw_form": ReasonForm(),
        "can_withdraw": services.withdraw_refusal(application) is None,
        **selectors.application_detail_context(application),
    }
    return render(request, "applications/detail.html", context, status=400)


@login_required
@require_POST
def attachment_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _upload_view(request, pk, stamped=False)


@login_required
@require_POST
def stamped_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _upload_view(request, pk, stamped=True)


@login_required
@require_POST
def attachment_remove(
    request: AuthenticatedHttpRequest, pk: int, attachment_pk: int
) -> HttpResponse:
    application = selectors.application_get_for(user=request.user, pk=pk)
    _editable_or_403(request, application)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=application)
    perform(
        request,
        lambda: services.application_attachment_remove(
            actor=request.user, application=application, attachment=attachment
        ),
        _("附件已删除。"),
    )
    return redirect("applications:detail", pk=pk)


@login_required
@require_POST
def submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for(user=request.user, pk=pk)
    _editable_or_403(request, application)
    perform(
        request,
        lambda: services.application_submit(actor=request.user, application=application),
        _("申报已提交至推荐单位。"),
    )
    return redirect("applications:detail", pk=pk)


@login_required
@require_POST
def withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for(user=request.user, pk=pk)
    _editable_or_403(request, application)
    form = ReasonForm(request.POST)
    form.is_valid()
    perform(
        request,
        lambda: services.application_withdraw(
            actor=request.user, application=application, reason=form.cleaned_data.get("reason", "")
        ),
        _("申报已撤回。"),
    )
    return redirect("applications:detail", pk=pk)


# --- downloads (each permission-checked) ----------------------------------------------


def _download_base(application: Application) -> tuple[str, str]:
    short = (
        application.organisation_snapshot.get("short_name") or application.organisation.short_name
    )
    return short, application.team_name


@login_required
def generated_form(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    application = selectors.application_get_for(user=request.user, pk=pk)
    data = application_form_data(application)
    stamp = selectors.application_stamp(application, printed_content(data))
    short, team = _download_base(application)
    if fmt == "docx":
        content = application_form_docx(data, stamp)
        mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    elif fmt == "pdf":
        content = application_form_pdf(data, stamp)
        mime = "application/pdf"
    else:
        raise Http404
    return uploads.attachment_response(
        ContentFile(content),
        download_name=uploads.download_name_for(short, team, _("申报表"), fmt),
        content_type=mime,
    )


@login_required
def attachment_download(
    request: AuthenticatedHttpRequest, pk: int, attachment_pk: int
) -> HttpResponseBase:
    application = selectors.application_get_for(user=request.user, pk=pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=application)
    short, team = _download_base(application)
    stored = attachment.file.name
    assert stored is not None  # a saved attachment always has a stored file
    ext = stored.rsplit(".", 1)[-1] if "." in stored else "bin"
    suffix = f"{attachment.get_area_display()}-{attachment.original_name.rsplit('.', 1)[0]}"
    return uploads.attachment_response(
        attachment.file,
        download_name=uploads.download_name_for(short, team, suffix, ext),
        content_type=attachment.content_type,
    )


@login_required
def stamped_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    application = selectors.application_get_for(user=request.user, pk=pk)
    if not application.stamped_form:
        raise Http404
    short, team = _download_base(application)
    assert application.stamped_form.name is not None  # a truthy file has a name
    ext = application.stamped_form.name.rsplit(".", 1)[-1]
    return uploads.attachment_response(
        application.stamped_form,
        download_name=uploads.download_name_for(short, team, _("盖章申报表"), ext),
    )


@login_required
def revision(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    application = selectors.application_get_for(user=request.user, pk=pk)
    rev = get_object_or_404(application.revisions, number=number)
    return render(
        request,
        "applications/revision.html",
        {"application": application, "revision": rev, "rows": selectors.revision_rows(rev)},
    )


# --- staff ----------------------------------------------------------------------------


@login_required
def staff_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not roles_of(request.user).is_staff:
        raise PermissionDenied
    # A list opened from the dashboard (统计看板) also carries its chart's filters.
    drill = drilldown_filters(request.GET)
    campaign = campaign_get(year=drill.year) if drill.year else campaign_current()
    state = request.GET.get("state", "")
    unit = request.GET.get("unit", "")
    q = request.GET.get("q", "").strip()
    filtered = narrow(
        selectors.applications_for_staff(
            campaign=campaign,
            state=state if state in ApplicationState.values else "",
            unit_id=int(unit) if unit.isdigit() and len(unit) < 19 else None,
            q=q,
        ),
        drill,
    )
    page = CountingPaginator(
        selectors.StaffRowsByNumber(filtered), 50, count_from=filtered
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "applications/staff_list.html",
        {
            "page": page,
            "campaign": campaign,
            "states": ApplicationState.choices,
            "units": RecommendingUnit.objects.values_list("pk", "name"),
            "filters": {**drill.params(), "state": state, "unit": unit, "q": q},
            # Kept as hidden fields of the search form (unit and state have their own).
            "drilldown": {k: v for k, v in drill.params().items() if k != "unit"},
            "drilldown_labels": describe(replace(drill, unit=None)),
        },
    )


# --- each team's history (docs/rules.md, "Each team's history") -----------------------------


@login_required
@require_POST
def team_link(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for(user=request.user, pk=pk)
    _editable_or_403(request, application)
    form = TeamLinkForm(request.POST, candidates=teams.link_candidates(application))
    if not form.is_valid():
        messages.error(request, _("请选择本单位往年申报过的班组。"))
        return redirect("applications:detail", pk=pk)
    try:
        teams.team_link(actor=request.user, application=application, team=form.cleaned_data["team"])
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已关联到往年班组。"))
    return redirect("applications:detail", pk=pk)


def _staff_team(request: AuthenticatedHttpRequest, pk: int) -> Team:
    if not roles_of(request.user).is_staff:
        raise PermissionDenied
    return get_object_or_404(Team.objects.select_related("organisation"), pk=pk)


@login_required
def team(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Staff: a team's applications of every year, with merge and split."""
    team_obj = _staff_team(request, pk)
    return _team_page(request, team_obj)


def _team_page(
    request: AuthenticatedHttpRequest,
    team_obj: Team,
    merge_form: TeamMergeForm | None = None,
    split_form: TeamSplitForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "applications/team.html",
        {
            "team": team_obj,
            "applications": team_obj.applications.select_related(
                "campaign", "recommending_unit"
            ).order_by("-campaign__year", "number"),
            "merge_form": merge_form or TeamMergeForm(team=team_obj),
            "split_form": split_form or TeamSplitForm(team=team_obj),
        },
    )


@login_required
@require_POST
def team_merge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    team_obj = _staff_team(request, pk)
    form = TeamMergeForm(request.POST, team=team_obj)
    if form.is_valid():
        try:
            teams.team_merge(
                actor=request.user, source=form.cleaned_data["source"], target=team_obj
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("班组已合并。"))
            return redirect("applications:team", pk=team_obj.pk)
    return _team_page(request, team_obj, merge_form=form)


@login_required
@require_POST
def team_split(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    team_obj = _staff_team(request, pk)
    form = TeamSplitForm(request.POST, team=team_obj)
    if form.is_valid():
        try:
            new_team = teams.team_split(
                actor=request.user,
                team=team_obj,
                application_ids=[a.pk for a in form.cleaned_data["applications"]],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("已拆分为新的班组。"))
            return redirect("applications:team", pk=new_team.pk)
    return _team_page(request, team_obj, split_form=form)
