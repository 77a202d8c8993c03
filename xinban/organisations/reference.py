"""The reference data the notice names, loaded by the data migration organisations 0003 (and
again by the demo and the tests after a flush): the four guiding units and the special
recommending unit 其他-市质协会员与质量推进部 with its eligibility rule (docs/rules.md,
rule 13). The unit kinds are the choices of ``UnitKind``; the taxonomies come from
campaigns 0003 (``xinban.campaigns.seed``). Idempotent: rows that exist (perhaps edited by
staff) are left as they are."""

from __future__ import annotations

from typing import Any

from xinban.campaigns import seed


def load(apps: Any) -> None:
    """Create what is missing. ``apps`` is the migration's app registry or
    ``django.apps.apps``."""
    GuidingUnit = apps.get_model("organisations", "GuidingUnit")
    RecommendingUnit = apps.get_model("organisations", "RecommendingUnit")
    Nature = apps.get_model("campaigns", "OrganisationNature")
    for name in seed.GUIDING_UNITS:
        GuidingUnit.objects.get_or_create(name=name)
    unit, created = RecommendingUnit.objects.get_or_create(
        name=seed.SPECIAL_UNIT,
        defaults=dict(
            kind="association",
            position=100,  # the notice's "其他" comes after the districts, trades and groups
            requires_membership=False,
            admits_specialised_private=True,
            admits_high_tech_private=True,
        ),
    )
    if created:
        unit.eligible_natures.set(Nature.objects.filter(name__in=seed.SPECIAL_UNIT_NATURES))
