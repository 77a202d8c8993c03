"""资料形式审查 pages: the queue, the bulk pass, one application's review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xinban.applications.models import ApplicationState
from xinban.core.errors import ServiceError
from xinban.core.forms import add_service_error
from xinban.core.http import AuthenticatedHttpRequest
from xinban.evaluation import selectors
from xinban.evaluation.checklist import checklist_for
from xinban.evaluation.forms import BulkPassForm, FormalReviewForm
from xinban.evaluation.services.formal_review import (
    formal_review_bulk,
    formal_review_refusal,
    hand_items,
)
from xinban.evaluation.views.common import (
    campaign_or_404,
    evaluation_application,
    form_errors,
    require_staff,
)


@login_required
def formal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_staff(request)
    campaign = campaign_or_404()
    state = request.GET.get("state", "")
    if state and state not in ApplicationState.values:
        state = ""
    rows = selectors.formal_review_queue(campaign=campaign, state=state)
    return render(
        request,
        "evaluation/formal_list.html",
        {
            "campaign": campaign,
            "rows": rows,
            # Rule 6: the hand-checked items, ticked per application by the reviewer.
            "hand_items": hand_items(checklist_for(campaign)),
            "state": state,
            "states": [
                (ApplicationState.RECOMMENDED, _("待审查")),
                (ApplicationState.FORMAL_PASSED, _("已通过")),
                (ApplicationState.FORMAL_FAILED, _("未通过")),
                (ApplicationState.RETURNED, _("已退回")),
            ],
        },
    )


@login_required
@require_POST
def formal_bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_staff(request)
    campaign = campaign_or_404()
    queue = selectors.formal_review_queue(campaign=campaign)
    form = BulkPassForm(request.POST, ids=[row.application.pk for row in queue])
    if not form.is_valid():
        form_errors(request, form)
        return redirect("evaluation:formal_list")
    chosen = set(form.cleaned_data["applications"])
    try:
        result = formal_review_bulk(
            actor=request.user,
            applications=[row.application for row in queue if row.application.pk in chosen],
            hand_checked={pk: request.POST.getlist(f"hand_{pk}") for pk in chosen},
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已批量通过 %(passed)s 份；%(skipped)s 份需逐份审查。")
            % {"passed": len(result.passed), "skipped": len(result.refused)},
        )
    return redirect("evaluation:formal_list")


@login_required
@require_http_methods(["GET", "POST"])
def formal_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    campaign = campaign_or_404()
    app = evaluation_application(campaign, pk)
    form = FormalReviewForm.for_application(app, request.POST or None)
    items = form.items
    computed = selectors.automatic_checks([app])[app.pk]
    review = getattr(app, "formal_review", None)
    if request.method == "POST" and form.is_valid():
        try:
            form.save(actor=request.user, application=app)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("形式审查结论已记录：%(team)s") % {"team": app.team_name})
            return redirect("evaluation:formal_list")
    return render(
        request,
        "evaluation/formal_review.html",
        {
            "application": app,
            "form": form,
            # Each checklist row with its tick box (None for the computed ones).
            "checks": [
                (row, None if row.automatic else form[f"check_{row.item.pk}"])
                for row in selectors.check_rows(items, computed)
            ],
            "attachments": list(app.attachments.all()),
            "review": review,
            # The form only while the service would accept it; else why not.
            "refused": formal_review_refusal(app),
        },
    )
