"""A recommending unit's ranking (docs/architecture.md, "Scores and rankings"): its
entries, the page's rows and the export's lines."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import cast, overload

from django.db import connection
from django.db.models import Count, F, FilteredRelation, Q, QuerySet, Subquery
from django.db.models.functions import Collate

from xinban.applications.models import MATERIAL_FIELDS, Application, ApplicationState
from xinban.campaigns.models import Campaign
from xinban.core.models import AuditEntry
from xinban.organisations.models import RecommendingUnit
from xinban.recommendation.models import (
    Recommendation,
)
from xinban.recommendation.rules import review_minimum_refusal
from xinban.scoring import aggregation
from xinban.scoring.models import ScoreSheet, SheetStatus, Stage
from xinban.scoring.summaries import shown


@dataclass(frozen=True)
class RankingRow:
    application: Application
    score: Decimal | None
    raw_mean: Decimal | None
    judges: int
    flagged: bool
    rank: int | None
    recommendation: Recommendation | None


# Rankings computed in this process, keyed by their fingerprint (a stale entry can never be
# hit: any change makes a new key). In-process rather than in Django's cache, which would
# pickle thousands of entries on every read.
_RANKINGS: OrderedDict[str, list[RankEntry]] = OrderedDict()
_RANKINGS_KEPT = 32

RANKABLE_STATES = (
    ApplicationState.SUBMITTED,
    ApplicationState.RECOMMENDED,
    ApplicationState.NOT_RECOMMENDED,
)


@dataclass(frozen=True)
class RankEntry:
    application_id: int
    score: Decimal | None
    raw_mean: Decimal | None
    judges: int
    flagged: bool
    rank: int | None


def unit_rank_entries(
    *, unit: RecommendingUnit, campaign: Campaign, normalise: bool
) -> Sequence[RankEntry]:
    """The unit's ranking (docs/architecture.md, "Scores and rankings"), in rank order.

    Without normalisation, each application's score is its ``ScoreSummary`` (the engine's
    result, kept in step with the sheets: xinban.scoring.summaries) and the database ranks
    them: a :class:`UnitRanking`, read on demand (a page of it is one query). With the
    per-judge normalisation every sheet of the unit counts for every application, so the
    ranking goes through xinban.scoring.aggregation.evaluate, cached under a fingerprint
    of what it depends on (any new submission, sheet or state change makes a new key)."""
    applications = Application.objects.filter(
        recommending_unit=unit, campaign=campaign, state__in=RANKABLE_STATES
    )
    if not normalise:
        return UnitRanking(applications, unit_id=unit.pk, key=f"ranking:{unit.pk}:{campaign.pk}:0")
    sheets = ScoreSheet.objects.filter(
        stage=Stage.UNIT,
        status=SheetStatus.SUBMITTED,
        application__recommending_unit=unit,
        application__campaign=campaign,
        application__state__in=RANKABLE_STATES,
    )
    latest_change, rows = _fingerprint(applications, unit.pk)
    key = f"ranking:{unit.pk}:{campaign.pk}:{int(normalise)}:{latest_change}:{rows}"
    cached = _RANKINGS.get(key)
    if cached is not None:
        _RANKINGS.move_to_end(key)
        return cached
    numbers = dict(applications.values_list("pk", "number"))
    results = aggregation.evaluate(
        [
            # Submitted sheets carry a total.
            aggregation.JudgeScore(judge_id=j, application_id=a, total=cast(Decimal, t))
            for a, j, t in sheets.values_list("application_id", "judge_id", "total")
        ],
        groups={pk: "unit" for pk in numbers},
        normalise_judges=True,
        tiebreaks={pk: (number,) for pk, number in numbers.items()},
    )
    entries = [
        RankEntry(
            application_id=r.application_id,
            score=aggregation.round_display(r.score),
            raw_mean=aggregation.round_display(r.raw_mean),
            judges=r.judges,
            flagged=r.flagged,
            rank=r.rank,
        )
        for r in results
    ]
    _RANKINGS[key] = entries
    while len(_RANKINGS) > _RANKINGS_KEPT:
        _RANKINGS.popitem(last=False)
    return entries


def _fingerprint(applications: QuerySet[Application], unit_id: int) -> tuple[int, int]:
    """(the newest audit entry, how many applications are ranked). Every state change is
    an audited service call, so the newest audit entry moves whenever a sheet, an
    application or a recommendation changes; the count guards against rows written
    without a service (imports, seeding). Both are index lookups, in one query hung on
    the unit's row (which always exists)."""
    count = applications.order_by().values("campaign_id").annotate(n=Count("pk")).values("n")[:1]
    latest, rows = (
        RecommendingUnit.objects.filter(pk=unit_id)
        .annotate(
            latest=Subquery(AuditEntry.objects.order_by("-id").values("id")[:1]),
            n=Subquery(count),
        )
        .values_list("latest", "n")
        .get()
    )
    return int(latest or 0), int(rows or 0)


