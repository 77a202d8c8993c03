"""Team writes: recognising a team across years, the applicant's link of a renamed team
to an earlier one, and staff's merge and split (docs/rules.md, "Each team's history").
Reads are in :mod:`xinban.applications.history`."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import Application, ApplicationState, Team
from xinban.campaigns.models import PhaseKind
from xinban.campaigns.selectors import phase_is_open
from xinban.core.audit import audit_record
from xinban.core.errors import NotAllowed, ServiceError
from xinban.core.roles import roles_of
from xinban.core.rulebook import Refusal, enforce

# An applicant may link while the application is theirs to change or still before its unit.
LINKABLE_STATES = frozenset(
    {ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.RETURNED}
)


def team_name_key(name: str) -> str:
    """The name as teams are recognised by: full-width folded to half-width (NFKC), every
    space removed, case ignored ("总装 一班" = "总装一班" = "总装一班\u3000")."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def _drop_if_empty(team_id: int | None) -> None:
    if team_id is not None and not Application.objects.filter(team_id=team_id).exists():
        Team.objects.filter(pk=team_id).delete()


def team_recognise(application: Application) -> Team:
    """Put the application in its organisation's team of the same (normalised) name, the
    one of the newest such application, or in a new team. Call inside the transaction
    that saves the application; no audit entry (the application's own entry records the
    name)."""
    key = team_name_key(application.team_name)
    siblings = (
        Application.objects.filter(organisation_id=application.organisation_id, team__isnull=False)
        .exclude(pk=application.pk)
        .order_by("-campaign__year", "-id")
        .only("id", "team_id", "team_name")
    )
    team_id = next((a.team_id for a in siblings if team_name_key(a.team_name) == key), None)
    previous = application.team_id
    team = (
        Team.objects.get(pk=team_id)
        if team_id is not None
        else Team.objects.create(
            organisation_id=application.organisation_id, name=application.team_name
        )
    )
    if team.pk != previous:
        Application.objects.filter(pk=application.pk).update(team=team)
        application.team = team
        _drop_if_empty(previous)
        _rename_to_newest([team])
        team.refresh_from_db(fields=["name"])
    return team


def teams_recognise_missing(*, organisation_ids: Iterable[int] | None = None) -> int:
    """Give every application without a team its team (imports, demo data). Returns how
    many teams they went to."""
    rows = Application.objects.filter(team__isnull=True)
    if organisation_ids is not None:
        rows = rows.filter(organisation_id__in=list(organisation_ids))
    touched: set[int] = set()
    with transaction.atomic():
        # Oldest first, so that each team is named after the first application that had it
        # and then renamed to the newest below.
        for application in rows.order_by("campaign__year", "id").only(
            "id", "organisation_id", "team_name", "team_id"
        ):
            touched.add(team_recognise(application).pk)
        _rename_to_newest(Team.objects.filter(pk__in=touched))
    return len(touched)


def _rename_to_newest(teams: Iterable[Team]) -> None:
    for team in teams:
        newest = team.applications.order_by("-campaign__year", "-id").first()
        if newest is not None and newest.team_name != team.name:
            Team.objects.filter(pk=team.pk).update(name=newest.team_name)


def team_after_rename(application: Application) -> None:
    """The applicant changed the team's name: recognise it again unless somebody linked
    the team by hand; the team takes the newest name."""
    if not application.team_linked or application.team_id is None:
        team_recognise(application)
    if application.team_id is not None:
        _rename_to_newest([Team.objects.get(pk=application.team_id)])


# --- the applicant's link ---------------------------------------------------------------------


def link_candidates(application: Application) -> list[Team]:
    """The organisation's other teams that applied in an earlier year: what a renamed team
    may be linked to."""
    return list(
        Team.objects.filter(
            organisation_id=application.organisation_id,
            applications__campaign__year__lt=application.campaign.year,
        )
        .exclude(pk=application.team_id or 0)
        .distinct()
        .order_by("name", "id")
    )


def team_link_refusal(application: Application) -> Refusal | None:
    """The applicant may link while the application is a draft, submitted or returned and
    the application or recommendation phase is open."""
    if application.state not in LINKABLE_STATES:
        return Refusal(
            _("当前状态（%(state)s）下不能再关联往年班组，如有需要请联系质协工作人员。")
            % {"state": application.get_state_display()},
            code="wrong_state",
        )
    if not any(
        phase_is_open(
            campaign=application.campaign, kind=kind, organisation_id=application.organisation_id
        )
        for kind in (PhaseKind.APPLICATION, PhaseKind.RECOMMENDATION)
    ):
        return Refusal(_("成果申报和成果推荐均不在开放时间内。"), code="window_closed")
    return None


