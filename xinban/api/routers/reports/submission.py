"""What the endpoints of a unit's own filing (附件6, 附件7) share: the user, the unit they
administer and the year's campaign; the submit operation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest
from ninja import Schema

from xinban.accounts.models import User
from xinban.api.auth import current_user, scoped
from xinban.api.common import error_responses
from xinban.api.routers.reports.base import ReportYearQuery, _campaign, _unit, router
from xinban.campaigns.models import Campaign
from xinban.organisations.models import RecommendingUnit


def admin_target(
    request: HttpRequest, unit_id: int, query: ReportYearQuery
) -> tuple[User, RecommendingUnit, Campaign]:
    """The user, the unit they administer (else 404 or 403) and the year's campaign."""
    user = current_user(request)
    return user, _unit(user, unit_id, admin=True), _campaign(query)


Operation = TypeVar("Operation", bound=Callable[..., Any])


def submit_operation(
    path: str, out: type[Schema], *, summary: str, description: str
) -> Callable[[Operation], Operation]:
    """``POST path``: submit a unit's filing, answered with ``out``; 400 when incomplete."""
    return router.post(
        path,
        response={200: out, **error_responses(400, 403, 404, 409)},
        summary=summary,
        description=description,
        auth=scoped("units:write"),
    )
