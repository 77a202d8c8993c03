"""The application's lifecycle (docs/rules.md, "The application's lifecycle"): the table of
transitions — from which states, to which, who, under which preconditions, through which
service — and the one function that moves an application along one of them. Every service
that changes an application's state calls :func:`transition` on the row it has locked;
the service checks the actor's right, the phase window and its preconditions first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from xinban.applications.models import Application, ApplicationState
from xinban.core.audit import audit_record
from xinban.core.errors import WrongState
from xinban.notifications.delivery import notify_after_commit

S = ApplicationState


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    targets: frozenset[str]
    who: str
    preconditions: tuple[str, ...]
    service: str


def _t(
    name: str,
    sources: Iterable[str],
    targets: Iterable[str],
    who: str,
    preconditions: Sequence[str],
    service: str,
) -> Transition:
    return Transition(
        name, frozenset(sources), frozenset(targets), who, tuple(preconditions), service
    )


DECIDED = (S.SELECTED, S.NOT_SELECTED, S.TYPICAL_CANDIDATE, S.TYPICAL)

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        _t(
            "submit",
            [S.DRAFT, S.RETURNED],
            [S.SUBMITTED, S.RECOMMENDED],  # back to the association after its formal review
            "organisation member",
            ["complete", "application window"],
            "applications.services.application_submit",
        ),
        _t(
            "withdraw",
            [S.DRAFT, S.SUBMITTED, S.RETURNED],
            [S.WITHDRAWN],
            "organisation member",
            ["withdraw_refusal"],
            "applications.services.application_withdraw",
        ),
        _t(
            "return",
            [S.SUBMITTED],
            [S.RETURNED],
            "unit admin / staff",
            ["reason", "recommendation window"],
            "applications.services.application_return_for_correction",
        ),
        _t(
            "recommend",
            [S.SUBMITTED, S.RETURNED],  # a returned one left off the list: 未推荐
            [S.RECOMMENDED, S.NOT_RECOMMENDED],
            "unit admin",
            ["report complete", "recommendation window"],
            "recommendation.services.report_submit",
        ),
        _t(
            "void_recommendation",
            # Whatever it reached, returned by the formal review included.
            [
                S.RECOMMENDED,
                S.RETURNED,
                S.FORMAL_PASSED,
                S.FORMAL_FAILED,
                S.EXPERT_REVIEW,
                *DECIDED,
            ],
            [S.NOT_RECOMMENDED],
            "staff",
            ["report_void_refusal"],
            "recommendation.services.report_void",
        ),
        _t(
            "formal_review",
            [S.RECOMMENDED],
            [S.FORMAL_PASSED, S.FORMAL_FAILED, S.RETURNED],
            "staff",
            ["evaluation window", "unpublished"],
            "evaluation.services.formal_review_record",
        ),
        _t(
            "assign_experts",
            [S.FORMAL_PASSED],
            [S.EXPERT_REVIEW],
            "staff",
            ["no conflict", "capacity", "round open"],
            "evaluation.services.expert_assign_auto / expert_assign_manual",
        ),
        _t(
            "unassign_last_expert",
            [S.EXPERT_REVIEW],
            [S.FORMAL_PASSED],
            "staff, or the expert declaring a conflict (回避)",
            ["sheet not submitted", "unpublished"],
            "evaluation.services.expert_unassign / expert_conflict_declare",
        ),
        _t(
            "decide",
            [S.EXPERT_REVIEW, *DECIDED],
            [S.SELECTED, S.NOT_SELECTED, S.TYPICAL_CANDIDATE],
            "staff",
            [
                "consensus notes",
                "expert_sheets_refusal",
                "reason to revise",
                "the level's sources",
                "unpublished",
            ],
            "evaluation.services.decision_set",
        ),
        _t(
            "confirm_typical",
            [S.TYPICAL_CANDIDATE],
            [S.TYPICAL],
            "staff",
            ["guiding unit's review", "video"],
            "evaluation.services.typical_confirm",
        ),
    )
}


@dataclass(frozen=True)
class Notice:
    """An e-mail sent after the transition's transaction commits."""

    to: list[str]
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def transition_refusal(application: Application, via: str, to: str) -> WrongState | None:
    step = TRANSITIONS[via]
    if to not in step.targets:
        raise ValueError(f"{via}: {to!r} is not one of its targets")  # a programming error
    if application.state in step.sources:
        return None
    return WrongState(
        _("申报当前状态为“%(state)s”，不能进行此操作。")
        % {"state": ApplicationState(application.state).label},
        code="wrong_state",
    )


def transition(
    application: Application,
    *,
    via: str,
    to: str,
    actor: Any = None,
    action: str | None = None,
    changes: Mapping[str, Any] | None = None,
    fields: Sequence[str] | None = (),
    notice: Notice | None = None,
) -> str:
    """Move ``application`` (locked by the caller, in its transaction) along transition
    ``via`` to ``to``: check the from-state against the table, change the state, bump the
    version, save (``fields`` besides state and version; ``None``: every field), write the
    audit entry ``action`` with the state's before → after, and queue ``notice``. Returns
    the state it left."""
    refused = transition_refusal(application, via, to)
    if refused is not None:
        raise refused
    previous = application.state
    application.state = to
    application.version = application.version + 1
    if fields is None:
        application.save()
    else:
        application.save(update_fields=["state", "version", "updated_at", *fields])
    if action is not None:
        audit_record(
            actor=actor,
            action=action,
            obj=application,
            changes={"state": [previous, to], **(changes or {})},
        )
    if notice is not None:
        notify_after_commit(to=notice.to, template=notice.template, context=notice.context)
    return previous
