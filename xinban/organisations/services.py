"""Writes for organisations and their yearly registration (附件2)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.campaigns.models import Campaign, PhaseKind
from xinban.campaigns.selectors import phase_is_open
from xinban.core.audit import audit_record
from xinban.core.errors import NotAllowed, ServiceError, WindowClosed
from xinban.core.roles import forget_roles, roles_of
from xinban.organisations.models import (
    Organisation,
    OrganisationMembership,
    OrganisationRename,
    RecommendingUnit,
    Registration,
)

REGISTRATION_FIELDS = [
    "is_member",
    "nature",
    "nature_other",
    "industry_other",
    "domain",
    "is_specialised",
    "is_high_tech",
    "address",
    "postcode",
    "management_department",
    "promoter_name",
    "promoter_position",
    "promoter_mobile",
    "promoter_email",
    "participation",
    "applies_with_experience",
]


def organisation_create(*, actor: User, name: str, short_name: str) -> Organisation:
    name, short_name = name.strip(), short_name.strip()
    if roles_of(actor).organisation_ids:
        # Pages act for "my organisation"; one account, one organisation keeps that clear.
        raise ServiceError(
            _("您的账号已属于一个申报单位。如需为其他单位申报，请用另一个邮箱注册。"),
            code="already_member",
            field="name",
        )
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(name=name, short_name=short_name)
            OrganisationMembership.objects.create(organisation=organisation, user=actor)
            audit_record(
                actor=actor,
                action="organisation.create",
                obj=organisation,
                changes={"name": name, "short_name": short_name},
            )
    except IntegrityError as exc:
        raise ServiceError(
            _("该单位已在平台登记。请联系本单位已注册的活动推进者把您加入。"),
            code="organisation_exists",
            field="name",
        ) from exc
    forget_roles(actor)
    return organisation


def organisation_rename(
    *, actor: User, organisation: Organisation, name: str, short_name: str = "", reason: str = ""
) -> Organisation:
    """Change the organisation's official name (and short name), keeping the former one
    (docs/rules.md, rule 14): members of the organisation and association staff."""
    name, short_name, reason = name.strip(), short_name.strip(), reason.strip()
    roles = roles_of(actor)
    if not (roles.is_staff or organisation.pk in roles.organisation_ids):
        raise NotAllowed(_("只有本单位成员或质协工作人员可以修改单位名称。"), code="not_member")
    if not name:
        raise ServiceError(_("请填写新的单位名称。"), code="required", field="name")
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        short_name = short_name or current.short_name
        if name == current.name and short_name == current.short_name:
            raise ServiceError(_("单位名称和简称都没有改变。"), code="unchanged", field="name")
        if Organisation.objects.filter(name=name).exclude(pk=current.pk).exists():
            raise ServiceError(
                _("已有单位使用该名称登记。"), code="organisation_exists", field="name"
            )
        changes: dict[str, Any] = {}
        if name != current.name:
            OrganisationRename.objects.create(
                organisation=current,
                old_name=current.name,
                new_name=name,
                reason=reason,
                renamed_by=actor,
            )
            changes["name"] = [current.name, name]
        if short_name != current.short_name:
            changes["short_name"] = [current.short_name, short_name]
        if reason:
            changes["reason"] = reason
        current.name, current.short_name = name, short_name
        current.save(update_fields=["name", "short_name"])
        audit_record(actor=actor, action="organisation.rename", obj=current, changes=changes)
    organisation.name, organisation.short_name = name, short_name
    forget_roles(actor)
    return current


def organisation_add_member(*, actor: User, organisation: Organisation, email: str) -> User:
    if organisation.pk not in roles_of(actor).organisation_ids:
        raise NotAllowed(_("只有本单位成员可以添加同事。"), code="not_member")
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise ServiceError(
                _("没有找到使用该邮箱注册的账号，请同事先注册。"),
                code="no_such_user",
                field="email",
            )
        _membership, created = OrganisationMembership.objects.get_or_create(
            organisation=organisation, user=user
        )
        if created:
            audit_record(
                actor=actor,
                action="organisation.add_member",
                obj=organisation,
                changes={"member": user.email},
            )
    return user


def registration_save(
    *,
    actor: User,
    organisation: Organisation,
    campaign: Campaign,
    data: dict[str, Any],
) -> Registration:
    """Create or update the organisation's 附件2 for the year. `data` is a form's
    cleaned_data; `industries` is a list of Industry objects."""
    if organisation.pk not in roles_of(actor).organisation_ids:
        raise NotAllowed(_("只有本单位成员可以填写报名表。"), code="not_member")
    if not phase_is_open(
        campaign=campaign, kind=PhaseKind.REGISTRATION, organisation_id=organisation.pk
    ):
        raise WindowClosed(_("活动报名不在开放时间内。"), code="window_closed")
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update()
            .filter(organisation=organisation, campaign=campaign)
            .first()
        )
        before = _registration_values(registration) if registration else {}
        if registration is None:
            registration = Registration(organisation=organisation, campaign=campaign)
        for name in REGISTRATION_FIELDS:
            setattr(registration, name, data[name])
        if not registration.nature.is_other:
            registration.nature_other = ""
        try:
            registration.full_clean(exclude=["industries"])
        except ValidationError as exc:
            field, messages = next(iter(exc.message_dict.items()))
            raise ServiceError(
                messages[0], code="invalid", field=None if field == NON_FIELD_ERRORS else field
            ) from exc
        registration.save()
        registration.industries.set(data["industries"])
        after = _registration_values(registration)
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        audit_record(
            actor=actor,
            action="registration.create" if not before else "registration.update",
            obj=registration,
            changes=changes,
        )
    return registration


def _registration_values(registration: Registration) -> dict[str, Any]:
    values = {name: getattr(registration, name) for name in REGISTRATION_FIELDS}
    values["nature"] = str(registration.nature.name)
    values["domain"] = str(registration.domain.name)
    values["industries"] = sorted(i.name for i in registration.industries.all())
    return values


def unit_accepts(unit: RecommendingUnit, registration: Registration) -> bool:
    """Whether an organisation may choose this recommending unit (docs/rules.md, rule 13:
    the special association unit admits foreign-invested enterprises, and private
    enterprises that are 专精特新 or high-tech; the rule is data on the unit)."""
    if not unit.active:
        return False
    if unit.requires_membership and not registration.is_member:
        return False
    nature_ids = {n.pk for n in unit.eligible_natures.all()}
    restricted = (
        bool(nature_ids) or unit.admits_specialised_private or unit.admits_high_tech_private
    )
    if not restricted:
        return True
    if registration.nature_id in nature_ids:
        return True
    if not registration.nature.is_private:
        return False
    return bool(
        (unit.admits_specialised_private and registration.is_specialised)
        or (unit.admits_high_tech_private and registration.is_high_tech)
    )
