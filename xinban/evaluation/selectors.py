"""Reads for the association's evaluation: the formal-review queue with its automatic
checks, conflicts and exclusions, the panel's loads, the ranking per domain, and the lists
each persona sees. List reads join what they show, so pages run a constant number of
queries whatever the number of applications.

Who sees what (see rules.py): staff everything; an expert only the applications assigned
to them, never the recommending unit's scores nor other experts; a guiding unit only the
typical-experience candidates and typical experiences; an applicant their own outcomes,
never expert names or scores."""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.http import Http404
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import (
    COMMITMENT_FIELDS,
    INDICATOR_FIELDS,
    MATERIAL_FIELDS,
    Application,
    ApplicationState,
    Attachment,
)
from xinban.campaigns.models import Campaign, Domain, TeamNameEnding
from xinban.core.roles import roles_of
from xinban.core.validators import team_name_problem
from xinban.evaluation.models import (
    ChecklistItem,
    Decision,
    EvaluationRound,
    ExpertPanelMember,
    FormalReview,
    GuidingReview,
    GuidingVerdict,
    PresentationVideo,
)
from xinban.organisations.models import (
    Organisation,
    OrganisationMembership,
    Registration,
    UnitMembership,
)
from xinban.scoring import aggregation
from xinban.scoring.models import (
    ConflictDeclaration,
    Judge,
    JudgeEmployment,
    Rubric,
    ScoreSheet,
    SheetStatus,
    Stage,
)
from xinban.scoring.selectors import TOTAL_SCALE, total_summaries

# Applications past the formal review, in the order of the flow.
REVIEWED_STATES = (
    ApplicationState.FORMAL_PASSED,
    ApplicationState.EXPERT_REVIEW,
    ApplicationState.SELECTED,
    ApplicationState.NOT_SELECTED,
    ApplicationState.TYPICAL_CANDIDATE,
    ApplicationState.TYPICAL,
)
# What guiding units see.
CANDIDATE_STATES = (ApplicationState.TYPICAL_CANDIDATE, ApplicationState.TYPICAL)


# --------------------------------------------------------------------------- formal review

# Keys of the default checklist items computed from the application's data.
AUTOMATIC_KEYS = (
    "materials",
    "team_name",
    "stamped_form",
    "commitments",
    "basic_unit",
    "no_accidents",
    "indicators",
)


def automatic_checks(applications: Sequence[Application]) -> dict[int, dict[str, bool]]:
    """Per application, the automatic checklist keys → whether the data satisfies them
    (the rules of ``applications.services.submission_problems``, in two queries for any
    number of applications)."""
    ids = [a.pk for a in applications]
    areas: dict[int, set[int]] = defaultdict(set)
    for app_id, area in (
        Attachment.objects.filter(application_id__in=ids).values_list("application_id", "area")
        if ids
        else []
    ):
        areas[app_id].add(area)
    endings = list(TeamNameEnding.objects.filter(active=True).values_list("name", flat=True))
    own_names: dict[int, tuple[str, str]] = (
        {
            pk: (name, short)
            for pk, name, short in Organisation.objects.filter(
                pk__in={a.organisation_id for a in applications}
            ).values_list("pk", "name", "short_name")
        }
        if ids
        else {}
    )
    result: dict[int, dict[str, bool]] = {}
    for a in applications:
        result[a.pk] = {
            "materials": all(
                getattr(a, name).strip() or area in areas[a.pk]
                for area, name in MATERIAL_FIELDS.items()
            ),
            "team_name": team_name_problem(a.team_name, endings, own_names[a.organisation_id])
            is None,
            "stamped_form": bool(a.stamped_form),
            "commitments": all(getattr(a, name) for name in COMMITMENT_FIELDS),
            "basic_unit": bool(a.eligibility_basic_unit),
            "no_accidents": bool(a.eligibility_no_accidents) and a.accidents_per_year == 0,
            "indicators": all(getattr(a, name) is not None for name in INDICATOR_FIELDS),
        }
    return result


@dataclass(frozen=True)
class CheckRow:
    item: ChecklistItem
    automatic: bool
    value: bool | None  # computed for automatic items; None for those ticked by hand


