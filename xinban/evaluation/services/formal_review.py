"""资料形式审查: one application at a time (pass, fail, return for correction) or a
bulk pass of those whose checks all hold (docs/rules.md, rule 6)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign, PhaseKind
from xinban.campaigns.selectors import phase_is_open
from xinban.core.audit import audit_record
from xinban.core.errors import ServiceError, WindowClosed
from xinban.core.rulebook import Refusal, enforce
from xinban.core.text import join_clauses
from xinban.evaluation.checklist import checklist_for
from xinban.evaluation.models import ChecklistItem, FormalOutcome, FormalReview
from xinban.evaluation.selectors import AUTOMATIC_KEYS, automatic_checks
from xinban.evaluation.services.guards import (
    lock,
    require_staff,
    require_unpublished,
    require_window,
    set_state,
)
from xinban.notifications.delivery import notify_after_commit, organisation_emails


def _recorded_checks(
    items: list[ChecklistItem],
    campaign: Campaign,
    given: Mapping[Any, Any],
    computed: dict[str, bool],
) -> dict[str, bool]:
    """{item id: bool} for every active item. An automatic item holds only when the data
    satisfies it *and* the reviewer did not untick it; a hand-ticked item holds when the
    reviewer ticked it."""
    known = {
        str(pk)
        for pk in ChecklistItem.objects.filter(campaign=campaign).values_list("pk", flat=True)
    }
    for key in given:
        if str(key) not in known:
            raise ServiceError(
                _("核对条目不存在，请刷新后重试。"), code="unknown_check", field="checks"
            )
    values = {str(k): bool(v) for k, v in given.items()}
    recorded: dict[str, bool] = {}
    for item in items:
        pk = str(item.pk)
        if item.key in AUTOMATIC_KEYS:
            recorded[pk] = computed.get(item.key, False) and values.get(pk, True)
        else:
            recorded[pk] = values.get(pk, False)
    return recorded


def _notify_formal(application: Application, outcome: str, reason: str) -> None:
    if outcome == FormalOutcome.PASSED:
        return
    notify_after_commit(
        to=organisation_emails(application.organisation_id),
        template="formal_review_returned"
        if outcome == FormalOutcome.RETURNED
        else "formal_review_failed",
        context={"application": application, "reason": reason},
    )


FORMAL_STATE = {
    FormalOutcome.PASSED: ApplicationState.FORMAL_PASSED,
    FormalOutcome.FAILED: ApplicationState.FORMAL_FAILED,
    FormalOutcome.RETURNED: ApplicationState.RETURNED,
}


def formal_review_refusal(application: Application) -> Refusal | None:
    """Whether the formal review may be recorded now (the page offers its form, the API
    and the service ask it): a recommended application, in the evaluation window, before
    the results are published. See docs/rules.md, "The application's lifecycle"."""
    if application.state != ApplicationState.RECOMMENDED:
        return Refusal(
            _("当前状态（%(state)s）下不能进行此操作。")
            % {"state": application.get_state_display()},
            code="wrong_state",
        )
    if not phase_is_open(campaign=application.campaign, kind=PhaseKind.EVALUATION):
        return Refusal(
            _("成果评价及推优不在开放时间内。"), code="window_closed", error=WindowClosed
        )
    if application.campaign.results_published:
        return Refusal(_("本年度评价结果已发布，不能再修改。"), code="results_published")
    return None


def formal_review_record(
    *,
    actor: User,
    application: Application,
    outcome: str,
    checks: Mapping[Any, Any],
    reason: str = "",
) -> FormalReview:
    """资料形式审查 of one recommended application: pass (every active checklist item
    holds), fail, or return to the applicant for correction (both with a reason). A
    returned application comes back as RECOMMENDED when resubmitted and is reviewed
    again; the record keeps the latest review, the audit log every one."""
    require_staff(actor)
    if outcome not in FormalOutcome.values:
        raise ServiceError(_("审查结论无效。"), code="bad_outcome", field="outcome")
    reason = (reason or "").strip()
    if outcome != FormalOutcome.PASSED and not reason:
        raise ServiceError(
            _("判定不通过或退回修改时，请填写原因。"), code="reason_required", field="reason"
        )
    with transaction.atomic():
        current = lock(application)
        enforce(formal_review_refusal(current))
        items = checklist_for(current.campaign)
        computed = automatic_checks([current])[current.pk]
        recorded = _recorded_checks(items, current.campaign, checks, computed)
        if outcome == FormalOutcome.PASSED:
            failing = [i.text for i in items if not recorded[str(i.pk)]]
            if failing:
                raise ServiceError(
                    _("以下条目未通过核对，不能判定为通过：%(items)s")
                    % {"items": join_clauses(failing)},
                    code="checks_failed",
                    field="checks",
                )
        review = _save_review(current, outcome, recorded, reason, actor, bulk=False)
    return review


def _save_review(
    current: Application,
    outcome: str,
    recorded: dict[str, bool],
    reason: str,
    actor: User,
    *,
    bulk: bool,
) -> FormalReview:
    review, _created = FormalReview.objects.update_or_create(
        application=current,
        defaults={
            "outcome": outcome,
            "checks": recorded,
            "reason": reason,
            "bulk": bulk,
            "reviewed_by": actor,
            "reviewed_at": timezone.now(),
        },
    )
    previous = current.state
    extra: tuple[str, ...] = ()
    if outcome == FormalOutcome.RETURNED:
        current.return_reason = reason
        extra = ("return_reason",)
    set_state(current, FORMAL_STATE[FormalOutcome(outcome)], *extra, via="formal_review")
    audit_record(
        actor=actor,
        action="evaluation.formal_review",
        obj=current,
        changes={
            "state": [previous, current.state],
            "outcome": outcome,
            "checks": recorded,
            "reason": reason,
            "bulk": bulk,
        },
    )
    _notify_formal(current, outcome, reason)
    return review


@dataclass(frozen=True)
class BulkReviewResult:
    passed: list[Application]
    refused: dict[int, str]  # application id → why it was left for individual review


def hand_items(items: Iterable[ChecklistItem]) -> list[ChecklistItem]:
    """The checklist items a person ticks (the others are computed from the data)."""
    return [i for i in items if i.key not in AUTOMATIC_KEYS]


def hand_checks_refusal(items: Iterable[ChecklistItem], ticked: Iterable[Any]) -> Refusal | None:
    """Rule 6: an application passes in bulk only when a person ticked every hand-checked
    item for it; nothing is ticked on a person's behalf. See docs/rules.md."""
    done = {str(t) for t in ticked}
    missing = [i.text for i in hand_items(items) if str(i.pk) not in done]
    if not missing:
        return None
    return Refusal(
        _("以下人工核对项未由审查人勾选：%(items)s") % {"items": join_clauses(missing)},
        code="hand_checks_missing",
        field="checks",
    )


