from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import close_phase, make_user
from xinban.campaigns.models import Domain, Industry, OrganisationNature, PhaseKind
from xinban.core.errors import NotAllowed, WindowClosed
from xinban.core.models import AuditEntry
from xinban.organisations import services
from xinban.organisations.models import Organisation, Registration

pytestmark = pytest.mark.django_db


def registration_payload(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "is_member": "True",
        "nature": OrganisationNature.objects.get(name="民营").pk,
        "nature_other": "",
        "industries": [
            Industry.objects.get(name="集成电路").pk,
            Industry.objects.get(name="金融").pk,
        ],
        "industry_other": "",
        "domain": Domain.objects.get(name="制造").pk,
        "address": "上海市徐汇区漕溪路1号",
        "postcode": "200030",
        "management_department": "质量管理部",
        "promoter_name": "李明",
        "promoter_position": "质量管理部 主管",
        "promoter_mobile": "13700001111",
        "promoter_email": "liming@example.com",
        "participation": "first",
        "applies_with_experience": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def newcomer(campaign: Any) -> Any:
    return make_user("new@example.com", "新单位推进者")


def test_create_organisation_then_register(newcomer: Any) -> None:
    client = Client()
    client.force_login(newcomer)
    response = client.post(
        reverse("organisations:create"), {"name": "上海丙半导体有限公司", "short_name": "丙半导体"}
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert organisation.members.filter(pk=newcomer.pk).exists()
    response = client.post(reverse("organisations:registration"), registration_payload())
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.is_member is True
    assert {i.name for i in registration.industries.all()} == {"集成电路", "金融"}
    assert AuditEntry.objects.filter(action="registration.create").count() == 1
    # Updating writes the change into the audit log.
    client.post(reverse("organisations:registration"), registration_payload(postcode="200031"))
    entry = AuditEntry.objects.get(action="registration.update")
    assert entry.changes["postcode"] == ["200030", "200031"]


def test_same_organisation_twice_is_refused_at_the_name(newcomer: Any) -> None:
    Organisation.objects.create(name="上海丙半导体有限公司", short_name="丙")
    client = Client()
    client.force_login(newcomer)
    response = client.post(
        reverse("organisations:create"), {"name": "上海丙半导体有限公司", "short_name": "丙半导体"}
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("postcode", "20003"),
        ("promoter_mobile", "1370000111"),
        ("promoter_email", "not-mail"),
        ("nature_other", ""),
        ("industries", []),
        ("industry_other", ""),
    ],
)
def test_registration_field_errors_keep_input(applicant_a: Any, field: str, value: Any) -> None:
    overrides: dict[str, Any] = {field: value}
    if field == "nature_other":
        overrides["nature"] = OrganisationNature.objects.get(name="其他").pk
    if field == "industry_other":
        overrides["industries"] = [Industry.objects.get(name="其他").pk]
    client = Client()
    client.force_login(applicant_a)
    before = Registration.objects.get().postcode
    response = client.post(reverse("organisations:registration"), registration_payload(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "漕溪路1号" in response.content.decode()
    assert Registration.objects.get().postcode == before


def test_registration_outside_window_refused(applicant_a: Any, org_a: Any, campaign: Any) -> None:
    close_phase(campaign, PhaseKind.REGISTRATION)
    with pytest.raises(WindowClosed):
        services.registration_save(
            actor=applicant_a, organisation=org_a, campaign=campaign, data={}
        )


def test_registration_by_outsider_refused(applicant_b: Any, org_a: Any, campaign: Any) -> None:
    with pytest.raises(NotAllowed):
        services.registration_save(
            actor=applicant_b, organisation=org_a, campaign=campaign, data={}
        )


def test_add_colleague(applicant_a: Any, org_a: Any) -> None:
    colleague = make_user("colleague@example.com", "同事")
    client = Client()
    client.force_login(applicant_a)
    response = client.post(reverse("organisations:members"), {"email": "colleague@example.com"})
    assert response.status_code == 302
    assert org_a.members.filter(pk=colleague.pk).exists()
    missing = client.post(reverse("organisations:members"), {"email": "nobody@example.com"})
    assert "email" in missing.context["form"].errors


def test_special_unit_rule(org_a: Any, association_unit: Any, unit_x: Any) -> None:
    """Rule 13: foreign-invested enterprises, and private enterprises that are 专精特新 or
    high-tech (membership not required)."""
    registration = org_a.registrations.get()
    assert not services.unit_accepts(association_unit, registration)  # 国有
    assert services.unit_accepts(unit_x, registration)
    registration.nature = OrganisationNature.objects.get(name="外资")
    assert services.unit_accepts(association_unit, registration)
    registration.nature = OrganisationNature.objects.get(name="民营")
    assert not services.unit_accepts(association_unit, registration)
    registration.is_high_tech = True
    assert services.unit_accepts(association_unit, registration)
    registration.is_high_tech, registration.is_specialised = False, True
    assert services.unit_accepts(association_unit, registration)
    # 专精特新 or high-tech, but state-owned: not admitted.
    registration.nature = OrganisationNature.objects.get(name="国有")
    registration.is_high_tech = True
    assert not services.unit_accepts(association_unit, registration)
    # The rule is data: staff may restrict the unit to members.
    association_unit.requires_membership = True
    registration.nature = OrganisationNature.objects.get(name="外资")
    assert not services.unit_accepts(association_unit, registration)
    registration.is_member = True
    assert services.unit_accepts(association_unit, registration)
