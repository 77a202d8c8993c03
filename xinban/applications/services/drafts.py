"""Creating and editing a draft application: its number, the team rules (team name ending,
duplicate team type or name), the unit it goes to and the organisation's registration."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import ACTIVE_STATES, EDITABLE_STATES, Application, YearSequence
from xinban.applications.services.guards import (
    _assign_content,
    _content_values,
    _edit_kinds_for,
    _lock,
    _require_member,
    _require_state,
    _require_window,
)
from xinban.applications.teams import team_after_rename, team_recognise
from xinban.campaigns.models import Campaign, PhaseKind, TeamNameEnding
from xinban.core.audit import audit_record
from xinban.core.errors import ConcurrentEdit, ServiceError, WrongState
from xinban.core.rulebook import Refusal, enforce
from xinban.core.validators import team_name_problem
from xinban.organisations.models import Organisation, RecommendingUnit, Registration
from xinban.organisations.services import unit_accepts


def accepted_team_name_endings() -> list[str]:
    return list(TeamNameEnding.objects.filter(active=True).values_list("name", flat=True))


def team_name_refusal(name: str, organisation: Organisation | None) -> Refusal | None:
    """Rule 3 (附件3 注3): the team's full name, no whitespace of any kind, never "**班组",
    an accepted ending, neither the organisation's own name nor a superior department
    in it. Used by the form (pages, API) and the service. See docs/rules.md."""
    own = [organisation.name, organisation.short_name] if organisation is not None else []
    problem = team_name_problem(name, accepted_team_name_endings(), own)
    if problem is None:
        return None
    return Refusal(problem, code="team_name", field="team_name", error=ServiceError)


def _check_team_rules(
    *,
    organisation: Organisation,
    campaign: Campaign,
    team_name: str,
    team_type_id: int,
    exclude_pk: int | None,
) -> None:
    enforce(team_name_refusal(team_name, organisation))
    siblings = Application.objects.filter(
        organisation=organisation, campaign=campaign, state__in=ACTIVE_STATES
    )
    if exclude_pk is not None:
        siblings = siblings.exclude(pk=exclude_pk)
    # Both rules from one query (a save holds the row lock meanwhile: docs/loadtest.md).
    clashes = list(
        siblings.filter(Q(team_type_id=team_type_id) | Q(team_name=team_name)).values_list(
            "team_type_id", "team_name"
        )
    )
    if any(type_id == team_type_id for type_id, _name in clashes):
        raise ServiceError(
            _("本单位本年度已有同一班组类型的申报，各申报的班组类型应有所差异。"),
            code="duplicate_team_type",
            field="team_type",
        )
    if any(name == team_name for _type_id, name in clashes):
        raise ServiceError(
            _("本单位本年度已申报同名班组。"), code="duplicate_team_name", field="team_name"
        )


def _check_unit(unit: RecommendingUnit, registration: Registration) -> None:
    if not unit_accepts(unit, registration):
        raise ServiceError(
            _("本单位不符合该推荐单位的受理条件，请选择所在区、行业或集团。"),
            code="unit_not_eligible",
            field="recommending_unit",
        )


def _registration_for(organisation: Organisation, campaign: Campaign) -> Registration:
    registration = (
        Registration.objects.select_related("nature", "domain")
        .filter(organisation=organisation, campaign=campaign)
        .first()
    )
    if registration is None:
        raise ServiceError(_("请先填写本年度报名表（附件2），再新建申报。"), code="not_registered")
    return registration


class RegistrationUpdateNeeded(WrongState):
    """Refused until the organisation updates its 附件2: the answer carries where to do it
    (the page, and the API operation) as ``links``."""

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message, code=code, field=field)
        self.links = {
            "registration_page": reverse("organisations:registration"),
            "registration_api": "/api/registration",
        }


def create_refusal(registration: Registration) -> Refusal | None:
    """Rule 5 (docs/rules.md): an organisation whose 附件2 says 暂无建设经验申报 (it does
    not apply with a team's experience this year) updates its registration first."""
    if not registration.applies_with_experience:
        return Refusal(
            _(
                "本单位本年度报名表（附件2）的申报意向为“暂无建设经验申报”，不能新建申报。"
                "如需申报，请先修改报名表，勾选“参加活动申报质量信得过班组建设经验”。"
            ),
            code="registration_without_experience",
            error=RegistrationUpdateNeeded,
        )
    return None


def application_number_next(year: int) -> str:
    """The next 编号 (year + 4-digit sequence). Call inside a transaction."""
    YearSequence.objects.get_or_create(year=year)
    seq = YearSequence.objects.select_for_update().get(year=year)
    seq.last = F("last") + 1
    seq.save(update_fields=["last"])
    seq.refresh_from_db(fields=["last"])
    return f"{year}{seq.last:04d}"


def application_create(
    *, actor: User, organisation: Organisation, campaign: Campaign, data: dict[str, Any]
) -> Application:
    """A new draft. `data` holds the content fields (a form's cleaned_data)."""
    _require_member(actor, organisation.pk)
    _require_window(campaign, organisation.pk, PhaseKind.APPLICATION)
    with transaction.atomic():
        # Locking the organisation serialises concurrent creates for it (limit, team type).
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        registration = _registration_for(organisation, campaign)
        enforce(create_refusal(registration))
        active = Application.objects.filter(
            organisation=organisation, campaign=campaign, state__in=ACTIVE_STATES
        ).count()
        if active >= campaign.max_applications_per_org:
            raise ServiceError(
                _("每家单位每年度最多申报 %(n)s 个班组，本单位已达上限。")
                % {"n": campaign.max_applications_per_org},
                code="limit_reached",
            )
        _check_team_rules(
            organisation=organisation,
            campaign=campaign,
            team_name=data["team_name"],
            team_type_id=data["team_type"].pk,
            exclude_pk=None,
        )
        _check_unit(data["recommending_unit"], registration)
        application = Application(
            campaign=campaign,
            organisation=organisation,
            created_by=actor,
            number=application_number_next(campaign.year),
        )
        _assign_content(application, data)
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError as exc:
            raise ServiceError(
                _("本单位本年度已有同一班组类型的申报。"),
                code="duplicate_team_type",
                field="team_type",
            ) from exc
        team_recognise(application)
        audit_record(
            actor=actor,
            action="application.create",
            obj=application,
            changes=_content_values(application),
        )
    return application


def application_update(
    *, actor: User, application: Application, data: dict[str, Any], expected_version: int
) -> Application:
    """Save the applicant's edits. A form opened on an older version is refused, so
    nobody's input is silently overwritten."""
    _require_member(actor, application.organisation_id)
    with transaction.atomic():
        current = _lock(application)
        _require_state(current, EDITABLE_STATES)
        _require_window(current.campaign, current.organisation_id, *_edit_kinds_for(current))
        if current.version != expected_version:
            raise ConcurrentEdit(
                _(
                    "这份申报已被同事在 %(time)s 修改过。为避免覆盖对方的内容，本次未保存；"
                    "您的输入仍保留在下方，请核对后重新保存。"
                )
                % {"time": timezone.localtime(current.updated_at).strftime("%H:%M:%S")},
                code="concurrent_edit",
            )
        registration = _registration_for(current.organisation, current.campaign)
        _check_team_rules(
            organisation=current.organisation,
            campaign=current.campaign,
            team_name=data["team_name"],
            team_type_id=data["team_type"].pk,
            exclude_pk=current.pk,
        )
        if data["recommending_unit"].pk != current.recommending_unit_id:
            _check_unit(data["recommending_unit"], registration)
        before = _content_values(current)
        _assign_content(current, data)
        current.version = current.version + 1
        current.save()
        if before["team_name"] != current.team_name:
            team_after_rename(current)
        after = _content_values(current)
        audit_record(
            actor=actor,
            action="application.update",
            obj=current,
            changes={k: [before[k], v] for k, v in after.items() if before[k] != v},
        )
    return current
