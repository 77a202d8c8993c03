"""The checks every evaluation service shares: the actor is staff, the evaluation window is
open, the results unpublished, the application in an allowed state, the round open; the
application re-read under a row lock; the lifecycle step (docs/architecture.md, "The
association's evaluation")."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.lifecycle import transition
from xinban.applications.models import Application
from xinban.campaigns.models import Campaign, PhaseKind
from xinban.campaigns.selectors import phase_is_open
from xinban.core.errors import NotAllowed, WindowClosed, WrongState
from xinban.core.roles import roles_of
from xinban.evaluation.models import EvaluationRound


def require_staff(actor: User) -> None:
    if not roles_of(actor).is_staff:
        raise NotAllowed(_("只有质协工作人员可以进行此操作。"), code="not_staff")


def require_window(campaign: Campaign, organisation_id: int | None = None) -> None:
    if not phase_is_open(
        campaign=campaign, kind=PhaseKind.EVALUATION, organisation_id=organisation_id
    ):
        raise WindowClosed(_("成果评价及推优不在开放时间内。"), code="window_closed")


def require_unpublished(campaign: Campaign) -> None:
    if campaign.results_published:
        raise WrongState(_("本年度评价结果已发布，不能再修改。"), code="results_published")


def require_state(application: Application, allowed: Iterable[str]) -> None:
    if application.state not in set(allowed):
        raise WrongState(
            _("当前状态（%(state)s）下不能进行此操作。")
            % {"state": application.get_state_display()},
            code="wrong_state",
        )


def require_round_open(evaluation_round: EvaluationRound) -> None:
    if not evaluation_round.is_open():
        raise WrongState(
            _("%(round)s已于 %(time)s 截止，请新建评审轮次或延长截止时间。")
            % {
                "round": str(evaluation_round),
                "time": timezone.localtime(evaluation_round.deadline).strftime("%Y-%m-%d %H:%M"),
            },
            code="round_closed",
            field="round",
        )


def lock(application: Application) -> Application:
    """Re-read the application under a row lock; the caller's copy may be stale."""
    return (
        Application.objects.select_for_update()
        .select_related("campaign", "organisation", "recommending_unit")
        .get(pk=application.pk)
    )


def set_state(application: Application, state: str, *extra_fields: str, via: str) -> None:
    """The evaluation's steps of the lifecycle (xinban.applications.lifecycle); each
    caller writes its own, richer audit entry."""
    transition(application, via=via, to=state, fields=extra_fields)


def site_link(name: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name)


def staff_emails() -> list[str]:
    return list(
        User.objects.filter(is_association_staff=True, is_active=True).values_list(
            "email", flat=True
        )
    )