def formal_review_bulk(
    *,
    actor: User,
    applications: Iterable[Application],
    outcome: str = FormalOutcome.PASSED,
    hand_checked: Mapping[int, Iterable[Any]] | None = None,
) -> BulkReviewResult:
    """Pass, in one transaction, every given application whose automatic checks all hold
    and whose hand-checked items the reviewer ticked for it (``hand_checked``: application
    id → ticked item ids; rule 6 of docs/rules.md). The others are left untouched and
    reported with the reason, for an individual review. Only ``passed`` is possible in
    bulk: failing or returning needs a reason per application."""
    hand_checked = hand_checked or {}
    require_staff(actor)
    if outcome != FormalOutcome.PASSED:
        raise ServiceError(
            _("批量操作只能判定通过；不通过或退回修改请逐份填写原因。"),
            code="bulk_pass_only",
            field="outcome",
        )
    ids = [a.pk for a in applications]
    passed: list[Application] = []
    refused: dict[int, str] = {}
    with transaction.atomic():
        locked = list(
            Application.objects.select_for_update()
            .select_related("campaign")
            .filter(pk__in=ids)
            .order_by("number")
        )
        campaigns = {a.campaign_id: a.campaign for a in locked}
        for campaign in campaigns.values():
            require_window(campaign)
            require_unpublished(campaign)
        items_of = {pk: checklist_for(c) for pk, c in campaigns.items()}
        computed = automatic_checks(locked)
        for current in locked:
            if current.state != ApplicationState.RECOMMENDED:
                refused[current.pk] = _("当前状态（%(state)s）不能进行形式审查。") % {
                    "state": current.get_state_display()
                }
                continue
            items = items_of[current.campaign_id]
            failing = [
                i.text
                for i in items
                if i.key in AUTOMATIC_KEYS and not computed[current.pk].get(i.key, False)
            ]
            if failing:
                refused[current.pk] = _("未通过自动核对：%(items)s") % {
                    "items": join_clauses(failing)
                }
                continue
            unticked = hand_checks_refusal(items, hand_checked.get(current.pk, ()))
            if unticked is not None:
                refused[current.pk] = unticked.message
                continue
            recorded = {str(i.pk): True for i in items}
            _save_review(current, FormalOutcome.PASSED, recorded, "", actor, bulk=True)
            passed.append(current)
        for missing in set(ids) - {a.pk for a in locked}:
            refused[missing] = _("申报不存在。")
    return BulkReviewResult(passed=passed, refused=refused)