def team_link(*, actor: User, application: Application, team: Team) -> Application:
    """The applicant says this year's team is an earlier team renamed: the application
    joins that team (its earlier applications become this one's history)."""
    if application.organisation_id not in roles_of(actor).organisation_ids:
        raise NotAllowed(_("只有本单位成员可以修改本单位的申报。"), code="not_member")
    with transaction.atomic():
        current = (
            Application.objects.select_for_update()
            .select_related("campaign")
            .get(pk=application.pk)
        )
        enforce(team_link_refusal(current))
        if team.pk not in {t.pk for t in link_candidates(current)}:
            raise ServiceError(
                _("请选择本单位往年申报过的班组。"), code="team_not_earlier", field="team"
            )
        before = current.team.name if current.team else ""
        previous = current.team_id
        current.team = team
        current.team_linked = True
        current.save(update_fields=["team", "team_linked", "updated_at"])
        _drop_if_empty(previous)
        _rename_to_newest([team])
        team.refresh_from_db(fields=["name"])
        audit_record(
            actor=actor,
            action="application.team_link",
            obj=current,
            changes={"team": [before, team.name], "team_id": [previous, team.pk]},
        )
    return current


# --- staff: merge and split -------------------------------------------------------------------


def _require_staff(actor: User) -> None:
    if not roles_of(actor).is_staff:
        raise NotAllowed(_("只有质协工作人员可以合并或拆分班组。"), code="not_staff")


def team_merge(*, actor: User, source: Team, target: Team) -> Team:
    """Every application of ``source`` joins ``target``; ``source`` is removed."""
    _require_staff(actor)
    with transaction.atomic():
        locked = {
            t.pk: t for t in Team.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
        }
        if source.pk == target.pk or len(locked) != 2:
            raise ServiceError(_("请选择另一个班组。"), code="same_team", field="source")
        if locked[source.pk].organisation_id != locked[target.pk].organisation_id:
            raise ServiceError(
                _("只能合并同一申报单位的班组。"), code="other_organisation", field="source"
            )
        numbers = list(
            Application.objects.filter(team_id=source.pk)
            .order_by("number")
            .values_list("number", flat=True)
        )
        Application.objects.filter(team_id=source.pk).update(team_id=target.pk, team_linked=True)
        source_name = locked[source.pk].name
        Team.objects.filter(pk=source.pk).delete()
        target = locked[target.pk]
        _rename_to_newest([target])
        target.refresh_from_db()
        audit_record(
            actor=actor,
            action="team.merge",
            obj=target,
            changes={"merged_team": [source.pk, source_name], "applications": numbers},
        )
    return target


def team_split(*, actor: User, team: Team, application_ids: Iterable[int]) -> Team:
    """The chosen applications leave ``team`` for a new team of their own (recognised by
    hand from then on); at least one must stay."""
    _require_staff(actor)
    ids = set(application_ids)
    with transaction.atomic():
        team = Team.objects.select_for_update().get(pk=team.pk)
        members = set(Application.objects.filter(team=team).values_list("pk", flat=True))
        if not ids or not ids <= members:
            raise ServiceError(_("请选择该班组的申报。"), code="not_in_team", field="applications")
        if ids == members:
            raise ServiceError(
                _("至少保留一份申报在原班组。"), code="split_all", field="applications"
            )
        moving = Application.objects.filter(pk__in=ids)
        newest = moving.order_by("-campaign__year", "-id").first()
        assert newest is not None  # ids is a non-empty subset of the team's applications
        new_team = Team.objects.create(organisation_id=team.organisation_id, name=newest.team_name)
        numbers = list(moving.order_by("number").values_list("number", flat=True))
        moving.update(team=new_team, team_linked=True)
        Application.objects.filter(team=team).update(team_linked=True)
        _rename_to_newest([team])
        audit_record(
            actor=actor,
            action="team.split",
            obj=new_team,
            changes={"from_team": [team.pk, team.name], "applications": numbers},
        )
    return new_team
