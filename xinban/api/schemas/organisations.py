"""Organisations: registration (附件2), members, former names, renaming."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import ConfigDict

from xinban.api.labels import model_field, titled
from xinban.api.schemas.account import OrganisationOut
from xinban.api.schemas.common import (
    JsonBool,
    JsonEmail,
    JsonId,
    JsonIdList,
    JsonParticipation,
    JsonText,
    _required_from,
)
from xinban.campaigns.models import Campaign
from xinban.organisations.forms import (
    OrganisationCreateForm,
    OrganisationRenameForm,
    RegistrationForm,
)
from xinban.organisations.models import Organisation, Participation, Registration


class OrganisationIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(OrganisationCreateForm))

    name: JsonText = model_field(
        Organisation, "name", None, description="全称，与公章保持一致；此为制作证书的依据"
    )
    short_name: JsonText = model_field(
        Organisation, "short_name", None, description="用于附件文件名“单位简称+班组名称”"
    )


class RegistrationIn(Schema):
    """附件2 报名表. Ids refer to /api/taxonomies."""

    model_config = ConfigDict(json_schema_extra=_required_from(RegistrationForm))

    is_member: JsonBool = model_field(Registration, "is_member", None)
    nature: JsonId = model_field(Registration, "nature", None, description="单位性质 id")
    nature_other: JsonText = model_field(
        Registration, "nature_other", None, description="单位性质选择“其他”时必填"
    )
    industries: JsonIdList = model_field(
        Registration, "industries", None, description="重点产业 id 列表，可多选"
    )
    industry_other: JsonText = model_field(
        Registration, "industry_other", None, description="重点产业选择“其他”时必填"
    )
    domain: JsonId = model_field(Registration, "domain", None, description="重点领域 id")
    is_specialised: JsonBool = model_field(Registration, "is_specialised", None)
    is_high_tech: JsonBool = model_field(Registration, "is_high_tech", None)
    address: JsonText = model_field(Registration, "address", None)
    postcode: JsonText = model_field(Registration, "postcode", None, description="6位数字")
    management_department: JsonText = model_field(Registration, "management_department", None)
    promoter_name: JsonText = model_field(Registration, "promoter_name", None)
    promoter_position: JsonText = model_field(Registration, "promoter_position", None)
    promoter_mobile: JsonText = model_field(
        Registration, "promoter_mobile", None, description="11位中国大陆手机号码"
    )
    promoter_email: JsonText = model_field(Registration, "promoter_email", None)
    participation: JsonParticipation = model_field(
        Registration, "participation", None, description="first 首次参加 / continuing 持续参加"
    )
    applies_with_experience: JsonBool = model_field(Registration, "applies_with_experience", None)


class RegistrationOut(Schema):
    id: int
    organisation: OrganisationOut = titled("申报单位")
    campaign_year: int = model_field(Campaign, "year")
    is_member: bool = model_field(Registration, "is_member")
    nature: int = model_field(Registration, "nature")
    nature_name: str = titled("单位性质名称")
    nature_other: str = model_field(Registration, "nature_other")
    industries: list[int] = model_field(Registration, "industries")
    industry_names: list[str] = titled("重点产业名称")
    industry_other: str = model_field(Registration, "industry_other")
    domain: int = model_field(Registration, "domain")
    domain_name: str = titled("重点领域名称")
    is_specialised: bool = model_field(Registration, "is_specialised")
    is_high_tech: bool = model_field(Registration, "is_high_tech")
    address: str = model_field(Registration, "address")
    postcode: str = model_field(Registration, "postcode")
    management_department: str = model_field(Registration, "management_department")
    promoter_name: str = model_field(Registration, "promoter_name")
    promoter_position: str = model_field(Registration, "promoter_position")
    promoter_mobile: str = model_field(Registration, "promoter_mobile")
    promoter_email: str = model_field(Registration, "promoter_email")
    participation: str = model_field(
        Registration, "participation", json_schema_extra={"enum": list(Participation.values)}
    )
    applies_with_experience: bool = model_field(Registration, "applies_with_experience")
    updated_at: datetime = titled("更新时间")


class MemberOut(Schema):
    id: int
    name: str = titled("姓名")
    email: str = titled("电子邮箱")


class FormerNameOut(Schema):
    name: str = titled("原单位名称")
    renamed_to: str = titled("改为")
    renamed_at: datetime = titled("更名时间")
    reason: str = titled("更名原因")


class MyOrganisationOut(OrganisationOut):
    members: list[MemberOut] = titled("单位成员", description="可以代表本单位申报的用户")
    former_names: list[FormerNameOut] = titled(
        "曾用名", [], description="更名记录，早的在前；往年的文件印当年的名称"
    )


class OrganisationRenameIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(OrganisationRenameForm))

    name: JsonText = titled("新的单位名称", None, description="全称，与新的公章一致")
    short_name: JsonText = titled("单位简称", None, description="不填则保留原简称")
    reason: JsonText = titled("更名原因", None)


class MemberIn(Schema):
    email: JsonEmail = titled("同事的注册邮箱", None, description="同事须已注册账号")
