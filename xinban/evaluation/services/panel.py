"""The year's expert panel (专家评委库): members, their load and chair flag, their fields
of expertise and employment history (an employer is a conflict of interest)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.campaigns.models import Campaign, Industry
from xinban.campaigns.models import Domain as DomainTerm
from xinban.core.audit import audit_record
from xinban.core.errors import ServiceError
from xinban.evaluation.models import ExpertPanelMember
from xinban.evaluation.services.guards import require_staff, require_unpublished
from xinban.organisations.models import Organisation
from xinban.scoring.models import Judge, JudgeEmployment, ScoreSheet, SheetStatus, Stage


def expert_panel_add(
    *,
    actor: User,
    campaign: Campaign,
    judge: Judge,
    capacity: int | None = None,
    is_chair: bool = False,
) -> ExpertPanelMember:
    """Put a judge on the year's expert panel (专家评委库). No window: the panel is
    prepared ahead of the evaluation."""
    require_staff(actor)
    require_unpublished(campaign)
    with transaction.atomic():
        try:
            with transaction.atomic():
                member = ExpertPanelMember.objects.create(
                    campaign=campaign, judge=judge, capacity=capacity, is_chair=is_chair
                )
        except IntegrityError as exc:
            raise ServiceError(
                _("该专家已在本年度专家评委库中。"), code="already_on_panel", field="judge"
            ) from exc
        audit_record(
            actor=actor,
            action="evaluation.panel_add",
            obj=member,
            changes={"judge": judge.name, "capacity": capacity, "is_chair": is_chair},
        )
    return member


def expert_panel_update(
    *, actor: User, member: ExpertPanelMember, capacity: int | None, is_chair: bool
) -> ExpertPanelMember:
    require_staff(actor)
    with transaction.atomic():
        current = (
            ExpertPanelMember.objects.select_for_update()
            .select_related("campaign", "judge")
            .get(pk=member.pk)
        )
        require_unpublished(current.campaign)
        before = {"capacity": current.capacity, "is_chair": current.is_chair}
        current.capacity, current.is_chair = capacity, is_chair
        current.save(update_fields=["capacity", "is_chair"])
        audit_record(
            actor=actor,
            action="evaluation.panel_update",
            obj=current,
            changes={
                k: [before[k], v]
                for k, v in {"capacity": capacity, "is_chair": is_chair}.items()
                if before[k] != v
            },
        )
    return current


def expert_panel_remove(*, actor: User, member: ExpertPanelMember) -> None:
    """Take an expert off the panel; refused while they have unscored assignments."""
    require_staff(actor)
    with transaction.atomic():
        current = (
            ExpertPanelMember.objects.select_for_update()
            .select_related("campaign", "judge")
            .get(pk=member.pk)
        )
        require_unpublished(current.campaign)
        pending = (
            ScoreSheet.objects.filter(
                judge_id=current.judge_id,
                stage=Stage.EXPERT,
                application__campaign=current.campaign,
            )
            .exclude(status=SheetStatus.SUBMITTED)
            .exists()
        )
        if pending:
            raise ServiceError(_("该专家还有未完成的评审，请先取消分配。"), code="judge_has_sheets")
        audit_record(
            actor=actor,
            action="evaluation.panel_remove",
            obj=current.campaign,
            changes={"judge": current.judge.name},
        )
        current.delete()


def expert_profile_set(
    *,
    actor: User,
    judge: Judge,
    domains: Iterable[DomainTerm],
    industries: Iterable[Industry],
) -> Judge:
    """An expert's fields of expertise (preferred in assignment, never required)."""
    require_staff(actor)
    domains, industries = list(domains), list(industries)
    with transaction.atomic():
        before = {
            "domains": sorted(judge.domains.values_list("name", flat=True)),
            "industries": sorted(judge.industries.values_list("name", flat=True)),
        }
        judge.domains.set(domains)
        judge.industries.set(industries)
        after = {
            "domains": sorted(d.name for d in domains),
            "industries": sorted(i.name for i in industries),
        }
        audit_record(
            actor=actor,
            action="evaluation.expert_profile",
            obj=judge,
            changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        )
    return judge


def expert_panel_edit(
    *,
    actor: User,
    member: ExpertPanelMember,
    capacity: int | None,
    is_chair: bool,
    domains: Iterable[DomainTerm],
    industries: Iterable[Industry],
) -> ExpertPanelMember:
    """The panel member page's one save: the year's load and chair flag, and the expert's
    fields of expertise, together or not at all (each part audited as on its own)."""
    with transaction.atomic():
        current = expert_panel_update(
            actor=actor, member=member, capacity=capacity, is_chair=is_chair
        )
        expert_profile_set(actor=actor, judge=current.judge, domains=domains, industries=industries)
    return current


def employment_add(
    *,
    actor: User,
    judge: Judge,
    organisation_name: str,
    start_year: int,
    end_year: int | None = None,
    organisation: Organisation | None = None,
) -> JudgeEmployment:
    """Record an employer in an expert's history (an organisation they worked for is a
    conflict). Link ``organisation`` when it is on the platform; the exact name matches
    too."""
    require_staff(actor)
    name = (organisation_name or (organisation.name if organisation else "")).strip()
    if not name:
        raise ServiceError(_("请填写单位名称。"), code="name_required", field="organisation_name")
    this_year = timezone.localdate().year
    if not 1950 <= start_year <= this_year:
        raise ServiceError(_("起始年份无效。"), code="bad_year", field="start_year")
    if end_year is not None and not start_year <= end_year <= this_year:
        raise ServiceError(
            _("结束年份应不早于起始年份，且不晚于今年。"), code="bad_year", field="end_year"
        )
    with transaction.atomic():
        employment = JudgeEmployment.objects.create(
            judge=judge,
            organisation=organisation,
            organisation_name=name,
            start_year=start_year,
            end_year=end_year,
        )
        audit_record(
            actor=actor,
            action="evaluation.employment_add",
            obj=judge,
            changes={"organisation": name, "start_year": start_year, "end_year": end_year},
        )
    return employment


def employment_remove(*, actor: User, employment: JudgeEmployment) -> None:
    require_staff(actor)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="evaluation.employment_remove",
            obj=employment.judge,
            changes={"organisation": employment.organisation_name},
        )
        employment.delete()
