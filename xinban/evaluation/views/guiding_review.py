"""Guiding units' pages: their typical-experience candidates, one candidate's review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from xinban.campaigns.selectors import campaign_current
from xinban.core.errors import ServiceError
from xinban.core.forms import add_service_error
from xinban.core.http import AuthenticatedHttpRequest
from xinban.core.roles import roles_of
from xinban.evaluation import selectors
from xinban.evaluation.forms import GuidingReviewForm


def _guiding(request: AuthenticatedHttpRequest) -> None:
    if not roles_of(request.user).is_guiding:
        raise Http404


@login_required
def guiding_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    _guiding(request)
    campaign = campaign_current()
    applications = list(selectors.guiding_candidates(user=request.user, campaign=campaign))
    mine = set(roles_of(request.user).guiding_unit_ids)
    return render(
        request,
        "evaluation/guiding_home.html",
        {
            "rows": [
                {
                    "application": a,
                    "video": getattr(a, "presentation_video", None),
                    "mine": next(
                        (r for r in a.guiding_reviews.all() if r.guiding_unit_id in mine), None
                    ),
                }
                for a in applications
            ]
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def guiding_candidate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _guiding(request)
    app = selectors.guiding_candidate_get(user=request.user, pk=pk)
    form = GuidingReviewForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("evaluation.review_candidate", app):
            raise PermissionDenied
        if form.is_valid():
            try:
                form.save(actor=request.user, application=app)
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("审核意见已提交。"))
                return redirect("evaluation:guiding_home")
    return render(
        request,
        "evaluation/guiding_candidate.html",
        {
            "application": app,
            "video": getattr(app, "presentation_video", None),
            "reviews": list(app.guiding_reviews.all()),
            "attachments": list(app.attachments.all()),
            "form": form,
            "may_review": request.user.has_perm("evaluation.review_candidate", app),
        },
    )
