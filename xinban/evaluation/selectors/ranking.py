"""The association's ranking of the applications under expert review, per domain
(docs/architecture.md, "Scores and rankings"): its entries, the page's rows."""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from typing import Any, NamedTuple

from django.db import connections
from django.db.models import (
    CharField,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext as _

from xinban.applications.expressions import SnapshotDomain
from xinban.applications.models import (
    MATERIAL_FIELDS,
    Application,
)
from xinban.campaigns.models import Campaign, Domain
from xinban.core.models import AuditEntry
from xinban.evaluation.models import (
    Decision,
    EvaluationRound,
)

# Applications past the formal review, in the order of the flow.
from xinban.evaluation.selectors.formal_review import REVIEWED_STATES, application_domains
from xinban.organisations.models import (
    Registration,
)
from xinban.scoring import aggregation
from xinban.scoring.models import (
    Rubric,
    ScoreSheet,
    ScoreSummary,
    SheetStatus,
    Stage,
)
from xinban.scoring.selectors import TOTAL_SCALE, total_summaries
from xinban.scoring.summaries import shown

# --------------------------------------------------------------------------- ranking


@dataclass(frozen=True)
class ExpertRankingRow:
    application: Application
    domain: str
    score: Decimal | None  # for display (2 places)
    raw_mean: Decimal | None
    judges: int
    flagged: bool  # the experts disagree widely
    rank: int | None  # within the domain
    decision: Decision | None


@dataclass(frozen=True)
class DomainRanking:
    domain: str
    rows: list[ExpertRankingRow] = field(default_factory=list)


def expert_normalise_default(campaign: Campaign) -> bool:
    """The expert rubric's normalisation switch (without creating the rubric)."""
    value = (
        Rubric.objects.filter(campaign=campaign, stage=Stage.EXPERT)
        .values_list("normalise_judges", flat=True)
        .first()
    )
    return bool(value)


class ExpertRankEntry(NamedTuple):
    """One application's place in its domain (no model instances: cheap to keep; a
    named tuple: a cold ranking makes one per application under review, and a tuple is
    made in half the time of a frozen dataclass — docs/benchmarks.md, "Rankings")."""

    application_id: int
    domain: str
    score: Decimal | None
    raw_mean: Decimal | None
    judges: int
    flagged: bool
    rank: int | None


# Rankings computed in this process, keyed by a fingerprint of what they depend on (as
# the units' rankings in xinban.recommendation.selectors): a stale entry is never hit.
_EXPERT_RANKINGS: OrderedDict[str, list[ExpertRankEntry]] = OrderedDict()
_EXPERT_RANKINGS_KEPT = 16


def _ranking_fingerprint(campaign: Campaign, number: int | None, normalise: bool) -> str:
    """Every state change is an audited service call, so the newest audit entry moves
    whenever a sheet, an application or a decision changes; the newest application and
    the newest score summary guard against rows written without a service (imports,
    seeding): a new application has a higher id, and every write of a submitted sheet
    rewrites its application's summaries with new ids (xinban.scoring.summaries.refresh).
    Three index lookups in one query, whatever the number of applications and sheets —
    counting every year's sheets and the year's applications grew with them
    (docs/benchmarks.md, "Rankings")."""
    newest = {
        "latest": AuditEntry.objects.order_by("-id").values("id")[:1],
        "application": Application.objects.order_by("-pk").values("pk")[:1],
        "summary": ScoreSummary.objects.order_by("-pk").values("pk")[:1],
    }
    latest, application, summary = (
        Campaign.objects.filter(pk=campaign.pk)
        .annotate(**{name: Subquery(query) for name, query in newest.items()})
        .values_list(*newest)
        .get()
    )
    return f"{campaign.pk}:{number}:{int(normalise)}:{latest}:{application}:{summary}"


def expert_rank_entries(
    *, campaign: Campaign, round: int | None = None, normalise: bool
) -> list[ExpertRankEntry]:
    """The experts' scores aggregated and ranked within each domain (docs/architecture.md, "Scores
    and rankings") through
    the one engine, ``xinban.scoring.aggregation.evaluate``: trimmed mean from five
    experts, the per-judge normalisation when ``normalise``, disagreement flags. Only
    submitted sheets count; with ``round`` only that round's, otherwise each expert's
    latest sheet per application. Cached under a fingerprint (see above)."""
    key = _ranking_fingerprint(campaign, round, normalise)
    cached = _EXPERT_RANKINGS.get(key)
    if cached is not None:
        _EXPERT_RANKINGS.move_to_end(key)
        return cached
    sheets_qs = ScoreSheet.objects.filter(
        stage=Stage.EXPERT,
        status=SheetStatus.SUBMITTED,
        application__campaign=campaign,
        application__state__in=REVIEWED_STATES,
    )
    if round is not None:
        sheets_qs = sheets_qs.filter(round=round)
    if not normalise and round is None:
        # Each application's ScoreSummary: the engine's result over each expert's latest
        # submitted sheet, kept in step with the sheets (xinban.scoring.summaries).
        return _keep_ranking(key, _summary_entries(campaign))
    if not normalise:
        # One round: per application sums in the database, one row per application
        # (exact: integer thousandths; docs/benchmarks.md).
        domains, numbers = _ranking_domains(campaign)
        summaries = total_summaries(sheets_qs)
        results = aggregation.evaluate_summaries(
            {pk: s for pk, s in summaries.items() if pk in domains},  # a state just changed
            scale=TOTAL_SCALE,
            groups=domains,
            tiebreaks={pk: (number,) for pk, number in numbers.items()},
        )
        return _keep_ranking(key, _expert_entries(results))
    applications = list(
        Application.objects.filter(campaign=campaign, state__in=REVIEWED_STATES).only(
            "pk", "number", "organisation_snapshot", "organisation_id", "campaign_id"
        )
    )
    latest: dict[tuple[int, int], tuple[int, Decimal]] = {}
    for app_id, judge_id, round_no, total in sheets_qs.values_list(
        "application_id", "judge_id", "round", "total"
    ):
        pair = (judge_id, app_id)
        if total is not None and (pair not in latest or latest[pair][0] < round_no):
            latest[pair] = (round_no, total)
    sheets = [
        aggregation.JudgeScore(judge_id=j, application_id=a, total=t)
        for (j, a), (_r, t) in sorted(latest.items())
    ]
    domain_of = application_domains(applications)
    results = aggregation.evaluate(
        sheets,
        groups={a.pk: domain_of[a.pk][0] for a in applications},
        normalise_judges=normalise,
        tiebreaks={a.pk: (a.number,) for a in applications},
    )
    return _keep_ranking(key, _expert_entries(results))


def _keep_ranking(key: str, entries: list[ExpertRankEntry]) -> list[ExpertRankEntry]:
    _EXPERT_RANKINGS[key] = entries
    while len(_EXPERT_RANKINGS) > _EXPERT_RANKINGS_KEPT:
        _EXPERT_RANKINGS.popitem(last=False)
    return entries


def _domain() -> Coalesce:
    """An application's domain as application_domains decides it: frozen in the
    snapshot, else its registration's (NULL when neither). The registration is looked up
    only where the snapshot has none (COALESCE stops at its first non-NULL argument), and
    the snapshot's domain is the expression of the index application_ranking_domain_idx
    (xinban.applications.models), so that SQLite reads it from that index rather than
    every application's row and JSON (docs/benchmarks.md, "Rankings")."""
    registration = Registration.objects.filter(
        organisation_id=OuterRef("organisation_id"), campaign_id=OuterRef("campaign_id")
    ).values("domain__name")[:1]
    return Coalesce(
        NullIf(SnapshotDomain(), Value("")),
        Subquery(registration),
        output_field=CharField(),
    )


def _ranking_domains(campaign: Campaign) -> tuple[dict[int, str], dict[int, str]]:
    """Per application under review, its domain (:func:`_domain`) and its number — one
    query, the domain read inside the database rather than every snapshot parsed."""
    rows = (
        Application.objects.filter(campaign=campaign, state__in=REVIEWED_STATES)
        .order_by()
        .annotate(domain=_domain())
        .values_list("pk", "number", "domain")
    )
    domains: dict[int, str] = {}
    numbers: dict[int, str] = {}
    missing = _("未填写领域")
    for pk, number, domain in rows:
        domains[pk] = domain or missing
        numbers[pk] = number
    return domains, numbers


def _summary_entries(campaign: Campaign) -> list[ExpertRankEntry]:
    """The ranking without normalisation over every round, from the applications'
    ScoreSummary rows (one query with their domains and numbers): ranked per domain as
    aggregation.rank does — displayed scores highest first, ties sharing a competition
    rank and ordered by 编号 then id, the unscored last without a rank — and the domains in
    the taxonomy's order, as :func:`_expert_entries` (tests/scoring/test_summaries.py)."""
    rows = (
        Application.objects.filter(campaign=campaign, state__in=REVIEWED_STATES)
        .order_by()
        .annotate(
            summary=FilteredRelation(
                "score_summaries", condition=Q(score_summaries__stage=Stage.EXPERT)
            ),
            domain=_domain(),
        )
        .values_list(
            "pk",
            "number",
            "domain",
            "summary__score",
            "summary__raw_mean",
            "summary__n",
            "summary__flagged",
        )
    )
    # Read as the database returns them: integers, text and a flag (0/1 on SQLite) need
    # none of Django's per-row converters (thousands of rows; docs/benchmarks.md).
    sql, params = rows.query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    missing = _("未填写领域")
    scored: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    unscored: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in fetched:
        # No summary row (its score is never NULL): not scored yet.
        (unscored if row[3] is None else scored)[row[2] or missing].append(row)
    order = {name: position for name, position in Domain.objects.values_list("name", "position")}
    entries: list[ExpertRankEntry] = []
    append = entries.append
    for domain in sorted(scored.keys() | unscored.keys(), key=lambda d: (order.get(d, 10_000), d)):
        # aggregation.rank's order: the highest score first, then 编号, id (two stable
        # sorts); ties share their competition rank.
        members = scored.get(domain, [])
        members.sort(key=itemgetter(1, 0))
        members.sort(key=itemgetter(3), reverse=True)
        previous, current = None, 0
        for position, (pk, _number, _in, score, raw_mean, n, flagged) in enumerate(
            members, start=1
        ):
            if score != previous:
                previous, current = score, position
            append(
                ExpertRankEntry(
                    pk, domain, shown(score), shown(raw_mean), n, bool(flagged), current
                )
            )
        # Then the unscored by 编号, id, without a rank.
        waiting = unscored.get(domain, [])
        waiting.sort(key=itemgetter(1, 0))
        for row in waiting:
            append(ExpertRankEntry(row[0], domain, None, None, 0, False, None))
    return entries


def _expert_entries(results: Sequence[aggregation.RankedResult]) -> list[ExpertRankEntry]:
    order = {name: position for name, position in Domain.objects.values_list("name", "position")}
    return sorted(
        (
            ExpertRankEntry(
                application_id=r.application_id,
                domain=r.group,
                score=aggregation.round_display(r.score),
                raw_mean=aggregation.round_display(r.raw_mean),
                judges=r.judges,
                flagged=r.flagged,
                rank=r.rank,
            )
            for r in results
        ),
        # Domains in the taxonomy's order; within one, the engine's rank order.
        key=lambda e: (order.get(e.domain, 10_000), e.domain),
    )


def expert_ranking(
    *,
    campaign: Campaign,
    round: EvaluationRound | int | None = None,
    normalise: bool | None = None,
) -> list[DomainRanking]:
    """:func:`expert_rank_entries` grouped by domain with the applications and their
    decisions loaded (normalisation default: the expert rubric's switch). Staff only:
    the rows carry scores."""
    number = round.number if isinstance(round, EvaluationRound) else round
    if normalise is None:
        normalise = expert_normalise_default(campaign)
    entries = expert_rank_entries(campaign=campaign, round=number, normalise=normalise)
    applications = (
        Application.objects.select_related(
            "organisation", "recommending_unit", "team_type", "evaluation_decision"
        )
        .defer(*MATERIAL_FIELDS.values())
        .in_bulk([e.application_id for e in entries])
    )
    grouped: dict[str, list[ExpertRankingRow]] = defaultdict(list)
    for e in entries:
        application = applications[e.application_id]
        grouped[e.domain].append(
            ExpertRankingRow(
                application=application,
                domain=e.domain,
                score=e.score,
                raw_mean=e.raw_mean,
                judges=e.judges,
                flagged=e.flagged,
                rank=e.rank,
                decision=getattr(application, "evaluation_decision", None),
            )
        )
    return [DomainRanking(domain=name, rows=rows) for name, rows in grouped.items()]


@dataclass(frozen=True)
class RankingLine:
    """What the ranking page shows of one entry (one values() row)."""

    pk: int
    number: str
    team_name: str
    organisation_name: str
    decision: str | None
    national: bool
    entry: ExpertRankEntry


def ranking_lines(entries: Sequence[ExpertRankEntry]) -> list[RankingLine]:
    """The ranking page's rows for a page of entries, in one query."""
    values = {
        row["pk"]: row
        for row in Application.objects.filter(pk__in=[e.application_id for e in entries]).values(
            "pk",
            "number",
            "team_name",
            "organisation__name",
            "evaluation_decision__level",
            "evaluation_decision__national",
        )
    }
    return [
        RankingLine(
            pk=e.application_id,
            number=values[e.application_id]["number"],
            team_name=values[e.application_id]["team_name"],
            organisation_name=values[e.application_id]["organisation__name"],
            decision=values[e.application_id]["evaluation_decision__level"],
            national=bool(values[e.application_id]["evaluation_decision__national"]),
            entry=e,
        )
        for e in entries
        if e.application_id in values
    ]
