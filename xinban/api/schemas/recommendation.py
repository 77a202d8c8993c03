"""The recommending units' work: inbox, return, on-site checks, panels and judges,
invitations, ranking and recommendation.

Request bodies are checked by the pages' forms (xinban.recommendation.forms); titles come
from the models' verbose names, else from the forms' labels, else from `labels`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, WithJsonSchema

from xinban.api import labels
from xinban.api.labels import form_field, model_field, titled
from xinban.api.schemas.account import OrganisationOut
from xinban.api.schemas.applications import ApplicationOut
from xinban.api.schemas.campaign import UnitOut
from xinban.api.schemas.common import (
    _SHEET_STATUSES,
    JsonBool,
    JsonDate,
    JsonEmail,
    JsonId,
    JsonIdList,
    JsonPositive,
    JsonText,
    _required_from,
)
from xinban.applications.models import Application, ApplicationRevision, ApplicationState
from xinban.organisations.models import UnitMembership, UnitRole
from xinban.recommendation.forms import (
    AssignForm,
    InviteForm,
    JudgeForm,
    OnSiteForm,
    ReasonForm,
    RecommendForm,
    SpreadForm,
)
from xinban.recommendation.models import Invitation, InvitationRole, Recommendation, UnitNote
from xinban.scoring.models import Judge, ScoreSheet

_JUDGE_ID = {"judge": "judge_id"}


class MyUnitOut(UnitOut):
    role: str | None = model_field(
        UnitMembership,
        "role",
        None,
        description="admin 管理员 / member 工作人员；质协工作人员查看其他推荐单位时为空",
        json_schema_extra={"enum": [*UnitRole.values, None]},
    )
    is_admin: bool = titled(labels.IS_ADMIN, description="可以分配评委、推荐、填写并报送推荐表")


class ApplicationBriefOut(Schema):
    """An application as a line of a list (inbox, ranking, recommendation list)."""

    id: int
    number: str = model_field(Application, "number")
    state: str = model_field(
        Application, "state", json_schema_extra={"enum": list(ApplicationState.values)}
    )
    state_label: str = titled(labels.STATUS_LABEL)
    organisation: OrganisationOut = model_field(Application, "organisation")
    team_name: str = model_field(Application, "team_name")
    team_type: int = model_field(Application, "team_type")
    team_type_name: str = titled(labels.TEAM_TYPE_NAME)
    team_size: int = model_field(Application, "team_size")
    submitted_at: datetime | None = model_field(Application, "submitted_at")


class InboxItemOut(ApplicationBriefOut):
    sheets_total: int = titled(labels.SHEETS_TOTAL, description="分配给本单位评委的评分表数")
    sheets_done: int = titled(labels.SHEETS_DONE, description="其中评委已提交的数量")
    on_site_review: bool = model_field(UnitNote, "on_site_review")
    on_site_date: date | None = model_field(UnitNote, "on_site_date")
    recommended: bool = titled(labels.RECOMMENDED, description="已在本单位的推荐名单中")


class OnSiteOut(Schema):
    on_site_review: bool = model_field(UnitNote, "on_site_review")
    on_site_date: date | None = model_field(UnitNote, "on_site_date")
    on_site_notes: str = model_field(UnitNote, "on_site_notes")
    updated_at: datetime | None = titled(labels.UPDATED_AT)


class AssignmentOut(Schema):
    """A judge's score sheet for the application, as the unit sees it (its progress)."""

    id: int
    judge_id: int = titled(labels.JUDGE_ID)
    judge_name: str = model_field(Judge, "name")
    status: str = model_field(ScoreSheet, "status", json_schema_extra={"enum": _SHEET_STATUSES})
    status_label: str = titled(labels.STATUS_LABEL)
    total: Decimal | None = model_field(
        ScoreSheet, "total", description="该评委提交后的加权总分（0–100）"
    )
    submitted_at: datetime | None = titled(labels.SUBMITTED_AT)


class PanelChoiceOut(Schema):
    judge_id: int = titled(labels.JUDGE_ID)
    name: str = model_field(Judge, "name")
    conflict: str | None = titled(
        labels.CONFLICT, description="不能分配给该评委的原因（来自申报单位、已声明回避等）"
    )


class RevisionOut(Schema):
    number: int = titled(labels.REVISION_NUMBER)
    submitted_at: datetime = model_field(ApplicationRevision, "submitted_at")
    url: str = titled(labels.DOWNLOAD_URL, description="该版本的页面地址")


class RecommendationBriefOut(Schema):
    id: int
    opinion: str = model_field(Recommendation, "opinion")
    position: int = model_field(Recommendation, "position")


class RecommendationOut(RecommendationBriefOut):
    application: ApplicationBriefOut = titled(labels.APPLICATION)


class UnitApplicationOut(ApplicationOut):
    """An application as its recommending unit sees it: the materials, the unit's on-site
    review note, the judges assigned with their progress, the submission history."""

    on_site: OnSiteOut = titled(labels.ON_SITE)
    assignments: list[AssignmentOut] = titled(labels.ASSIGNMENTS)
    panel: list[PanelChoiceOut] = titled(labels.PANEL, description="本单位评委名单及能否分配")
    revisions: list[RevisionOut] = titled(labels.REVISIONS, description="每次提交的版本")
    recommendation: RecommendationBriefOut | None = titled(labels.RECOMMENDATION, None)


class ReturnIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(ReasonForm))

    reason: JsonText = form_field(
        ReasonForm, "reason", None, description="退回原因；申报单位会收到通知，修改后重新提交"
    )


class OnSiteIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(OnSiteForm))

    on_site_review: JsonBool = form_field(OnSiteForm, "on_site_review", None)
    on_site_date: JsonDate = form_field(
        OnSiteForm, "on_site_date", None, description="YYYY-MM-DD；需现场评审时必填"
    )
    notes: JsonText = form_field(OnSiteForm, "notes", None)


class AssignIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(AssignForm, names=_JUDGE_ID))

    judge_id: JsonId = form_field(
        AssignForm, "judge", None, description="本单位评委名单中的评委 id"
    )


class SpreadIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(SpreadForm))

    per_application: JsonPositive = form_field(
        SpreadForm, "per_application", None, description="1–15；已分配的评委计入在内"
    )


class AssignedCountOut(Schema):
    assigned: int = titled(labels.ASSIGNED_COUNT)


class JudgeIn(Schema):
    """姓名, 工作单位, TGQ 评委证书号, 通讯地址, E-mail, 手机 (附件5 评委名单)."""

    model_config = ConfigDict(json_schema_extra=_required_from(JudgeForm))

    name: JsonText = model_field(Judge, "name", None)
    employer: JsonText = model_field(Judge, "employer", None)
    tgq_number: JsonText = model_field(Judge, "tgq_number", None)
    address: JsonText = model_field(Judge, "address", None)
    email: JsonEmail = model_field(
        Judge, "email", None, description="已有该邮箱的账号则直接关联，否则发送邀请邮件"
    )
    mobile: JsonText = model_field(Judge, "mobile", None, description="11位中国大陆手机号码")


class PanelJudgeOut(Schema):
    id: int
    name: str = model_field(Judge, "name")
    employer: str = model_field(Judge, "employer")
    tgq_number: str = model_field(Judge, "tgq_number")
    address: str = model_field(Judge, "address")
    email: str = model_field(Judge, "email")
    mobile: str = model_field(Judge, "mobile")
    has_account: bool = titled(labels.HAS_ACCOUNT, description="已接受邀请，可以登录评分")
    assigned: int = titled(labels.ASSIGNED, description="本年度分配给该评委的评审数")
    submitted: int = titled(labels.SUBMITTED, description="其中已提交评分的数量")


class InviteIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(InviteForm))

    email: JsonEmail = model_field(Invitation, "email", None)
    role: Annotated[
        Any,
        WithJsonSchema({"type": "string", "enum": [InvitationRole.ADMIN, InvitationRole.MEMBER]}),
    ] = model_field(Invitation, "role", None, description="admin 管理员 / member 工作人员")


class InvitationOut(Schema):
    id: int
    email: str = model_field(Invitation, "email")
    role: str = model_field(Invitation, "role", json_schema_extra={"enum": InvitationRole.values})
    role_label: str = titled(labels.ROLE_LABEL)
    created_at: datetime = titled(labels.CREATED_AT)


class RankingRowOut(Schema):
    rank: int | None = titled(labels.RANK, description="并列同名次，下一名次顺延；无评分为空")
    score: Decimal | None = titled(
        labels.SCORE, description="评委总分的（5 位及以上评委时去掉最高最低分的）平均分，两位小数"
    )
    raw_mean: Decimal | None = titled(labels.RAW_MEAN, description="未标准化、未去分的平均分")
    judges: int = titled(labels.JUDGE_COUNT, description="已提交评分的评委人数")
    flagged: bool = titled(labels.FLAGGED, description="评委打分差异较大，建议复核")
    application: ApplicationBriefOut = titled(labels.APPLICATION)
    recommendation: RecommendationBriefOut | None = titled(labels.RECOMMENDATION, None)
    review_refusal: str | None = titled(
        "不能推荐的原因",
        None,
        description="已提交的评委评分表少于本年度最少份数时的说明（推荐须以本单位评审为依据）；可推荐时为空",
    )


class RankingOut(Schema):
    normalise: bool = titled(labels.NORMALISED, description="是否按评委标准化后计算得分")
    quota: int = titled(labels.QUOTA)
    locked: bool = titled(labels.LOCKED, description="推荐表已报送，不能再修改推荐名单")
    rows: list[RankingRowOut] = titled(labels.RANK)


class RecommendIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(RecommendForm, "application_id"))

    application_id: JsonId = titled(
        labels.APPLICATION_ID, None, description="已提交至本单位的申报 id"
    )
    opinion: JsonText = model_field(Recommendation, "opinion", None)


class OrderIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(None, "ids"))

    ids: JsonIdList = titled(
        labels.RECOMMENDATION_IDS, None, description="推荐名单中全部推荐的 id，按新的顺序排列"
    )
