"""The notice's reference data without the demo (organisations 0003,
xinban/organisations/reference.py): there after `migrate`, loaded again without
duplicates, never overwriting what staff edited."""

from __future__ import annotations

import pytest
from django.apps import apps

from xinban.campaigns import seed
from xinban.campaigns.models import OrganisationNature
from xinban.organisations import reference
from xinban.organisations.models import GuidingUnit, RecommendingUnit, UnitKind

pytestmark = pytest.mark.django_db


def test_migrate_loads_the_guiding_units_and_the_special_unit_with_its_rule() -> None:
    assert sorted(GuidingUnit.objects.values_list("name", flat=True)) == sorted(seed.GUIDING_UNITS)
    assert len(seed.GUIDING_UNITS) == 4
    special = RecommendingUnit.objects.get(kind=UnitKind.ASSOCIATION)
    assert special.name == "其他-市质协会员与质量推进部" and special.active
    assert list(special.eligible_natures.values_list("name", flat=True)) == ["外资"]
    assert special.admits_specialised_private and special.admits_high_tech_private
    assert not special.requires_membership
    assert RecommendingUnit.objects.count() == 1  # the other units are invited by staff


def test_loading_again_adds_nothing_and_keeps_staff_edits() -> None:
    special = RecommendingUnit.objects.get(kind=UnitKind.ASSOCIATION)
    special.admits_high_tech_private = False
    special.requires_membership = True
    special.save()
    special.eligible_natures.add(OrganisationNature.objects.get(name="合资"))
    reference.load(apps)
    special.refresh_from_db()
    assert not special.admits_high_tech_private and special.requires_membership
    assert sorted(special.eligible_natures.values_list("name", flat=True)) == ["合资", "外资"]
    assert RecommendingUnit.objects.filter(kind=UnitKind.ASSOCIATION).count() == 1
    assert GuidingUnit.objects.count() == 4


def test_a_flushed_database_gets_them_back() -> None:
    GuidingUnit.objects.all().delete()
    RecommendingUnit.objects.all().delete()
    reference.load(apps)
    assert GuidingUnit.objects.count() == 4
    assert RecommendingUnit.objects.get(kind=UnitKind.ASSOCIATION).eligible_natures.count() == 1
