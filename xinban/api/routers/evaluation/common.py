"""The evaluation API's router and what its operations share: an application's brief, the
staff check (403 to other signed-in users), the year's applications that reached the
association (404 otherwise), a round by its number."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from xinban.accounts.models import User
from xinban.api.auth import current_user
from xinban.api.common import require_campaign
from xinban.api.errors import InvalidInput
from xinban.applications.models import Application, ApplicationState
from xinban.evaluation import selectors
from xinban.evaluation.models import EvaluationRound

router = Router(tags=["成果评价"])


class ApplicationBrief(Schema):
    id: int = Field(title="申报 id")
    number: str = Field(title="申报编号")
    team_name: str = Field(title="班组名称")
    organisation: str = Field(title="申报单位")
    state: str = Field(title="状态")


def brief(app: Application) -> ApplicationBrief:
    return ApplicationBrief(
        id=app.pk,
        number=app.number,
        team_name=app.team_name,
        organisation=app.organisation.name,
        state=app.state,
    )


def staff_user(request: HttpRequest) -> User:
    user = current_user(request)
    if not user.has_perm("evaluation.manage"):
        raise PermissionDenied
    return user


def evaluation_application(application_id: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("organisation", "campaign"),
        pk=application_id,
        campaign=require_campaign(),
        state__in=[ApplicationState.RECOMMENDED, *selectors.REVIEWED_STATES],
    )


def round_numbered(number: int) -> EvaluationRound:
    found = EvaluationRound.objects.filter(campaign=require_campaign(), number=number).first()
    if found is None:
        raise InvalidInput({"round": [_("评审轮次不存在。")]})
    return found
