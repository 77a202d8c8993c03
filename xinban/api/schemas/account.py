"""Who the caller is: the user, the organisation and the roles (``GET /me``)."""

from __future__ import annotations

from ninja import Schema

from xinban.api.labels import model_field, titled
from xinban.organisations.models import Organisation


class OrganisationOut(Schema):
    id: int
    name: str = model_field(Organisation, "name")
    short_name: str = model_field(Organisation, "short_name")


class RolesOut(Schema):
    organisation_ids: list[int] = titled("所属申报单位")
    unit_ids: list[int] = titled("所属推荐单位")
    unit_admin_ids: list[int] = titled("担任管理员的推荐单位")
    guiding_unit_ids: list[int] = titled("所属指导单位")
    is_staff: bool = titled("质协工作人员")


class MeOut(Schema):
    id: int
    email: str = titled("电子邮箱")
    name: str = titled("姓名")
    roles: RolesOut = titled("角色")
    organisations: list[OrganisationOut] = titled("申报单位")
