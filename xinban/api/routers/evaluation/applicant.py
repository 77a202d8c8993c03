"""An applicant's outcomes and presentation video over JSON (never experts' names or
scores)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Schema

from xinban.api.auth import current_user, scoped
from xinban.api.common import ApplicationId, error_responses, require_campaign
from xinban.api.routers.evaluation.common import ApplicationBrief, router
from xinban.applications.models import Application
from xinban.core.roles import roles_of
from xinban.evaluation import selectors
from xinban.evaluation.services.video import video_attach_upload


class OutcomeOut(Schema):
    application: ApplicationBrief
    formal_outcome: str = Field(title="形式审查")
    return_reason: str = Field(title="退回原因")
    decision: str = Field(title="评价结果")
    national: bool = Field(title="推荐全国")
    video_required: bool = Field(title="需上传发表视频")


class VideoIn(Schema):
    upload_id: str = Field("", title="断点续传上传 id")


class VideoOut(Schema):
    name: str = Field(title="文件名")
    size: int = Field(title="大小（字节）")
    sha256: str = Field(title="SHA-256")


@router.get(
    "/my/outcomes",
    response={200: list[OutcomeOut], **error_responses()},
    summary="我单位申报的评价结果（不含专家姓名与分数）",
)
def my_outcomes(request: HttpRequest) -> list[OutcomeOut]:
    return [
        OutcomeOut(
            application=ApplicationBrief(
                id=row.application.pk,
                number=row.application.number,
                team_name=row.application.team_name,
                organisation="",
                state=row.application.state,
            ),
            formal_outcome=row.formal_outcome,
            return_reason=row.return_reason,
            decision=row.decision_level,
            national=row.national,
            video_required=row.video_required,
        )
        for row in selectors.applicant_outcomes(
            user=current_user(request), campaign=require_campaign()
        )
    ]


@router.post(
    "/my/applications/{application_id}/video",
    response={200: VideoOut, **error_responses(400, 403, 404, 409, 422)},
    summary="提交发表视频（先用 /uploads/ 断点续传上传，再以上传 id 提交）",
    auth=scoped("applications:write"),
)
def my_video(request: HttpRequest, application_id: ApplicationId, payload: VideoIn) -> VideoOut:
    user = current_user(request)
    app = Application.objects.filter(
        pk=application_id, organisation_id__in=roles_of(user).organisation_ids
    ).first()
    if app is None:
        raise Http404
    if not user.has_perm("evaluation.upload_video", app):
        raise PermissionDenied
    video = video_attach_upload(actor=user, application=app, upload_id=payload.upload_id[:64])
    return VideoOut(name=video.original_name, size=video.size, sha256=video.sha256)
