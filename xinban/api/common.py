"""Lookups shared by the endpoints: the current campaign year, the caller's organisation,
the documented error responses, and the OpenAPI descriptions of uploads and downloads."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path

from xinban.accounts.models import User
from xinban.api.errors import InvalidInput, NotFound, form_errors
from xinban.api.schemas import ErrorOut, ValidationErrorOut
from xinban.campaigns.models import Campaign
from xinban.campaigns.selectors import campaign_current
from xinban.core import uploads
from xinban.organisations.models import Organisation
from xinban.organisations.selectors import organisations_of_user

ORGANISATION_QUERY_HELP = "仅当您属于多个申报单位时需要：申报单位 id（默认为第一个）"

# Path parameters, titled in Chinese in the OpenAPI document.
UnitId = Annotated[int, Path(title="推荐单位 id")]
ApplicationId = Annotated[int, Path(title="申报 id")]
SheetId = Annotated[int, Path(title="评分表 id")]
JudgeId = Annotated[int, Path(title="评委 id")]
RecommendationId = Annotated[int, Path(title="推荐 id")]
InvitationToken = Annotated[str, Path(title="邀请码", description="邀请邮件链接中的一段")]


def error_responses(*statuses: int) -> dict[int, Any]:
    """The error bodies an endpoint may answer with, for the OpenAPI document. Every
    operation may answer 401 (not logged in, or a bad token), 403 (a token without the
    operation's scope) and 429 (rate limit)."""
    return {
        status: ValidationErrorOut if status == 422 else ErrorOut
        for status in sorted({401, 403, 429, *statuses})
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


# --- uploads and downloads -----------------------------------------------------------------

F = TypeVar("F", bound=forms.Form)


def validated_upload(request: HttpRequest, form_class: type[F]) -> F:
    """The page's upload form, bound to the multipart request and valid; else 422."""
    form = form_class(request.POST, request.FILES)
    uploads.add_upload_refusal_errors(form, request)  # too large: say so, not "required"
    if not form.is_valid():
        raise InvalidInput(form_errors(form))
    return form


def multipart_body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """``openapi_extra`` for an endpoint that reads a multipart/form-data upload."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": properties, "required": required}
                }
            },
        }
    }


def binary_response(mime: str, description: str) -> dict[str, Any]:
    """``openapi_extra`` for an endpoint that answers with a file download."""
    return {
        "responses": {
            200: {
                "description": description,
                "content": {mime: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }
