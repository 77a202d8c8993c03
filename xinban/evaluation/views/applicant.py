"""An applicant's pages: their outcomes of every year, the presentation video upload."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from xinban.applications.models import Application
from xinban.core.errors import ServiceError
from xinban.core.http import AuthenticatedHttpRequest
from xinban.core.roles import roles_of
from xinban.evaluation import selectors
from xinban.evaluation.forms import VideoForm
from xinban.evaluation.services.video import video_attach_upload, video_upload_target


def _applicant_application(request: AuthenticatedHttpRequest, pk: int) -> Application:
    app = get_object_or_404(
        Application.objects.select_related("organisation", "campaign"),
        pk=pk,
        organisation_id__in=roles_of(request.user).organisation_ids,
    )
    return app


@login_required
@require_http_methods(["GET", "POST"])
def video_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    app = _applicant_application(request, pk)
    form = VideoForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("evaluation.upload_video", app):
            raise PermissionDenied
        if form.is_valid():
            try:
                video_attach_upload(
                    actor=request.user, application=app, upload_id=form.cleaned_data["upload_id"]
                )
            except ServiceError as exc:
                form.add_error("upload_id", exc.message)
            else:
                messages.success(request, _("发表视频已上传。"))
                return redirect("evaluation:outcomes")
    return render(
        request,
        "evaluation/video_upload.html",
        {
            "application": app,
            "form": form,
            "video": getattr(app, "presentation_video", None),
            "may_upload": request.user.has_perm("evaluation.upload_video", app),
            "target": video_upload_target(app),
        },
    )


@login_required
def outcomes(request: AuthenticatedHttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    if not roles.organisation_ids:
        raise Http404
    return render(
        request,
        "evaluation/outcomes.html",
        # Every year: past published ones carry the consent and the certificate.
        {"rows": selectors.applicant_outcomes(user=request.user)},
    )
