"""Reads for the association's evaluation, the formal review and the panel: the
formal-review queue with its automatic checks, the applications' domains, conflicts and
exclusions, the rounds, the panel's loads and the assignment. List reads join what they
show, so pages run a constant number of queries whatever the number of applications.

Who sees what: see rules.py (staff everything)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import (
    Count,
    Prefetch,
    Q,
)
from django.utils.translation import gettext as _

from xinban.applications.models import (
    COMMITMENT_FIELDS,
    INDICATOR_FIELDS,
    MATERIAL_FIELDS,
    Application,
    ApplicationState,
    Attachment,
)
from xinban.campaigns.models import Campaign, TeamNameEnding
from xinban.core.validators import team_name_problem
from xinban.evaluation.assignment import explain_exclusion
from xinban.evaluation.checklist import checklist_for
from xinban.evaluation.models import (
    ChecklistItem,
    EvaluationRound,
    ExpertPanelMember,
    FormalReview,
)
from xinban.organisations.models import (
    Organisation,
    OrganisationMembership,
    Registration,
    UnitMembership,
)
from xinban.recommendation.models import PanelMember
from xinban.scoring.models import (
    ConflictDeclaration,
    Judge,
    JudgeEmployment,
    ScoreSheet,
    SheetStatus,
    Stage,
)

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
