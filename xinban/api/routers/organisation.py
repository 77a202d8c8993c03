"""My organisation and its yearly registration (附件2)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from xinban.api.auth import current_user, scoped
from xinban.api.common import (
    ORGANISATION_QUERY_HELP,
    error_responses,
    require_campaign,
    require_organisation,
)
from xinban.api.errors import NotFound, ensure_valid
from xinban.api.payloads import form_data
from xinban.api.presenters import organisation_out, registration_out
from xinban.api.schemas import (
    FormerNameOut,
    MemberIn,
    MemberOut,
    MyOrganisationOut,
    OrganisationIn,
    OrganisationOut,
    OrganisationRenameIn,
    RegistrationIn,
    RegistrationOut,
)
from xinban.organisations import services
from xinban.organisations.forms import (
    AddMemberForm,
    OrganisationCreateForm,
    OrganisationRenameForm,
    RegistrationForm,
)
from xinban.organisations.models import Organisation
from xinban.organisations.names import former_names
from xinban.organisations.selectors import registration_get

router = Router(tags=["申报单位与报名表（附件2）"])


@router.post(
    "/organisations",
    response={201: OrganisationOut, **error_responses(400, 422)},
    summary="登记我的申报单位",
    description="登记后当前用户即为该单位的活动推进者（单位成员）。单位名称已登记时返回 400。",
    auth=scoped("applications:write"),
)
def organisation_create(request: HttpRequest, payload: OrganisationIn) -> Status[OrganisationOut]:
    data, type_errors = form_data(payload, OrganisationCreateForm)
    form = OrganisationCreateForm(data)
    ensure_valid(form, type_errors)
    organisation = services.organisation_create(
        actor=current_user(request),
        name=form.cleaned_data["name"],
        short_name=form.cleaned_data["short_name"],
    )
    return Status(201, organisation_out(organisation))


@router.get(
    "/registration",
    response={200: RegistrationOut, **error_responses(404)},
    summary="本单位本年度报名表（附件2）",
    description="尚未填写时返回 404（code: not_registered）。",
)
def registration_get_current(
    request: HttpRequest,
    organisation: int | None = Query(None, description=ORGANISATION_QUERY_HELP),  # noqa: B008
) -> RegistrationOut:
    mine = require_organisation(current_user(request), organisation)
    registration = registration_get(organisation=mine, campaign=require_campaign())
    if registration is None:
        raise NotFound(_("本单位尚未填写本年度报名表（附件2）。"), code="not_registered")
    return registration_out(registration)


@router.put(
    "/registration",
    response={200: RegistrationOut, **error_responses(403, 404, 409, 422)},
    summary="填写或修改本单位本年度报名表（附件2）",
    description="校验规则与页面相同；活动报名不在开放时间内时返回 409（code: window_closed）。",
    auth=scoped("applications:write"),
)
def registration_put(
    request: HttpRequest,
    payload: RegistrationIn,
    organisation: int | None = Query(None, description=ORGANISATION_QUERY_HELP),  # noqa: B008
) -> RegistrationOut:
    user = current_user(request)
    mine = require_organisation(user, organisation)
    campaign = require_campaign()
    existing = registration_get(organisation=mine, campaign=campaign)
    data, type_errors = form_data(payload, RegistrationForm)
    form = RegistrationForm(data, instance=existing)
    ensure_valid(form, type_errors)
    services.registration_save(
        actor=user, organisation=mine, campaign=campaign, data=form.cleaned_data
    )
    saved = registration_get(organisation=mine, campaign=campaign)
    assert saved is not None
    return registration_out(saved)


def _my_organisation_out(organisation: Organisation) -> MyOrganisationOut:
    return MyOrganisationOut(
        **organisation_out(organisation).model_dump(),
        members=[
            MemberOut(id=member.pk, name=member.name, email=member.email)
            for member in organisation.members.order_by("name", "pk")
        ],
        former_names=[
            FormerNameOut(
                name=r.old_name, renamed_to=r.new_name, renamed_at=r.renamed_at, reason=r.reason
            )
            for r in former_names([organisation]).get(organisation.pk, [])
        ],
    )


@router.get(
    "/organisation",
    response={200: MyOrganisationOut, **error_responses(404)},
    summary="我的申报单位及其成员",
    description="尚未登记单位时返回 404（code: no_organisation）。",
)
def my_organisation_get(
    request: HttpRequest,
    organisation: int | None = Query(None, description=ORGANISATION_QUERY_HELP),  # noqa: B008
) -> MyOrganisationOut:
    return _my_organisation_out(require_organisation(current_user(request), organisation))


@router.post(
    "/organisation/members",
    response={200: MyOrganisationOut, **error_responses(400, 403, 404, 422)},
    summary="添加同事为本单位成员",
    description="同事须已用该邮箱注册账号（否则 400，code: no_such_user）。已是成员时不变。",
    auth=scoped("applications:write"),
)
def my_organisation_add_member(
    request: HttpRequest,
    payload: MemberIn,
    organisation: int | None = Query(None, description=ORGANISATION_QUERY_HELP),  # noqa: B008
) -> MyOrganisationOut:
    user = current_user(request)
    mine = require_organisation(user, organisation)
    data, type_errors = form_data(payload, AddMemberForm)
    form = AddMemberForm(data)
    ensure_valid(form, type_errors)
    services.organisation_add_member(
        actor=user, organisation=mine, email=form.cleaned_data["email"]
    )
    return _my_organisation_out(mine)


@router.post(
    "/organisation/rename",
    response={200: MyOrganisationOut, **error_responses(400, 403, 404, 422)},
    summary="修改本单位名称（更名）",
    description=(
        "原名称留存在 former_names 中，往年的文件仍印当年的名称。"
        "新名称已被其他单位登记时返回 400（code: organisation_exists）。"
    ),
    auth=scoped("applications:write"),
)
def my_organisation_rename(
    request: HttpRequest,
    payload: OrganisationRenameIn,
    organisation: int | None = Query(None, description=ORGANISATION_QUERY_HELP),  # noqa: B008
) -> MyOrganisationOut:
    user = current_user(request)
    mine = require_organisation(user, organisation)
    data, type_errors = form_data(payload, OrganisationRenameForm)
    form = OrganisationRenameForm(data)
    ensure_valid(form, type_errors)
    services.organisation_rename(actor=user, organisation=mine, **form.cleaned_data)
    mine.refresh_from_db()
    return _my_organisation_out(mine)
