"""Assigning experts to applications: automatically for a round (the engine of
:mod:`xinban.evaluation.assignment`), or one by hand; experts are told after commit."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign
from xinban.core.audit import audit_record
from xinban.core.errors import ServiceError
from xinban.core.rulebook import enforce
from xinban.core.text import join_clauses
from xinban.evaluation import assignment, rules
from xinban.evaluation.models import EvaluationRound, ExpertPanelMember
from xinban.evaluation.selectors import application_domains, expert_conflicts
from xinban.evaluation.services.guards import (
    lock,
    require_round_open,
    require_staff,
    require_unpublished,
    require_window,
    set_state,
    site_link,
)
from xinban.notifications.delivery import notify_after_commit
from xinban.scoring.models import Judge, ScoreSheet, Stage


@dataclass(frozen=True)
class AutoAssignment:
    """What :func:`expert_assign_auto` did. ``uncovered``: application id → why it has
    fewer than ``k`` experts (staff add the missing ones by hand);
    ``conflicting_existing``: earlier assignments that now break a rule (e.g. a conflict
    declared since) → the reason; they were not counted and should be removed."""

    round: EvaluationRound
    k: int
    created: int
    moved: tuple[int, ...]
    uncovered: dict[int, str]
    conflicting_existing: dict[tuple[int, int], str]
    loads: dict[int, int]
    engine: assignment.AssignmentResult


def _notify_experts(
    judges: Iterable[Judge], counts: Mapping[int, int], round_: EvaluationRound
) -> None:
    for judge in judges:
        count = counts.get(judge.pk, 0)
        if count:
            notify_after_commit(
                to=[judge.email],
                template="expert_assigned",
                context={
                    "judge": judge,
                    "count": count,
                    "round": round_,
                    "deadline": timezone.localtime(round_.deadline).strftime("%Y-%m-%d %H:%M"),
                    "link": site_link("recommendation:judge_home"),
                },
            )


def _engine_expert(member: ExpertPanelMember) -> assignment.Expert:
    judge = member.judge
    return assignment.Expert(
        id=judge.pk,
        domains=frozenset(d.name for d in judge.domains.all()),
        industries=frozenset(i.name for i in judge.industries.all()),
        capacity=member.capacity,
    )


def _uncovered_reason(
    app_id: int,
    got: int,
    k: int,
    panel: list[ExpertPanelMember],
    conflicts: Mapping[tuple[int, int], str],
) -> str:
    if len(panel) < k:
        return _("专家评委库只有 %(n)s 位专家，每份申报需要 %(k)s 位。") % {
            "n": len(panel),
            "k": k,
        }
    excluded = [
        (m.judge.name, conflicts[(m.judge_id, app_id)])
        for m in panel
        if (m.judge_id, app_id) in conflicts
    ]
    free = len(panel) - len(excluded)
    if free < k:
        return _("只有 %(n)s 位专家与该申报无回避关系（需要 %(k)s 位）。需回避：%(who)s") % {
            "n": free,
            "k": k,
            "who": join_clauses(f"{name}（{reason}）" for name, reason in excluded),
        }
    return _(
        "无回避关系的专家评审容量已满：已分配 %(got)s 位，需要 %(k)s 位。"
        "请提高专家的评审容量或增加专家。"
    ) % {"got": got, "k": k}


def expert_assign_auto(
    *,
    actor: User,
    campaign: Campaign,
    round: EvaluationRound,  # noqa: A002 - the domain's word
    k: int = assignment.DEFAULT_K,
) -> AutoAssignment:
    """Assign ``k`` experts to every application under review in ``round`` (those that
    passed the formal review, and those in expert review with fewer than ``k`` experts
    in this round), keeping every rule of ``assignment.assign``: no conflict
    (:func:`expert_conflicts`), declared capacities (per round), balanced loads, the
    round's existing assignments kept; domain and industry matches preferred.
    Applications that cannot be covered are reported with the reason, never covered by
    breaking a rule. Experts are told after commit."""
    require_staff(actor)
    if k < 1:
        raise ServiceError(_("每份申报至少分配 1 位专家。"), code="bad_k", field="k")
    with transaction.atomic():
        current_round = (
            EvaluationRound.objects.select_for_update().select_related("campaign").get(pk=round.pk)
        )
        if current_round.campaign_id != campaign.pk:
            raise ServiceError(_("评审轮次不属于该年度。"), code="foreign_round", field="round")
        require_window(current_round.campaign)
        require_unpublished(current_round.campaign)
        require_round_open(current_round)
        panel = list(
            ExpertPanelMember.objects.filter(campaign=campaign)
            .select_related("judge")
            .prefetch_related("judge__domains", "judge__industries")
            .order_by("judge__name", "pk")
        )
        if not panel:
            raise ServiceError(_("请先组建本年度专家评委库。"), code="no_experts")
        applications = list(
            Application.objects.select_for_update()
            .filter(
                campaign=campaign,
                state__in=[ApplicationState.FORMAL_PASSED, ApplicationState.EXPERT_REVIEW],
            )
            .order_by("submitted_at", "number")
        )
        app_ids = [a.pk for a in applications]
        existing = set(
            ScoreSheet.objects.filter(
                stage=Stage.EXPERT, round=current_round.number, application_id__in=app_ids
            ).values_list("judge_id", "application_id")
        )
        # Judges who hold assignments in this round but left the panel keep them and take
        # nothing more (capacity = what they have).
        panel_ids = {m.judge_id for m in panel}
        held = Counter(j for j, _a in existing if j not in panel_ids)
        outsiders = list(Judge.objects.filter(pk__in=held))
        experts = [_engine_expert(m) for m in panel] + [
            assignment.Expert(id=j.pk, capacity=held[j.pk]) for j in outsiders
        ]
        judges = [m.judge for m in panel] + outsiders
        conflicts = expert_conflicts(campaign, applications, judges)
        domains = application_domains(applications)
        engine_apps = [
            assignment.Application(id=a.pk, domain=domains[a.pk][0], industries=domains[a.pk][1])
            for a in applications
        ]
        result = assignment.assign(
            engine_apps, experts, k=k, conflicts=conflicts, fixed=frozenset(existing)
        )
        new_pairs = sorted(result.pairs - existing)
        ScoreSheet.objects.bulk_create(
            ScoreSheet(
                application_id=app_id,
                judge_id=judge_id,
                stage=Stage.EXPERT,
                round=current_round.number,
                assigned_by=actor,
            )
            for judge_id, app_id in new_pairs
        )
        judge_by_id = {j.pk: j for j in judges}
        added: dict[int, list[str]] = defaultdict(list)
        for judge_id, app_id in new_pairs:
            added[app_id].append(judge_by_id[judge_id].name)
        covered = {app_id for _j, app_id in result.pairs}
        moved = tuple(
            a.pk
            for a in applications
            if a.state == ApplicationState.FORMAL_PASSED and a.pk in covered
        )
        for a in applications:
            if a.pk not in added and a.pk not in moved:
                continue
            previous = a.state
            if a.pk in moved:
                set_state(a, ApplicationState.EXPERT_REVIEW, via="assign_experts")
            audit_record(
                actor=actor,
                action="evaluation.assign",
                obj=a,
                changes={
                    "state": [previous, a.state],
                    "round": current_round.number,
                    "experts": sorted(added.get(a.pk, [])),
                    "auto": True,
                },
            )
        conflicting = {
            pair: (
                _("已分配的专家需回避：%(reason)s") % {"reason": conflicts[pair]}
                if pair in conflicts
                else _("超出每份所需人数或专家的评审容量")
            )
            for pair in result.rejected_fixed
        }
        uncovered = {
            app_id: _uncovered_reason(app_id, len(result.experts_for(app_id)), k, panel, conflicts)
            for app_id in result.uncovered
        }
        audit_record(
            actor=actor,
            action="evaluation.assign_auto",
            obj=current_round,
            changes={
                "k": k,
                "created": len(new_pairs),
                "uncovered": {str(a): r for a, r in uncovered.items()},
                "conflicting_existing": [list(p) for p in conflicting],
                "spread": result.spread,
                "preference": result.preference_score,
            },
        )
        per_judge = Counter(j for j, _a in new_pairs)
        _notify_experts(judges, per_judge, current_round)
    return AutoAssignment(
        round=current_round,
        k=k,
        created=len(new_pairs),
        moved=moved,
        uncovered=uncovered,
        conflicting_existing=conflicting,
        loads=dict(result.loads),
        engine=result,
    )


def expert_assign_manual(
    *,
    actor: User,
    application: Application,
    judge: Judge,
    round: EvaluationRound,  # noqa: A002
) -> ScoreSheet:
    """Staff add one expert to one application by hand — refused, with the reason, when
    the pair is a conflict or the expert's declared capacity for the round is used up."""
    require_staff(actor)
    with transaction.atomic():
        current = lock(application)
        current_round = EvaluationRound.objects.select_for_update().get(pk=round.pk)
        if current_round.campaign_id != current.campaign_id:
            raise ServiceError(_("评审轮次不属于该年度。"), code="foreign_round", field="round")
        enforce(rules.expert_assign_refusal(current, current_round))
        member = ExpertPanelMember.objects.filter(campaign=current.campaign, judge=judge).first()
        if member is None:
            raise ServiceError(
                _("该专家不在本年度专家评委库中。"), code="not_on_panel", field="judge"
            )
        conflicts = expert_conflicts(current.campaign, [current], [judge])
        reason = assignment.explain_exclusion(judge.pk, current.pk, conflicts)
        if reason:
            raise ServiceError(
                _("不能分配：%(reason)s。") % {"reason": reason}, code="conflict", field="judge"
            )
        if member.capacity is not None:
            load = ScoreSheet.objects.filter(
                judge=judge,
                stage=Stage.EXPERT,
                round=current_round.number,
                application__campaign=current.campaign,
            ).count()
            if load >= member.capacity:
                raise ServiceError(
                    _("该专家本轮的评审容量（%(n)s 份）已满。") % {"n": member.capacity},
                    code="capacity_reached",
                    field="judge",
                )
        try:
            with transaction.atomic():
                sheet = ScoreSheet.objects.create(
                    application=current,
                    judge=judge,
                    stage=Stage.EXPERT,
                    round=current_round.number,
                    assigned_by=actor,
                )
        except IntegrityError as exc:
            raise ServiceError(
                _("本轮已分配给该专家。"), code="already_assigned", field="judge"
            ) from exc
        previous = current.state
        if current.state == ApplicationState.FORMAL_PASSED:
            set_state(current, ApplicationState.EXPERT_REVIEW, via="assign_experts")
        audit_record(
            actor=actor,
            action="evaluation.assign",
            obj=current,
            changes={
                "state": [previous, current.state],
                "round": current_round.number,
                "experts": [judge.name],
                "auto": False,
            },
        )
        _notify_experts([judge], {judge.pk: 1}, current_round)
    return sheet