@dataclass(frozen=True)
class FormalQueueRow:
    application: Application
    checks: list[CheckRow]
    review: FormalReview | None

    @property
    def automatic_ok(self) -> bool:
        """Every automatic check holds: the application may be passed in bulk."""
        return all(c.value for c in self.checks if c.automatic)

    @property
    def failing(self) -> list[str]:
        return [c.item.label for c in self.checks if c.automatic and not c.value]


def check_rows(items: Sequence[ChecklistItem], computed: dict[str, bool] | None) -> list[CheckRow]:
    computed = computed or {}
    return [
        CheckRow(
            item=item,
            automatic=item.key in computed,
            value=computed.get(item.key) if item.key in computed else None,
        )
        for item in items
    ]


def formal_review_queue(*, campaign: Campaign, state: str = "") -> list[FormalQueueRow]:
    """Recommended applications awaiting formal review (or, with ``state``, those in that
    state), with the year's checklist and the automatic checks computed."""
    # Cycle: evaluation.services imports this module (docs/architecture.md,
    # "Function-level imports").
    from xinban.evaluation.services import checklist_for

    items = checklist_for(campaign)
    qs = (
        Application.objects.filter(campaign=campaign, state=state or ApplicationState.RECOMMENDED)
        .select_related("organisation", "recommending_unit", "team_type", "formal_review")
        .order_by("number")
    )
    applications = list(qs)
    computed = automatic_checks(applications)
    return [
        FormalQueueRow(
            application=a,
            checks=check_rows(items, computed[a.pk]),
            review=getattr(a, "formal_review", None),
        )
        for a in applications
    ]


# --------------------------------------------------------------------------- domains


def application_domains(
    applications: Sequence[Application],
) -> dict[int, tuple[str, frozenset[str]]]:
    """Per application, its domain (重点领域) and industries by name: frozen at submission in
    ``organisation_snapshot``, else from the organisation's registration (附件2) of the
    year. At most two queries."""
    result: dict[int, tuple[str, frozenset[str]]] = {}
    missing: list[Application] = []
    for a in applications:
        snapshot = a.organisation_snapshot or {}
        if snapshot.get("domain") and "industries" in snapshot:
            result[a.pk] = (snapshot["domain"], frozenset(snapshot.get("industries") or ()))
        else:
            missing.append(a)
    if missing:
        orgs = {a.organisation_id for a in missing}
        campaigns = {a.campaign_id for a in missing}
        domain_of = {
            (org, camp): name
            for org, camp, name in Registration.objects.filter(
                organisation_id__in=orgs, campaign_id__in=campaigns
            ).values_list("organisation_id", "campaign_id", "domain__name")
        }
        industries_of: dict[tuple[int, int], set[str]] = defaultdict(set)
        for org, camp, name in Registration.industries.through.objects.filter(
            registration__organisation_id__in=orgs, registration__campaign_id__in=campaigns
        ).values_list(
            "registration__organisation_id", "registration__campaign_id", "industry__name"
        ):
            industries_of[(org, camp)].add(name)
        for a in missing:
            key = (a.organisation_id, a.campaign_id)
            snapshot = a.organisation_snapshot or {}
            domain = snapshot.get("domain") or domain_of.get(key) or _("未填写领域")
            result[a.pk] = (domain, frozenset(industries_of.get(key, ())))
    return result


# --------------------------------------------------------------------------- conflicts