class UnitRanking(Sequence[RankEntry]):
    """A ranking without normalisation as the database ranks it: applications by their
    ``ScoreSummary.score`` (the engine's displayed score) highest first, ties sharing a
    competition rank (as aggregation.rank compares displayed scores), in a tie
    by 编号 then id, those without a submitted sheet last and unranked — the order and
    ranks of aggregation.evaluate, bit for bit (tests/scoring/test_summaries.py). Read on
    demand: ``len()`` is one COUNT, a slice (a page) one query of its rows; iterating
    reads them all once."""

    def __init__(
        self,
        applications: QuerySet[Application],
        *,
        unit_id: int | None = None,
        key: str | None = None,
    ) -> None:
        self._applications = applications
        self._length: int | None = None
        self._all: list[RankEntry] | None = None
        # With the unit and a ``key``, the pages read are kept in ``_RANKINGS`` under the
        # ranking's fingerprint (whose count is the length): a page served again costs
        # that one query instead of joining and sorting every ranked application.
        self._unit_id = unit_id
        self._key = key
        self._fingerprint: str | None = None

    def _fingerprinted(self) -> str | None:
        if self._key is None or self._unit_id is None:
            return None
        if self._fingerprint is None:
            latest, rows = _fingerprint(self._applications, self._unit_id)
            self._length = rows
            self._fingerprint = f"{self._key}:{latest}:{rows}"
        return self._fingerprint

    def _read(self, start: int = 0, stop: int | None = None) -> list[RankEntry]:
        fingerprint = self._fingerprinted()
        if fingerprint is None:
            return self._read_rows(start, stop)
        key = f"{fingerprint}:{start}:{stop}"
        cached = _RANKINGS.get(key)
        if cached is None:
            cached = _RANKINGS[key] = self._read_rows(start, stop)
            while len(_RANKINGS) > _RANKINGS_KEPT:
                _RANKINGS.popitem(last=False)
        else:
            _RANKINGS.move_to_end(key)
        return cached

    def _read_rows(self, start: int = 0, stop: int | None = None) -> list[RankEntry]:
        by_score = F("summary__score").desc(nulls_last=True)
        number = Collate("number", "C") if connection.vendor == "postgresql" else F("number")
        rows = (
            self._applications.annotate(
                summary=FilteredRelation(
                    "score_summaries", condition=Q(score_summaries__stage=Stage.UNIT)
                )
            )
            .order_by(by_score, number, "pk")
            .values_list(
                "pk", "summary__score", "summary__raw_mean", "summary__n", "summary__flagged"
            )
        )
        entries: list[RankEntry] = []
        previous, rank = None, 0
        for position, (pk, score, raw_mean, n, flagged) in enumerate(rows[start:stop], start + 1):
            if score is not None and score != previous:
                # Competition ranks: 1 + how many score higher — the position of the first
                # of a tie, unless the tie began before this slice (one COUNT).
                rank = position if entries or start == 0 else 1 + self._higher(score)
                previous = score
            entries.append(
                RankEntry(
                    application_id=pk,
                    score=shown(score),
                    raw_mean=shown(raw_mean),
                    judges=n or 0,
                    flagged=bool(flagged),
                    rank=None if score is None else rank,
                )
            )
        return entries

    def _higher(self, score: int) -> int:
        return self._applications.filter(
            score_summaries__stage=Stage.UNIT, score_summaries__score__gt=score
        ).count()

    def __len__(self) -> int:
        if self._length is None and self._all is None:
            self._fingerprinted()  # (its count is the length)
        if self._length is None:
            self._length = len(self._all) if self._all is not None else self._applications.count()
        return self._length

    @overload
    def __getitem__(self, index: int) -> RankEntry: ...
    @overload
    def __getitem__(self, index: slice) -> list[RankEntry]: ...
    def __getitem__(self, index: int | slice) -> RankEntry | list[RankEntry]:
        if self._all is not None:
            return self._all[index]
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return list(self)[index]
            return self._read(start, stop) if start < stop else []
        position = index + len(self) if index < 0 else index
        found = self._read(position, position + 1) if position >= 0 else []
        if not found:
            raise IndexError(index)
        return found[0]

    def __iter__(self) -> Iterator[RankEntry]:
        if self._all is None:
            self._all = self._read()
        return iter(self._all)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


