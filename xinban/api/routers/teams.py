"""Each team's history (docs/rules.md, "Each team's history"): the team's earlier
applications on an application, the applicant's link of a renamed team to an earlier one,
and staff's merge and split — the same selectors and services as the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from xinban.accounts.models import User
from xinban.api.auth import current_user, scoped
from xinban.api.common import error_responses
from xinban.api.errors import fields_named
from xinban.api.presenters import team_history_out
from xinban.api.schemas import TeamHistoryOut
from xinban.applications import selectors, teams
from xinban.applications.models import Application, Team
from xinban.core.errors import NotAllowed, ServiceError
from xinban.core.roles import roles_of

router = Router(tags=["班组往年参加情况"])


class TeamLinkIn(Schema):
    team_id: int = Field(title="往年班组 ID", description="本单位往年申报过的班组（见 history）")


class TeamApplicationOut(Schema):
    id: int = Field(title="申报 ID")
    year: int = Field(title="年度")
    number: str = Field(title="编号")
    team_name: str = Field(title="当年班组名称")
    state: str = Field(title="状态")


class TeamOut(Schema):
    id: int = Field(title="班组 ID")
    name: str = Field(title="班组名称")
    organisation: str = Field(title="申报单位")
    applications: list[TeamApplicationOut] = Field(title="各年度申报", description="新的在前")


class TeamMergeIn(Schema):
    source_team_id: int = Field(title="并入本班组的班组 ID", description="同一申报单位的班组")


class TeamSplitIn(Schema):
    application_ids: list[int] = Field(
        title="拆分出的申报 ID", description="该班组的申报，至少保留一份在原班组"
    )


class TeamCandidateOut(Schema):
    id: int = Field(title="班组 ID")
    name: str = Field(title="班组名称")


def _team_out(team: Team) -> TeamOut:
    rows = team.applications.select_related("campaign").order_by("-campaign__year", "number")
    return TeamOut(
        id=team.pk,
        name=team.name,
        organisation=team.organisation.name,
        applications=[
            TeamApplicationOut(
                id=a.pk, year=a.campaign.year, number=a.number, team_name=a.team_name, state=a.state
            )
            for a in rows
        ],
    )


def _staff(request: HttpRequest) -> User:
    user = current_user(request)
    if not roles_of(user).is_staff:
        raise PermissionDenied
    return user


def _team(pk: int) -> Team:
    team = Team.objects.select_related("organisation").filter(pk=pk).first()
    if team is None:
        raise Http404
    return team


@router.get(
    "/applications/{application_id}/history",
    response={200: TeamHistoryOut, **error_responses(404)},
    summary="班组往年参加情况",
    description=(
        "同一班组往年的申报、评价结果（年度结果发布后）、推荐全国与证书，以及报名表"
        "“首次参加活动”与平台记录的核对。能查看该申报的人均可查看（本单位、推荐单位及其"
        "评委、评审专家、质协工作人员）；其他人 404。"
    ),
)
def application_history(request: HttpRequest, application_id: int) -> TeamHistoryOut:
    application = selectors.application_get_for(user=current_user(request), pk=application_id)
    return team_history_out(application)


@router.get(
    "/applications/{application_id}/team-candidates",
    response={200: list[TeamCandidateOut], **error_responses(403, 404)},
    summary="可关联的往年班组",
    description="本单位往年申报过、可作为该申报更名前班组的班组（仅本单位成员）。",
)
def team_candidates(request: HttpRequest, application_id: int) -> list[TeamCandidateOut]:
    user = current_user(request)
    application = selectors.application_get_for(user=user, pk=application_id)
    if not user.has_perm("applications.change_application", application):
        raise PermissionDenied
    return [TeamCandidateOut(id=t.pk, name=t.name) for t in teams.link_candidates(application)]


@router.post(
    "/applications/{application_id}/team-link",
    response={200: TeamHistoryOut, **error_responses(400, 403, 404, 409)},
    summary="把更名的班组关联到往年班组",
    description=(
        "班组更名后，本单位成员把本年度申报关联到往年申报过的班组（草稿、已提交或退回修改，"
        "且成果申报或成果推荐开放时）。不是往年班组时返回 400（code: team_not_earlier）。"
    ),
    auth=scoped("applications:write"),
)
def team_link(request: HttpRequest, application_id: int, payload: TeamLinkIn) -> TeamHistoryOut:
    user = current_user(request)
    application = selectors.application_get_for(user=user, pk=application_id)
    if not user.has_perm("applications.change_application", application):
        raise NotAllowed(_("只有本单位成员可以修改本单位的申报。"), code="not_member")
    team = Team.objects.filter(pk=payload.team_id).first()
    if team is None:
        raise ServiceError(
            _("请选择本单位往年申报过的班组。"), code="team_not_earlier", field="team_id"
        )
    with fields_named({"team": "team_id"}):
        teams.team_link(actor=user, application=application, team=team)
    return team_history_out(Application.objects.get(pk=application.pk))


@router.get(
    "/staff/teams/{team_id}",
    response={200: TeamOut, **error_responses(403, 404)},
    summary="班组（各年度申报）",
    description="质协工作人员。",
)
def team_get(request: HttpRequest, team_id: int) -> TeamOut:
    _staff(request)
    return _team_out(_team(team_id))


@router.post(
    "/staff/teams/{team_id}/merge",
    response={200: TeamOut, **error_responses(400, 403, 404)},
    summary="合并班组",
    description="把同一申报单位的另一班组（source_team_id）的申报并入本班组，并删除该班组。",
    auth=scoped("staff:write"),
)
def team_merge(request: HttpRequest, team_id: int, payload: TeamMergeIn) -> TeamOut:
    user = _staff(request)
    target = _team(team_id)
    source = Team.objects.filter(pk=payload.source_team_id).first()
    if source is None:
        raise ServiceError(_("请选择另一个班组。"), code="same_team", field="source_team_id")
    with fields_named({"source": "source_team_id"}):
        merged = teams.team_merge(actor=user, source=source, target=target)
    return _team_out(merged)


@router.post(
    "/staff/teams/{team_id}/split",
    response={200: TeamOut, **error_responses(400, 403, 404)},
    summary="拆分班组",
    description="所选申报离开本班组，成为一个新班组；返回新班组。",
    auth=scoped("staff:write"),
)
def team_split(request: HttpRequest, team_id: int, payload: TeamSplitIn) -> TeamOut:
    user = _staff(request)
    team = _team(team_id)
    with fields_named({"applications": "application_ids"}):
        new_team = teams.team_split(actor=user, team=team, application_ids=payload.application_ids)
    return _team_out(Team.objects.select_related("organisation").get(pk=new_team.pk))
