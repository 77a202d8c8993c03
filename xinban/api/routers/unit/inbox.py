"""The units I work for, the inbox, one application, returning it and the on-site review."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query
from pydantic import WithJsonSchema

from xinban.accounts.models import User
from xinban.api.auth import current_user, require_scope, scoped
from xinban.api.common import ApplicationId, UnitId, error_responses, require_campaign
from xinban.api.errors import Errors, InvalidInput, ensure_valid
from xinban.api.labels import model_label
from xinban.api.payloads import form_data
from xinban.api.presenters import inbox_item_out, my_unit_out, on_site_out, unit_application_out
from xinban.api.routers.unit.base import _invalid_choice, _is_admin, _unit, router
from xinban.api.schemas import (
    InboxItemOut,
    MyUnitOut,
    OnSiteIn,
    OnSiteOut,
    ReturnIn,
    UnitApplicationOut,
)
from xinban.applications.models import Application, ApplicationState
from xinban.applications.services import application_return_for_correction
from xinban.core.errors import NotAllowed
from xinban.core.roles import roles_of
from xinban.organisations.models import RecommendingUnit, UnitMembership
from xinban.recommendation import selectors, services
from xinban.recommendation.forms import OnSiteForm, ReasonForm

INBOX_STATES = [s for s in ApplicationState.values if s != ApplicationState.DRAFT]
INBOX_SORTS = list(selectors.SORTS)
# Checked in the endpoint (with the forms' message); the schema documents the choices.
_InboxState = Annotated[str, WithJsonSchema({"type": "string", "enum": ["", *INBOX_STATES]})]
_InboxSort = Annotated[str, WithJsonSchema({"type": "string", "enum": INBOX_SORTS})]

_STATE_TITLE = model_label(Application, "state")


def _detail(user: User, unit: RecommendingUnit, application_id: int) -> UnitApplicationOut:
    application = selectors.unit_application_get(unit=unit, pk=application_id)
    return unit_application_out(
        application,
        user=user,
        sheets=selectors.unit_sheets_of(application),
        conflicts=[
            (judge, services.conflict_reason(judge, application))
            for judge in selectors.unit_panel(unit=unit)
        ],
    )


@router.get(
    "/units",
    response={200: list[MyUnitOut], **error_responses()},
    summary="我所在的推荐单位（质协工作人员：全部推荐单位）",
)
def unit_list(request: HttpRequest) -> list[MyUnitOut]:
    user = current_user(request)
    mine = dict(UnitMembership.objects.filter(user=user).values_list("unit_id", "role"))
    units = RecommendingUnit.objects.order_by("position", "name")
    if not roles_of(user).is_staff:
        units = units.filter(pk__in=mine)
    return [my_unit_out(unit, role=mine.get(unit.pk)) for unit in units]


@router.get(
    "/units/{unit_id}/applications",
    response={200: list[InboxItemOut], **error_responses(404, 422)},
    summary="收到的申报（本年度）：筛选、搜索、排序",
)
def inbox(
    request: HttpRequest,
    unit_id: UnitId,
    q: str = Query(  # noqa: B008
        "", title="搜索", description="按编号、班组名称或申报单位名称搜索"
    ),
    state: _InboxState = Query(  # noqa: B008
        "",
        title=_STATE_TITLE,
        description="只列出该状态的申报；空为全部",
    ),
    sort: _InboxSort = Query(  # noqa: B008
        "number",
        title="排序方式",
        description="number 编号 / organisation 申报单位 / team 班组名称 / "
        "submitted 提交时间（新的在前）/ state 状态",
    ),
) -> list[InboxItemOut]:
    unit = _unit(current_user(request), unit_id)
    campaign = require_campaign()
    errors: Errors = {}
    if state and state not in INBOX_STATES:
        errors["state"] = [_invalid_choice(state)]
    if sort not in INBOX_SORTS:
        errors["sort"] = [_invalid_choice(sort)]
    if errors:
        raise InvalidInput(errors)
    applications = selectors.unit_applications(
        unit=unit, campaign=campaign, q=q.strip(), state=state, sort=sort
    )
    return [inbox_item_out(a) for a in applications]


@router.get(
    "/units/{unit_id}/applications/{application_id}",
    response={200: UnitApplicationOut, **error_responses(404)},
    summary="查看一份申报：材料、现场评审、评委与进度、提交记录",
)
def unit_application(
    request: HttpRequest, unit_id: UnitId, application_id: ApplicationId
) -> UnitApplicationOut:
    user = current_user(request)
    return _detail(user, _unit(user, unit_id), application_id)


@router.post(
    "/units/{unit_id}/applications/{application_id}/return",
    response={200: UnitApplicationOut, **error_responses(400, 403, 404, 409, 422)},
    summary="退回申报单位修改",
    description="只能退回已提交的申报；申报单位会收到通知，修改后重新提交，提交记录保留各版本。",
    auth=scoped("units:write"),
)
def application_return(
    request: HttpRequest, unit_id: UnitId, application_id: ApplicationId, payload: ReturnIn
) -> UnitApplicationOut:
    user = current_user(request)
    # The unit's admin or staff: the service asks return_refusal (docs/rules.md).
    unit = _unit(user, unit_id)
    if not _is_admin(user, unit):
        if not roles_of(user).is_staff:
            raise NotAllowed(_("只有该推荐单位的管理员可以进行此操作。"), code="not_unit_admin")
        require_scope(request, "staff:write")  # staff returning a unit's application
    application = selectors.unit_application_get(unit=unit, pk=application_id)
    data, type_errors = form_data(payload, ReasonForm)
    form = ReasonForm(data)
    ensure_valid(form, type_errors)
    application_return_for_correction(
        actor=user, application=application, reason=form.cleaned_data["reason"]
    )
    return _detail(user, unit, application_id)


@router.put(
    "/units/{unit_id}/applications/{application_id}/on-site",
    response={200: OnSiteOut, **error_responses(400, 403, 404, 409, 422)},
    summary="标记现场评审：日期与记录",
    auth=scoped("units:write"),
)
def on_site(
    request: HttpRequest, unit_id: UnitId, application_id: ApplicationId, payload: OnSiteIn
) -> OnSiteOut:
    user = current_user(request)
    unit = _unit(user, unit_id, admin=True)
    application = selectors.unit_application_get(unit=unit, pk=application_id)
    data, type_errors = form_data(payload, OnSiteForm)
    form = OnSiteForm(data)
    ensure_valid(form, type_errors)
    return on_site_out(form.save(actor=user, application=application))
