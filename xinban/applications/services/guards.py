"""Checks and helpers the application's transitions share: membership, the phase window,
the state, the row lock, the content fields an applicant edits, files cleaned up when a
transaction does not commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import (
    CONTENT_FIELDS,
    Application,
    ApplicationState,
)
from xinban.campaigns.models import Campaign, PhaseKind
from xinban.campaigns.selectors import phase_is_open
from xinban.core import uploads
from xinban.core.errors import NotAllowed, WindowClosed, WrongState
from xinban.core.roles import roles_of
from xinban.recommendation.models import Recommendation, ReportStatus

ATTACHMENT_KINDS = (uploads.UploadKind.DOCUMENT, uploads.UploadKind.IMAGE)


@dataclass(frozen=True)
class Limits:
    max_per_org: int


def _require_member(actor: User, organisation_id: int) -> None:
    if organisation_id not in roles_of(actor).organisation_ids:
        raise NotAllowed(_("只有本单位成员可以修改本单位的申报。"), code="not_member")


def _require_window(
    application_or_campaign: Campaign, organisation_id: int, *kinds: PhaseKind
) -> None:
    for kind in kinds:
        if phase_is_open(
            campaign=application_or_campaign, kind=kind, organisation_id=organisation_id
        ):
            return
    raise WindowClosed(_("成果申报不在开放时间内，无法修改或提交。"), code="window_closed")


def _require_state(application: Application, allowed: Iterable[str]) -> None:
    if application.state not in set(allowed):
        raise WrongState(
            _("当前状态（%(state)s）下不能进行此操作。")
            % {"state": application.get_state_display()},
            code="wrong_state",
        )


def _lock(application: Application) -> Application:
    """Re-read the application under a row lock; the caller's copy may be stale. The
    objects every save path reads (its campaign, organisation, unit and team type) come in
    the same query, so the lock is held for fewer round trips (docs/loadtest.md); only the
    application's row is locked."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("campaign", "organisation", "recommending_unit", "team_type")
        .get(pk=application.pk)
    )


def _edit_window_kinds(state: str, *, formally_returned: bool = False) -> tuple[PhaseKind, ...]:
    # A returned application is corrected while the units recommend, so the recommendation
    # window counts too; one the association's formal review returned is corrected during
    # the evaluation; fresh drafts follow the application window alone.
    if state == ApplicationState.RETURNED:
        if formally_returned:
            return (PhaseKind.APPLICATION, PhaseKind.RECOMMENDATION, PhaseKind.EVALUATION)
        return (PhaseKind.APPLICATION, PhaseKind.RECOMMENDATION)
    return (PhaseKind.APPLICATION,)


def _returned_by_formal_review(application: Application) -> bool:
    """Returned after its unit recommended it (it sits on a submitted 附件5): the
    association's formal review returned it, and resubmitting sends it back there."""
    if application.state != ApplicationState.RETURNED:
        return False
    return Recommendation.objects.filter(
        application=application, report__status=ReportStatus.SUBMITTED
    ).exists()


def _edit_kinds_for(application: Application) -> tuple[PhaseKind, ...]:
    return _edit_window_kinds(
        application.state, formally_returned=_returned_by_formal_review(application)
    )


def _assign_content(application: Application, data: dict[str, Any]) -> None:
    for name in CONTENT_FIELDS:
        if name in data:
            setattr(application, name, data[name])


def _content_values(application: Application) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in CONTENT_FIELDS:
        value = getattr(application, name)
        values[name] = str(value) if hasattr(value, "pk") else value
    return values


class _FilesWrittenInTransaction:
    """Deletes files written during a transaction when it does not commit, so a failed
    upload leaves no orphan file behind. (A killed process may still leave an unreferenced
    file in storage; no row points to it, so nobody can see it.)"""

    def __init__(self) -> None:
        self.written: list[tuple[Any, str]] = []

    def track(self, fieldfile: Any) -> None:
        self.written.append((fieldfile.storage, fieldfile.name))

    def __enter__(self) -> _FilesWrittenInTransaction:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None:
            for storage, name in self.written:
                if name and storage.exists(name):
                    storage.delete(name)
