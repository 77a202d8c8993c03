"""What the unit endpoints share: the router, the look-ups (the unit if the user may see it,
else 404; its admin, else 403) and the application and report as the unit sees them."""

from __future__ import annotations

from typing import Annotated, Any

from django import forms
from django.utils.translation import gettext as _
from ninja import Router
from pydantic import WithJsonSchema

from xinban.accounts.models import User
from xinban.api.labels import model_label, zh
from xinban.api.presenters import report_out, unit_application_out
from xinban.api.schemas import ReportOut, UnitApplicationOut
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign
from xinban.core.errors import NotAllowed
from xinban.core.roles import roles_of
from xinban.organisations.models import RecommendingUnit
from xinban.recommendation import selectors, services
from xinban.recommendation.forms import ScanForm
from xinban.recommendation.models import UnitRecommendationReport

router = Router(tags=["推荐单位"])

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

INBOX_STATES = [s for s in ApplicationState.values if s != ApplicationState.DRAFT]
INBOX_SORTS = list(selectors.SORTS)
# Checked in the endpoint (with the forms' message); the schema documents the choices.
_InboxState = Annotated[str, WithJsonSchema({"type": "string", "enum": ["", *INBOX_STATES]})]
_InboxSort = Annotated[str, WithJsonSchema({"type": "string", "enum": INBOX_SORTS})]

_STATE_TITLE = model_label(Application, "state")
_SCAN_PROPERTY = {
    "type": "string",
    "format": "binary",
    "title": model_label(UnitRecommendationReport, "stamped_scan"),
    "description": zh(ScanForm.base_fields["file"].help_text),
}
_DOWNLOAD_HELP = "附件5 推荐表，文件名为“推荐单位+质量班组活动统计表”（通知注2）"


def _unit(user: User, unit_id: int, *, admin: bool = False) -> RecommendingUnit:
    """The unit if the user is its member or staff, else 404; with ``admin``, 403 unless the
    user is the unit's admin (staff only look)."""
    unit = selectors.unit_get_for(user=user, pk=unit_id)
    if admin and not _is_admin(user, unit):
        raise NotAllowed(_("只有该推荐单位的管理员可以进行此操作。"), code="not_unit_admin")
    return unit


def _is_admin(user: User, unit: RecommendingUnit) -> bool:
    return unit.pk in roles_of(user).unit_admin_ids


def _require_staff(user: User) -> None:
    if not roles_of(user).is_staff:
        raise NotAllowed(_("只有质协工作人员可以进行此操作。"), code="not_staff")


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


def _report(user: User, unit: RecommendingUnit, campaign: Campaign) -> ReportOut:
    # Looking does not create the report (as on the page); the first write does.
    report = selectors.unit_report(unit=unit, campaign=campaign) or UnitRecommendationReport(
        unit=unit, campaign=campaign
    )
    return report_out(
        report,
        quota=services.quota_for(unit=unit, campaign=campaign),
        is_admin=_is_admin(user, unit),
    )


def _invalid_choice(value: Any) -> str:
    return str(forms.ChoiceField.default_error_messages["invalid_choice"] % {"value": value})
