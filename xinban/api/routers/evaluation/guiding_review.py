"""Guiding units' review of typical-experience candidates over JSON."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Schema

from xinban.api.auth import current_user, scoped
from xinban.api.common import ApplicationId, error_responses, require_campaign
from xinban.api.errors import ensure_valid
from xinban.api.payloads import form_data
from xinban.api.routers.evaluation.common import ApplicationBrief, brief, router
from xinban.applications.models import Application
from xinban.core.roles import roles_of
from xinban.evaluation import selectors
from xinban.evaluation.forms import GuidingReviewForm


class CandidateOut(Schema):
    application: ApplicationBrief
    video: str | None = Field(title="发表视频文件名")
    reviews: list[dict[str, str]] = Field(title="指导单位审核")


class GuidingReviewIn(Schema):
    verdict: str = Field("", title="审核意见", description="approve / reject")
    comment: str = Field("", title="说明")


def _candidate_out(app: Application) -> CandidateOut:
    video = getattr(app, "presentation_video", None)
    return CandidateOut(
        application=brief(app),
        video=video.original_name if video else None,
        reviews=[
            {"guiding_unit": r.guiding_unit.name, "verdict": r.verdict, "comment": r.comment}
            for r in app.guiding_reviews.all()
        ],
    )


@router.get(
    "/guiding/candidates",
    response={200: list[CandidateOut], **error_responses(404)},
    summary="典型经验候选（指导单位）",
)
def guiding_candidates(request: HttpRequest) -> list[CandidateOut]:
    user = current_user(request)
    if not roles_of(user).is_guiding:
        raise Http404
    return [
        _candidate_out(a)
        for a in selectors.guiding_candidates(user=user, campaign=require_campaign())
    ]


@router.post(
    "/guiding/candidates/{application_id}/review",
    response={200: CandidateOut, **error_responses(400, 403, 404, 409, 422)},
    summary="指导单位审核典型经验候选（同意或不同意）",
    auth=scoped("guide:write"),
)
def guiding_review(
    request: HttpRequest, application_id: ApplicationId, payload: GuidingReviewIn
) -> CandidateOut:
    user = current_user(request)
    if not roles_of(user).is_guiding:
        raise Http404
    app = selectors.guiding_candidate_get(user=user, pk=application_id)
    if not user.has_perm("evaluation.review_candidate", app):
        raise PermissionDenied
    data, type_errors = form_data(payload, GuidingReviewForm)
    form = GuidingReviewForm(data)
    ensure_valid(form, type_errors)
    form.save(actor=user, application=app)
    return _candidate_out(selectors.guiding_candidate_get(user=user, pk=application_id))
