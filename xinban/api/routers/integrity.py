"""The similarity check (JSON), as on its page (docs/similarity.md): staff, the
recommending unit of an application in its inbox, an assigned expert and the applicant
read it; anyone else gets 404. Names of other organisations' unpublished applications
are hidden (null) except for staff; applicants never receive another application's text
(``source_text`` is empty)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema

from xinban.api.auth import current_user
from xinban.api.common import ApplicationId, error_responses
from xinban.integrity import selectors

router = Router(tags=["查重"])


class SimilarityPassageOut(Schema):
    text: str = Field(title="本申报的重合段落")
    source_text: str = Field(title="来源中的对应段落（申报单位看不到）")
    area: str = Field(title="本申报中的位置（材料方面或附件）")


class SimilarityMatchOut(Schema):
    application_id: int | None = Field(title="来源申报 id（名称隐藏时为 null）")
    year: int = Field(title="来源年度")
    team: str | None = Field(title="来源班组（未公开且无权查看时为 null）")
    organisation: str | None = Field(title="来源单位（未公开且无权查看时为 null）")
    share: float = Field(title="来源所占比例（0–1）")
    area: str = Field(title="重合最多的材料方面")
    passages: list[SimilarityPassageOut] = Field(title="重合段落")


class SimilarityOut(Schema):
    status: str = Field(title="状态：none 尚未查重 / pending 查重中 / done 已完成 / failed")
    checked_at: datetime | None = Field(title="查重时间")
    overall: float | None = Field(title="总体重合比例（0–1）")
    threshold: int = Field(title="提示阈值（%，活动年度设置）")
    flagged: bool = Field(title="达到提示阈值")
    unreadable: list[str] = Field(title="未能提取文字的附件")
    matches: list[SimilarityMatchOut] = Field(title="主要来源")


@router.get(
    "/applications/{application_id}/similarity",
    response={200: SimilarityOut, **error_responses(404)},
    summary="查重结果",
)
def similarity(request: HttpRequest, application_id: ApplicationId) -> SimilarityOut:
    user = current_user(request)
    application = selectors.application_for_similarity(user=user, pk=application_id)
    view = selectors.similarity_view(user=user, application=application)
    return SimilarityOut(
        status=view.status,
        checked_at=view.checked_at,
        overall=view.overall,
        threshold=view.threshold,
        flagged=view.flagged,
        unreadable=view.unreadable,
        matches=[
            SimilarityMatchOut(
                application_id=m["application_id"],
                year=m["year"],
                team=m["team"],
                organisation=m["organisation"],
                share=m["share"],
                area=m["area"],
                passages=[
                    SimilarityPassageOut(
                        text=p["text"], source_text=p["source_text"], area=p["area"]
                    )
                    for p in m["passages"]
                ],
            )
            for m in view.matches
        ],
    )