def ranking_rows(entries: Sequence[RankEntry]) -> list[RankingRow]:
    """Rows for some ranking entries (a page of them), with their applications loaded."""
    applications = (
        Application.objects.select_related("organisation", "team_type", "recommendation")
        # The long texts are not shown in a ranking; everything else may be (pages, API).
        .defer(*MATERIAL_FIELDS.values(), "organisation_snapshot", "return_reason")
        .in_bulk([e.application_id for e in entries])
    )
    return [
        RankingRow(
            application=applications[e.application_id],
            score=e.score,
            raw_mean=e.raw_mean,
            judges=e.judges,
            flagged=e.flagged,
            rank=e.rank,
            recommendation=getattr(applications[e.application_id], "recommendation", None),
        )
        for e in entries
        if e.application_id in applications
    ]


@dataclass(frozen=True)
class RankingLine:
    """What the ranking page shows of one entry: one values() row, no model instances
    (building 50 Application objects cost more than the rest of the page)."""

    pk: int
    organisation_name: str
    team_name: str
    state: str
    recommended_position: int | None
    score: Decimal | None
    judges: int
    flagged: bool
    rank: int | None
    # Why recommending it is refused for want of the unit's own review (rule 2), or "".
    review_refusal: str = ""


def ranking_lines(entries: Sequence[RankEntry], *, minimum: int = 0) -> list[RankingLine]:
    """The ranking page's rows for some entries (a page of them), in one query;
    ``minimum`` is the year's minimum of submitted judge sheets (rule 2)."""
    values = {
        row["pk"]: row
        for row in Application.objects.filter(pk__in=[e.application_id for e in entries]).values(
            "pk", "organisation__name", "team_name", "state", "recommendation__position"
        )
    }
    return [
        RankingLine(
            pk=e.application_id,
            organisation_name=values[e.application_id]["organisation__name"],
            team_name=values[e.application_id]["team_name"],
            state=values[e.application_id]["state"],
            recommended_position=values[e.application_id]["recommendation__position"],
            score=e.score,
            judges=e.judges,
            flagged=e.flagged,
            rank=e.rank,
            review_refusal=getattr(
                review_minimum_refusal(submitted_sheets=e.judges, minimum=minimum),
                "message",
                "",
            ),
        )
        for e in entries
        if e.application_id in values
    ]


@dataclass(frozen=True)
class RankingExportLine:
    """One ranking entry as the Excel export writes it (no judge is named)."""

    rank: int | None
    number: str
    organisation_name: str
    team_name: str
    score: Decimal | None
    judges: int
    flagged: bool


def ranking_export_lines(
    entries: Sequence[RankEntry], *, chunk_size: int = 1000
) -> Iterator[RankingExportLine]:
    """The ranking's entries in rank order with what identifies them, read ``chunk_size``
    applications at a time (one query per chunk, nothing kept between chunks)."""
    for start in range(0, len(entries), chunk_size):
        chunk = entries[start : start + chunk_size]
        values = {
            pk: (number, organisation, team)
            for pk, number, organisation, team in Application.objects.filter(
                pk__in=[e.application_id for e in chunk]
            ).values_list("pk", "number", "organisation__name", "team_name")
        }
        for e in chunk:
            if e.application_id in values:
                number, organisation, team = values[e.application_id]
                yield RankingExportLine(
                    rank=e.rank,
                    number=number,
                    organisation_name=organisation,
                    team_name=team,
                    score=e.score,
                    judges=e.judges,
                    flagged=e.flagged,
                )


def unit_ranking(
    *, unit: RecommendingUnit, campaign: Campaign, normalise: bool
) -> list[RankingRow]:
    """Every rankable application of the unit with its score and rank."""
    return ranking_rows(unit_rank_entries(unit=unit, campaign=campaign, normalise=normalise))
