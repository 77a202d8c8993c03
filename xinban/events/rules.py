"""Who organises an event: association staff, and for its own 发表会 a recommending unit's
admin. Published events are public; drafts only their organisers see. Which teams may
present (docs/rules.md, rule 10): at a 交流会 the teams with a result of the event's year
(建设经验 or 典型经验); at a unit's 发表会 the teams that unit recommends."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from xinban.applications.models import Application, ApplicationState
from xinban.core.errors import ServiceError
from xinban.core.roles import roles_of
from xinban.core.rulebook import Refusal
from xinban.evaluation.models import Decision, DecisionLevel
from xinban.events.models import Event, EventKind, EventState
from xinban.recommendation.models import Recommendation, ReportStatus

# The results that make a team an exchange meeting's presenter.
EXCHANGE_RESULTS = (DecisionLevel.SELECTED, DecisionLevel.TYPICAL)


def can_organise(user: Any, event: Event) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    roles = roles_of(user)
    return roles.is_staff or (event.unit_id is not None and event.unit_id in roles.unit_admin_ids)


def can_see(user: Any, event: Event) -> bool:
    if event.state == EventState.PUBLISHED or event.state == EventState.CANCELLED:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    roles = roles_of(user)
    return roles.is_staff or (event.unit_id is not None and event.unit_id in roles.unit_ids)


def _refused(message: str, code: str) -> Refusal:
    return Refusal(message, code, field="application", error=ServiceError)


def may_present(event: Event) -> Q:
    """The applications that may present at ``event``, as a filter on Application (the
    page's choice list and :func:`presenter_refusal` say the same thing)."""
    allowed = Q(campaign_id=event.campaign_id) & ~Q(
        state__in=[ApplicationState.DRAFT, ApplicationState.WITHDRAWN]
    )
    if event.unit_id is not None:
        recommended = Recommendation.objects.filter(report__unit_id=event.unit_id).exclude(
            report__status=ReportStatus.VOIDED
        )
        return allowed & Q(
            recommending_unit_id=event.unit_id,
            pk__in=recommended.values("application_id"),
        )
    if event.kind == EventKind.EXCHANGE:
        return allowed & Q(
            pk__in=Decision.objects.filter(level__in=EXCHANGE_RESULTS).values("application_id")
        )
    return allowed


def presenter_refusal(event: Event, application: Application) -> Refusal | None:
    """Why ``application`` may not present at ``event`` (None: it may)."""
    if application.state in (ApplicationState.DRAFT, ApplicationState.WITHDRAWN):
        return _refused(_("草稿或已撤回的申报不能安排发表。"), "not_submitted")
    if application.campaign_id != event.campaign_id:
        return _refused(_("请选择本年度的申报。"), "other_year")
    if event.unit_id is not None and application.recommending_unit_id != event.unit_id:
        return _refused(_("发表会只能安排本单位推荐范围内的班组。"), "other_unit")
    if Application.objects.filter(may_present(event), pk=application.pk).exists():
        return None
    if event.unit_id is not None:
        return _refused(
            _("发表会安排本单位推荐的班组：该班组尚未列入本单位的推荐名单。"), "not_recommended"
        )
    return _refused(
        _("交流会安排本年度获评建设经验或典型经验的班组：该班组没有这样的评价结果。"),
        "no_result",
    )
