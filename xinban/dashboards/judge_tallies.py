"""The judges' summary rows (:class:`~xinban.dashboards.models.JudgeTally`): how many
sheets each judge holds per campaign, stage and (unit stage) recommending unit, and how
many are submitted or drafts — so that the dashboards' judges' progress reads a row per
judge instead of grouping every sheet of the year (docs/benchmarks.md, "Dashboards: the
judges' rows").

A group — one judge in one campaign — is recounted from scratch in the transaction that
changes what it counts: a sheet created, deleted or saved with another status (its
``loaded_status``, read when it was loaded), sheets written in bulk
(``ScoreSheetQuerySet`` sends ``sheets_changed_in_bulk`` with the (application, judge)
pairs it touched) and an application moved to another recommending unit. The services
never give a sheet another judge or application (they make a new sheet); a change by hand
is put right by ``manage.py dashboard_tallies``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Q, When
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from xinban.applications.models import Application
from xinban.core.loading import is_loading_rows
from xinban.dashboards.models import JudgeTally
from xinban.scoring.models import ScoreSheet, SheetStatus, Stage, sheets_changed_in_bulk

Group = tuple[int, int]  # (campaign_id, judge_id)
# (campaign, judge, stage, unit) → (total, done, drafts)
Counts = dict[tuple[int, int, str, int | None], tuple[int, int, int]]
_CHUNK = 200  # groups per query (an OR of pairs)


def _groups_q(groups: Iterable[Group], campaign: str = "application__campaign_id") -> Q:
    """The rows of ``groups``: sheets (their application's campaign) or, with
    ``campaign="campaign_id"``, the stored tallies."""
    q = Q(pk__in=[])
    for campaign_id, judge_id in groups:
        q |= Q(**{campaign: campaign_id}, judge_id=judge_id)
    return q


def count(groups: Iterable[Group] | None = None) -> Counts:
    """The judges' tallies of ``groups`` (``None``: every group) counted from the sheets."""
    chunks: list[Q | None]
    if groups is None:
        chunks = [None]
    else:
        ordered = sorted(set(groups))
        chunks = [_groups_q(ordered[i : i + _CHUNK]) for i in range(0, len(ordered), _CHUNK)]
    counted: Counts = {}
    for q in chunks:
        sheets = ScoreSheet.objects.all() if q is None else ScoreSheet.objects.filter(q)
        for campaign_id, judge_id, stage, unit_id, total, done, drafts in (
            sheets.annotate(
                unit=Case(
                    When(stage=Stage.UNIT, then=F("application__recommending_unit_id")),
                    default=None,
                    output_field=IntegerField(),
                )
            )
            .values_list("application__campaign_id", "judge_id", "stage", "unit")
            .annotate(
                total=Count("id"),
                done=Count("id", filter=Q(status=SheetStatus.SUBMITTED)),
                drafts=Count("id", filter=Q(status=SheetStatus.DRAFT)),
            )
            .order_by()
        ):
            counted[(campaign_id, judge_id, stage, unit_id)] = (total, done, drafts)
    return counted


def stored(groups: Iterable[Group] | None = None) -> Counts:
    """The judges' tallies as stored (``None``: every row)."""
    rows = JudgeTally.objects.all()
    if groups is not None:
        rows = rows.filter(_groups_q(set(groups), "campaign_id"))
    return {
        (campaign_id, judge_id, stage, unit_id): (total, done, drafts)
        for campaign_id, judge_id, stage, unit_id, total, done, drafts in rows.values_list(
            "campaign_id", "judge_id", "stage", "unit_id", "total", "done", "drafts"
        )
    }


def _write(counts: Counts) -> None:
    JudgeTally.objects.bulk_create(
        [
            JudgeTally(
                campaign_id=campaign_id,
                judge_id=judge_id,
                stage=stage,
                unit_id=unit_id,
                total=total,
                done=done,
                drafts=drafts,
            )
            for (campaign_id, judge_id, stage, unit_id), (total, done, drafts) in counts.items()
        ],
        batch_size=500,
    )


def refresh(groups: Iterable[Group]) -> None:
    """Recount ``groups`` (in the caller's transaction)."""
    groups = sorted({g for g in groups if None not in g})
    if not groups:
        return
    with transaction.atomic():
        for i in range(0, len(groups), _CHUNK):
            chunk = groups[i : i + _CHUNK]
            JudgeTally.objects.filter(_groups_q(chunk, "campaign_id")).delete()
        _write(count(groups))


def rebuild() -> int:
    """Every judge's tally recounted from scratch; returns how many rows were written."""
    with transaction.atomic():
        JudgeTally.objects.all().delete()
        counts = count()
        _write(counts)
    return len(counts)


# --------------------------------------------------------------------------- receivers


def _groups_of(pairs: Iterable[tuple[int, int]]) -> set[Group]:
    """(campaign, judge) of (application, judge) pairs: one query."""
    pairs = set(pairs)
    if not pairs:
        return set()
    campaigns = dict(
        Application.objects.filter(pk__in={a for a, _j in pairs}).values_list("pk", "campaign_id")
    )
    return {(campaigns[a], j) for a, j in pairs if a in campaigns}


def _sheet_before(sender: Any, instance: ScoreSheet, raw: bool = False, **kwargs: Any) -> None:
    # Read before scoring.summaries' receiver resets ``loaded_status`` after the save.
    instance._judge_tally_changed = (  # type: ignore[attr-defined]
        instance._state.adding or instance.loaded_status != instance.status
    )


def _sheet_saved(sender: Any, instance: ScoreSheet, raw: bool = False, **kwargs: Any) -> None:
    if is_loading_rows(raw) or not getattr(instance, "_judge_tally_changed", True):
        return
    refresh(_groups_of([(instance.application_id, instance.judge_id)]))


def _sheet_deleting(sender: Any, instance: ScoreSheet, **kwargs: Any) -> None:
    # The campaign, while the application is still there (a cascade deletes it next).
    instance._judge_tally_groups = _groups_of(  # type: ignore[attr-defined]
        [(instance.application_id, instance.judge_id)]
    )


def _sheet_deleted(sender: Any, instance: ScoreSheet, **kwargs: Any) -> None:
    if is_loading_rows():
        return
    refresh(getattr(instance, "_judge_tally_groups", set()))


def _sheets_in_bulk(sender: Any, judges: set[tuple[int, int]] | None = None, **kwargs: Any) -> None:
    if judges:
        refresh(_groups_of(judges))


def application_moved(application_id: int) -> None:
    """An application's recommending unit changed: its unit-stage sheets count under the
    new unit (called by ``xinban.dashboards.tallies`` on the application's save)."""
    refresh(
        _groups_of(
            ScoreSheet.objects.filter(application_id=application_id).values_list(
                "application_id", "judge_id"
            )
        )
    )


def connect() -> None:
    """Called once by the app's ``ready()``."""
    uid = "xinban.dashboards.judge_tallies"
    pre_save.connect(_sheet_before, sender=ScoreSheet, dispatch_uid=uid + ".s0")
    post_save.connect(_sheet_saved, sender=ScoreSheet, dispatch_uid=uid + ".s1")
    pre_delete.connect(_sheet_deleting, sender=ScoreSheet, dispatch_uid=uid + ".d0")
    post_delete.connect(_sheet_deleted, sender=ScoreSheet, dispatch_uid=uid + ".d1")
    sheets_changed_in_bulk.connect(_sheets_in_bulk, sender=ScoreSheet, dispatch_uid=uid + ".b")