def expert_conflicts(
    campaign: Campaign, applications: Iterable[Application], experts: Iterable[Judge]
) -> dict[tuple[int, int], str]:
    """Every pair ``(judge id, application id)`` an expert must not review, with the reason
    — the single source of the rule (docs/architecture.md, "Expert assignment"), used by automatic
    and manual
    assignment and by the pages that explain an exclusion. A pair is excluded when the
    expert

    1. works for the applicant organisation (``Judge.employer_organisation``);
    2. is a member (platform user) of the applicant organisation;
    3. worked for it (``JudgeEmployment``, by linked organisation or exact name);
    4. declared a conflict with it (``ConflictDeclaration``);
    5. sits on the panel of, or is a member of, the application's recommending unit.

    The first reason found, in this order, is given. Six queries whatever the sizes;
    ``campaign`` is the year the applications belong to."""
    apps = [a for a in applications if a.campaign_id == campaign.pk]
    judges = list(experts)
    if not apps or not judges:
        return {}
    judge_ids = [j.pk for j in judges]
    user_to_judge = {j.user_id: j.pk for j in judges if j.user_id}
    by_org: dict[int, list[int]] = defaultdict(list)
    by_unit: dict[int, list[int]] = defaultdict(list)
    for a in apps:
        by_org[a.organisation_id].append(a.pk)
        by_unit[a.recommending_unit_id].append(a.pk)
    org_names = dict(Organisation.objects.filter(pk__in=by_org).values_list("name", "pk"))

    conflicts: dict[tuple[int, int], str] = {}

    def exclude_org(judge_id: int, org_id: int, reason: str) -> None:
        for app_id in by_org.get(org_id, ()):
            conflicts.setdefault((judge_id, app_id), reason)

    def exclude_unit(judge_id: int, unit_id: int, reason: str) -> None:
        for app_id in by_unit.get(unit_id, ()):
            conflicts.setdefault((judge_id, app_id), reason)

    for j in judges:
        if j.employer_organisation_id in by_org:
            exclude_org(j.pk, j.employer_organisation_id, _("专家的工作单位是申报单位"))
    for user_id, org_id in OrganisationMembership.objects.filter(
        user_id__in=user_to_judge, organisation_id__in=by_org
    ).values_list("user_id", "organisation_id"):
        exclude_org(user_to_judge[user_id], org_id, _("专家是申报单位的成员"))
    for judge_id, org_id, name, start, end in JudgeEmployment.objects.filter(
        Q(organisation_id__in=by_org)
        | Q(organisation__isnull=True, organisation_name__in=org_names),
        judge_id__in=judge_ids,
    ).values_list("judge_id", "organisation_id", "organisation_name", "start_year", "end_year"):
        target = org_id if org_id is not None else org_names.get(name.strip())
        if target is not None:
            period = f"{start}–{end}" if end else _("%(start)s 年至今") % {"start": start}
            exclude_org(
                judge_id, target, _("专家曾在申报单位工作（%(period)s）") % {"period": period}
            )
    for judge_id, org_id, reason in ConflictDeclaration.objects.filter(
        judge_id__in=judge_ids, organisation_id__in=by_org
    ).values_list("judge_id", "organisation_id", "reason"):
        exclude_org(judge_id, org_id, _("专家已声明回避：%(reason)s") % {"reason": reason})
    from xinban.recommendation.models import PanelMember

    for judge_id, unit_id, unit_name in PanelMember.objects.filter(
        judge_id__in=judge_ids, unit_id__in=by_unit
    ).values_list("judge_id", "unit_id", "unit__name"):
        exclude_unit(judge_id, unit_id, _("专家是推荐单位“%(unit)s”的评委") % {"unit": unit_name})
    for user_id, unit_id, unit_name in UnitMembership.objects.filter(
        user_id__in=user_to_judge, unit_id__in=by_unit
    ).values_list("user_id", "unit_id", "unit__name"):
        exclude_unit(
            user_to_judge[user_id],
            unit_id,
            _("专家是推荐单位“%(unit)s”的成员") % {"unit": unit_name},
        )
    return conflicts


def panel_judges(campaign: Campaign) -> list[ExpertPanelMember]:
    return list(
        ExpertPanelMember.objects.filter(campaign=campaign)
        .select_related("judge")
        .prefetch_related("judge__domains", "judge__industries")
        .order_by("judge__name", "pk")
    )


@dataclass(frozen=True)
class Exclusion:
    member: ExpertPanelMember
    reason: str | None  # None: the expert may review the application


def exclusions_for(*, application: Application) -> list[Exclusion]:
    """Every panel expert of the year with why they may not review this application (or
    ``None``): what the manual-assignment page shows beside each name."""
    from xinban.evaluation.assignment import explain_exclusion

    members = panel_judges(application.campaign)
    conflicts = expert_conflicts(application.campaign, [application], [m.judge for m in members])
    return [
        Exclusion(member=m, reason=explain_exclusion(m.judge_id, application.pk, conflicts))
        for m in members
    ]


# --------------------------------------------------------------------------- panel and rounds


