"""Lookups shared by the endpoints: the current campaign year, the caller's organisation,
and the documented error responses."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.api.errors import NotFound
from xinban.api.schemas import ErrorOut, ValidationErrorOut
from xinban.campaigns.models import Campaign
from xinban.campaigns.selectors import campaign_current
from xinban.organisations.models import Organisation
from xinban.organisations.selectors import organisations_of_user

ORGANISATION_QUERY_HELP = "仅当您属于多个申报单位时需要：申报单位 id（默认为第一个）"


def error_responses(*statuses: int) -> dict[int, Any]:
    """The error bodies an endpoint may answer with, for the OpenAPI document."""
    return {
        status: ValidationErrorOut if status == 422 else ErrorOut for status in (401, *statuses)
    }


def require_campaign() -> Campaign:
    campaign = campaign_current()
    if campaign is None:
        raise NotFound(_("尚未设置活动年度。"), code="no_campaign")
    return campaign


def my_organisation(user: User, organisation_id: int | None = None) -> Organisation | None:
    """The caller's organisation: the one asked for (if they belong to it), else the first
    one, as on the pages."""
    organisations = organisations_of_user(user=user)
    if organisation_id is not None:
        return organisations.filter(pk=organisation_id).first()
    return organisations.first()


def require_organisation(user: User, organisation_id: int | None = None) -> Organisation:
    organisation = my_organisation(user, organisation_id)
    if organisation is None:
        raise NotFound(_("您还没有所属的申报单位，请先登记单位。"), code="no_organisation")
    return organisation