def rounds_of(campaign: Campaign) -> list[EvaluationRound]:
    return list(EvaluationRound.objects.filter(campaign=campaign).order_by("number"))


def round_latest(campaign: Campaign) -> EvaluationRound | None:
    return EvaluationRound.objects.filter(campaign=campaign).order_by("-number").first()


@dataclass(frozen=True)
class PanelRow:
    member: ExpertPanelMember
    assigned: int
    submitted: int

    @property
    def judge(self) -> Judge:
        return self.member.judge


def expert_panel(*, campaign: Campaign, round: EvaluationRound | None = None) -> list[PanelRow]:
    """The year's panel with each expert's load (in ``round``, or all rounds)."""
    members = panel_judges(campaign)
    sheets = ScoreSheet.objects.filter(stage=Stage.EXPERT, application__campaign=campaign)
    if round is not None:
        sheets = sheets.filter(round=round.number)
    counts: dict[int, tuple[int, int]] = {
        row["judge_id"]: (row["assigned"], row["submitted"])
        for row in sheets.values("judge_id").annotate(
            assigned=Count("id"), submitted=Count("id", filter=Q(status=SheetStatus.SUBMITTED))
        )
    }
    return [
        PanelRow(
            member=m,
            assigned=counts.get(m.judge_id, (0, 0))[0],
            submitted=counts.get(m.judge_id, (0, 0))[1],
        )
        for m in members
    ]


@dataclass(frozen=True)
class AssignmentRow:
    application: Application
    domain: str
    sheets: list[ScoreSheet]


def assignment_rows(
    *, campaign: Campaign, round: EvaluationRound | None = None
) -> list[AssignmentRow]:
    """Staff: applications under (or ready for) expert review with their experts."""
    sheet_qs = ScoreSheet.objects.filter(stage=Stage.EXPERT).select_related("judge")
    if round is not None:
        sheet_qs = sheet_qs.filter(round=round.number)
    applications = list(
        Application.objects.filter(
            campaign=campaign,
            state__in=[ApplicationState.FORMAL_PASSED, ApplicationState.EXPERT_REVIEW],
        )
        .select_related("organisation", "recommending_unit")
        .prefetch_related(
            Prefetch("score_sheets", queryset=sheet_qs.order_by("judge__name"), to_attr="experts")
        )
        .order_by("number")
    )
    domains = application_domains(applications)
    return [
        AssignmentRow(application=a, domain=domains[a.pk][0], sheets=list(a.experts))
        for a in applications
    ]


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


@dataclass(frozen=True)
class ExpertRankEntry:
    """One application's place in its domain (no model instances: cheap to keep)."""

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
    whenever a sheet, an application or a decision changes; the counts guard against
    rows written without a service (imports, seeding). One query."""
    from django.db.models import OuterRef, Subquery

    from xinban.core.models import AuditEntry

    reviewed = (
        Application.objects.filter(campaign=OuterRef("pk"), state__in=REVIEWED_STATES)
        .order_by()
        .values("campaign")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    # All years' submitted expert sheets (no join: cheaper, and as good a guard).
    sheets = (
        ScoreSheet.objects.filter(stage=Stage.EXPERT, status=SheetStatus.SUBMITTED)
        .order_by()
        .values("stage")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    latest, apps, submitted = (
        Campaign.objects.filter(pk=campaign.pk)
        .annotate(
            latest=Subquery(AuditEntry.objects.order_by("-id").values("id")[:1]),
            apps=Subquery(reviewed),
            submitted=Subquery(sheets),
        )
        .values_list("latest", "apps", "submitted")
        .get()
    )
    return f"{campaign.pk}:{number}:{int(normalise)}:{latest}:{apps}:{submitted}"


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
    if not normalise:
        # Per application sums in the database, one row per application (exact: integer
        # thousandths; docs/benchmarks.md) — each expert's latest submitted sheet: none
        # of theirs for the same application in a later round.
        domains, numbers = _ranking_domains(campaign)
        if round is None:
            sheets_qs = sheets_qs.exclude(
                Exists(
                    ScoreSheet.objects.filter(
                        stage=Stage.EXPERT,
                        status=SheetStatus.SUBMITTED,
                        total__isnull=False,
                        application_id=OuterRef("application_id"),
                        judge_id=OuterRef("judge_id"),
                        round__gt=OuterRef("round"),
                    )
                )
            )
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


def _ranking_domains(campaign: Campaign) -> tuple[dict[int, str], dict[int, str]]:
    """Per application under review, its domain (as application_domains decides it:
    frozen in the snapshot, else the registration's) and its number — one query, the
    domain read inside the database rather than every snapshot parsed."""
    registration = Registration.objects.filter(
        organisation_id=OuterRef("organisation_id"), campaign_id=OuterRef("campaign_id")
    ).values("domain__name")[:1]
    rows = (
        Application.objects.filter(campaign=campaign, state__in=REVIEWED_STATES)
        .order_by()
        .annotate(
            frozen=KeyTextTransform("domain", "organisation_snapshot"),
            registered=Subquery(registration),
        )
        .values_list("pk", "number", "frozen", "registered")
    )
    domains: dict[int, str] = {}
    numbers: dict[int, str] = {}
    missing = _("未填写领域")
    for pk, number, frozen, registered in rows:
        domains[pk] = frozen or registered or missing
        numbers[pk] = number
    return domains, numbers


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


# --------------------------------------------------------------------------- experts


def expert_sheets(*, user: User, campaign: Campaign | None = None) -> QuerySet[ScoreSheet]:
    """An expert's own assignments in the association's review (nothing of the unit
    stage, nothing of other experts)."""
    qs = ScoreSheet.objects.filter(stage=Stage.EXPERT, judge__user=user)
    if campaign is not None:
        qs = qs.filter(application__campaign=campaign)
    return qs.select_related(
        "application__organisation", "application__team_type", "application__campaign"
    ).order_by("status", "application__number")


def expert_application_get(*, user: User, pk: int) -> Application:
    """The application if it is assigned to the user as an expert; 404 otherwise."""
    application = (
        Application.objects.select_related("organisation", "team_type", "campaign")
        .filter(
            pk=pk,
            score_sheets__stage=Stage.EXPERT,
            score_sheets__judge__user=user,
        )
        .distinct()
        .first()
    )
    if application is None:
        raise Http404
    return application


def expert_sheet_get(*, user: User, pk: int) -> ScoreSheet:
    sheet = (
        ScoreSheet.objects.select_related(
            "judge", "application__organisation", "application__campaign", "application__team_type"
        )
        .filter(pk=pk, stage=Stage.EXPERT, judge__user=user)
        .first()
    )
    if sheet is None:
        raise Http404
    return sheet


def round_deadlines(campaign: Campaign) -> dict[int, Any]:
    """Round number → deadline, for the expert's list."""
    return dict(EvaluationRound.objects.filter(campaign=campaign).values_list("number", "deadline"))


# --------------------------------------------------------------------------- guiding units


def _with_candidate_data(qs: QuerySet[Application]) -> QuerySet[Application]:
    return qs.select_related(
        "organisation",
        "recommending_unit",
        "team_type",
        "presentation_video",
        "evaluation_decision",
    ).prefetch_related(
        Prefetch(
            "guiding_reviews",
            queryset=GuidingReview.objects.select_related("guiding_unit").order_by(
                "guiding_unit__name"
            ),
        )
    )


def guiding_candidates(*, user: User, campaign: Campaign | None = None) -> QuerySet[Application]:
    """A guiding unit's list: typical-experience candidates and typical experiences only
    (empty for anyone who is not a guiding-unit member)."""
    if not roles_of(user).is_guiding:
        return Application.objects.none()
    qs = Application.objects.filter(state__in=CANDIDATE_STATES)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return _with_candidate_data(qs).order_by("number")


def guiding_candidate_get(*, user: User, pk: int) -> Application:
    application = guiding_candidates(user=user).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


@dataclass(frozen=True)
class CandidateRow:
    application: Application
    video: PresentationVideo | None
    reviews: list[GuidingReview]

    @property
    def approvals(self) -> int:
        return sum(r.verdict == GuidingVerdict.APPROVE for r in self.reviews)

    @property
    def rejections(self) -> int:
        return sum(r.verdict == GuidingVerdict.REJECT for r in self.reviews)

    @property
    def can_confirm(self) -> bool:
        """The typical_confirm rule: a video, at least one approval, no rejection."""
        return (
            self.application.state == ApplicationState.TYPICAL_CANDIDATE
            and self.video is not None
            and self.approvals >= 1
            and self.rejections == 0
        )


def candidates_for_staff(*, campaign: Campaign) -> list[CandidateRow]:
    applications = _with_candidate_data(
        Application.objects.filter(campaign=campaign, state__in=CANDIDATE_STATES)
    ).order_by("number")
    return [
        CandidateRow(
            application=a,
            video=getattr(a, "presentation_video", None),
            reviews=list(a.guiding_reviews.all()),
        )
        for a in applications
    ]


# --------------------------------------------------------------------------- applicants


@dataclass(frozen=True)
class ApplicantOutcome:
    """What an applicant learns about the evaluation: never expert names or scores."""

    application: Application
    state_label: str
    formal_outcome: str  # label, or ""
    return_reason: str
    decision_level: str  # label, or ""
    national: bool
    video_required: bool  # a candidate without a video yet
    video_name: str


def applicant_outcomes(*, user: User, campaign: Campaign | None = None) -> list[ApplicantOutcome]:
    qs = Application.objects.filter(organisation_id__in=roles_of(user).organisation_ids)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    rows = []
    qs = (
        qs.select_related("campaign", "formal_review", "evaluation_decision", "presentation_video")
        .defer(*MATERIAL_FIELDS.values(), "organisation_snapshot")
        .order_by("-campaign__year", "number")
    )
    for a in qs:
        review = getattr(a, "formal_review", None)
        decision = getattr(a, "evaluation_decision", None)
        video = getattr(a, "presentation_video", None)
        rows.append(
            ApplicantOutcome(
                application=a,
                state_label=a.get_state_display(),
                formal_outcome=review.get_outcome_display() if review else "",
                return_reason=a.return_reason if a.state == ApplicationState.RETURNED else "",
                decision_level=decision.get_level_display() if decision else "",
                national=bool(decision and decision.national),
                video_required=a.state == ApplicationState.TYPICAL_CANDIDATE and video is None,
                video_name=video.original_name if video else "",
            )
        )
    return rows


# --------------------------------------------------------------------------- waiting work


def guiding_to_review(*, user: User, campaign: Campaign | None = None) -> list[Application]:
    """The candidates (典型经验候选) of the guiding unit's list on which none of the user's
    guiding units has given its verdict yet."""
    mine = roles_of(user).guiding_unit_ids
    return [
        a
        for a in guiding_candidates(user=user, campaign=campaign)
        if a.state == ApplicationState.TYPICAL_CANDIDATE
        and not any(r.guiding_unit_id in mine for r in a.guiding_reviews.all())
    ]


def decisions_waiting(*, campaign: Campaign) -> list[Application]:
    """Applications under expert review with no decision yet whose experts of the latest
    round have all submitted (at least one sheet): what decision_set would accept now
    (docs/rules.md, rule 7)."""
    applications = list(
        Application.objects.filter(
            campaign=campaign,
            state=ApplicationState.EXPERT_REVIEW,
            evaluation_decision__isnull=True,
        )
        .select_related("organisation")
        .order_by("number")
    )
    rounds: dict[int, dict[int, list[str]]] = defaultdict(dict)
    for application_id, number, status in ScoreSheet.objects.filter(
        application__in=applications, stage=Stage.EXPERT
    ).values_list("application_id", "round", "status"):
        rounds[application_id].setdefault(number, []).append(status)
    waiting = []
    for a in applications:
        by_round = rounds.get(a.pk)
        if not by_round:
            continue
        latest = by_round[max(by_round)]
        if all(status == SheetStatus.SUBMITTED for status in latest):
            waiting.append(a)
    return waiting


def unassigned_applications(*, campaign: Campaign) -> list[Application]:
    """Applications ready for the experts (形式审查通过 or under review) without a single
    expert sheet in the latest round (the rows of 专家分配 with nobody assigned)."""
    rows = assignment_rows(campaign=campaign, round=round_latest(campaign))
    return [row.application for row in rows if not row.sheets]
