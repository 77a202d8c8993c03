"""The demo builder's first stage: reference data, campaigns, organisations and their
registrations (附件2), and the demo's users."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from datetime import time as dtime
from typing import Any

from django.apps import apps as django_apps
from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.utils import timezone

from xinban.accounts.models import User
from xinban.applications.services import (
    application_number_next,
)
from xinban.campaigns import seed as taxonomy
from xinban.campaigns.models import (
    Campaign,
    Domain,
    Industry,
    OrganisationNature,
    Phase,
    PhaseKind,
    TeamType,
)
from xinban.ops.demo_data.groups import (
    BRANDS,
    GIVEN_NAMES,
    GROUPS,
    MOBILE_PREFIXES,
    OTHER_NATURES,
    SURNAMES,
    TITLES,
    Group,
)
from xinban.ops.demo_data.places import (
    ASSOCIATION_UNIT,
    D_MANUFACTURING,
    DEMO_PASSWORD,
    DISTRICT_KIND_WEIGHTS,
    DISTRICT_WEIGHTS,
    DISTRICTS,
    INDUSTRY_UNITS,
    KINDS,
    PHASE_RESPONSIBLE,
    District,
)
from xinban.ops.demo_data.plans import (
    Created,
    Login,
    Numbering,
    OrgPlan,
    aware,
    bulk_create_dated,
    open_window,
    year_window,
)
from xinban.organisations import reference
from xinban.organisations.models import (
    GuidingUnit,
    Organisation,
    Participation,
    RecommendingUnit,
    Registration,
    UnitKind,
)


class OrganisationStage:
    """Builds the demo's rows quickly (bulk inserts) and consistently with the rules.

    ``numbering`` gives each application its 编号 (default: the service's
    ``application_number_next``); ``with_files`` writes a sample stamped scan for each
    application that needs one; ``backdate`` spreads created/updated times over the year.
    """

    def __init__(
        self,
        *,
        rng: random.Random,
        numbering: Numbering = application_number_next,
        with_files: bool = True,
        backdate: bool = True,
    ) -> None:
        self.rng = rng
        self.numbering = numbering
        self.with_files = with_files
        self.backdate = backdate
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.created = Created()
        self.natures = {n.name: n for n in OrganisationNature.objects.all()}
        self.industries = {i.name: i for i in Industry.objects.all()}
        self.domains = {d.name: d for d in Domain.objects.all()}
        self.team_types = list(TeamType.objects.filter(active=True).order_by("position", "id"))
        missing = [n for n, *_ in taxonomy.NATURES if n not in self.natures]
        if missing or len(self.domains) < len(taxonomy.DOMAINS) or not self.team_types:
            raise CommandError(
                "分类数据缺失：请先运行 manage.py migrate（campaigns 0003 会写入它们）。"
            )
        self.units: dict[str, RecommendingUnit] = {}
        self.plans: dict[int, OrgPlan] = {}  # organisation id → plan
        self.used_names: set[str] = set(Organisation.objects.values_list("name", flat=True))
        self._pdf: bytes | None = None
        self._report_pdf: bytes | None = None
        self._password_hash: str | None = None
        self._emails: set[str] = set()
        self._tgq = rng.randint(100, 900)
        self._bias: dict[int, float] = {}  # judge id → how harsh (−) or lenient (+)

    # --- reference data -----------------------------------------------------------------

    def ensure_units(self) -> None:
        specs: list[tuple[str, str]] = [(d.name, UnitKind.DISTRICT) for d in DISTRICTS]
        specs += [(name, UnitKind.INDUSTRY) for name in INDUSTRY_UNITS]
        specs += [(g.name, UnitKind.GROUP) for g in GROUPS]
        # The special unit and its rule are reference data (organisations 0003), not demo.
        reference.load(django_apps)
        existing = {u.name: u for u in RecommendingUnit.objects.all()}
        new = [
            RecommendingUnit(name=name, kind=kind, position=i + 1)
            for i, (name, kind) in enumerate(specs)
            if name not in existing
        ]
        RecommendingUnit.objects.bulk_create(new)
        created = {u.name for u in new}
        self.created.unit_ids += [u.pk for u in RecommendingUnit.objects.filter(name__in=created)]
        self.units = {u.name: u for u in RecommendingUnit.objects.all()}

    def ensure_guiding_units(self) -> list[GuidingUnit]:
        result = []
        for name in taxonomy.GUIDING_UNITS:
            unit, created = GuidingUnit.objects.get_or_create(name=name)
            if created:
                self.created.guiding_unit_ids.append(unit.pk)
            result.append(unit)
        return result

    def campaign(self, year: int, *, open_now: bool) -> Campaign:
        campaign = Campaign.objects.create(
            year=year,
            title=f"{year}年上海市“质量信得过班组”建设活动",
            results_published=not open_now,
        )
        phases = []
        for kind in PhaseKind:  # the notice's order
            starts, ends = open_window(self.today) if open_now else year_window(year, kind)
            phases.append(
                Phase(
                    campaign=campaign,
                    kind=kind,
                    starts_at=starts,
                    ends_at=ends,
                    responsible=PHASE_RESPONSIBLE[kind],
                )
            )
        Phase.objects.bulk_create(phases)
        self.created.campaign_ids.append(campaign.pk)
        self.created.years.append(year)
        return campaign

    # --- organisations ------------------------------------------------------------------

    def _person(self) -> tuple[str, str]:
        surname, s_py = self.rng.choice(SURNAMES)
        given, g_py = self.rng.choice(GIVEN_NAMES)
        return surname + given, f"{g_py}.{s_py}"

    def _mobile(self) -> str:
        prefix = self.rng.choice(MOBILE_PREFIXES)
        return prefix + "".join(self.rng.choices("0123456789", k=11 - len(prefix)))

    def _weighted(self, weights: dict[str, int] | Sequence[tuple[str, int]]) -> str:
        items = list(weights.items()) if isinstance(weights, dict) else list(weights)
        return self.rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]

    def _district(self) -> District:
        return self.rng.choices(
            DISTRICTS, weights=[DISTRICT_WEIGHTS.get(d.name, 1) for d in DISTRICTS]
        )[0]

    def plan_organisation(self) -> OrgPlan:
        rng = self.rng
        district = self._district()
        roll = rng.random()
        group: Group | None = None
        if roll < 0.55:
            unit = district.name
            kind = KINDS[self._weighted(DISTRICT_KIND_WEIGHTS)]
        elif roll < 0.78:
            unit = rng.choice(list(INDUSTRY_UNITS))
            kind = KINDS[rng.choice(INDUSTRY_UNITS[unit])]
        else:
            group = rng.choice(GROUPS)
            unit = group.name
            kind = KINDS["manufacturing" if group.domain == D_MANUFACTURING else "services"]
        street = rng.choice(district.streets)
        for attempt in range(60):
            if group is not None:
                word, wshort, code, industries = rng.choice(group.words)
                brand, slug = group.brand, f"{code}.{group.slug}"
                name = (
                    f"{brand}{word}有限公司"
                    if attempt < 30
                    else f"{brand}{word}{district.short}分公司"
                )
                short = f"{brand}{wshort}"
                domain = group.domain
                industry_other = group.industry_other
            else:
                word, wshort, code, industries = rng.choice(kind.words)
                brand, brand_py = rng.choice(BRANDS)
                suffix = rng.choice(kind.suffixes)
                values = {
                    "brand": brand,
                    "word": word,
                    "suffix": suffix,
                    "wshort": wshort,
                    "district": district.name,
                    "dshort": district.short,
                    "street": street,
                }
                name = kind.pattern.format(**values)
                short = kind.short.format(**values)
                slug = (
                    f"{brand_py}-{code}"
                    if "{brand}" in kind.pattern
                    else f"{district.pinyin}-{code}"
                )
                domain = kind.domain
                industry_other = kind.industry_other
                if attempt >= 30:  # crowded: a branch of an existing name
                    name = f"{name}{district.short}分公司"
                    street = rng.choice(district.streets)
            if attempt >= 50:
                name = f"{name[:-3]}第{attempt - 48}分公司"
            if name not in self.used_names:
                break
        self.used_names.add(name)
        if group is not None:
            nature = "国有" if rng.random() < 0.85 else "合资"
        else:
            nature = self._weighted(kind.natures)
        is_specialised = rng.random() < kind.specialised
        is_high_tech = rng.random() < kind.high_tech
        is_member = rng.random() < (0.7 if nature == "外资" or is_specialised else 0.4)
        eligible_for_association = is_member and (
            nature == "外资" or is_specialised or (is_high_tech and nature == "民营")
        )
        if eligible_for_association and rng.random() < 0.3:
            unit = ASSOCIATION_UNIT
        promoter, email_local = self._person()
        department = rng.choice(kind.departments)
        return OrgPlan(
            name=name,
            short_name=short[:40],
            slug=slug,
            district=district,
            domain=domain,
            nature=nature,
            nature_other=rng.choice(OTHER_NATURES) if nature == "其他" else "",
            industries=industries,
            industry_other=(industry_other or "其他服务业") if "其他" in industries else "",
            unit=unit,
            is_member=is_member,
            is_specialised=is_specialised,
            is_high_tech=is_high_tech,
            department=department,
            promoter_name=promoter,
            promoter_email=f"{email_local}@{slug}.demo.saq",
            promoter_mobile=self._mobile(),
            promoter_position=f"{department} {rng.choice(TITLES)}",
            address=f"上海市{district.name}{rng.choice(district.roads)}{rng.randint(1, 2999)}号",
            postcode=f"{district.postcode + rng.randint(0, 9):06d}",
        )

    def create_organisations(self, plans: Sequence[OrgPlan]) -> list[Organisation]:
        organisations = Organisation.objects.bulk_create(
            [Organisation(name=p.name, short_name=p.short_name) for p in plans], batch_size=500
        )
        for organisation, plan in zip(organisations, plans, strict=True):
            assert organisation.pk is not None
            self.plans[organisation.pk] = plan
            self.created.organisation_ids.append(organisation.pk)
        return organisations

    def register(
        self,
        campaign: Campaign,
        organisations: Sequence[Organisation],
        *,
        continuing: set[int] | None = None,
    ) -> list[Registration]:
        """附件2 for each organisation; returns them with everything the snapshot needs."""
        continuing = continuing or set()
        rows = []
        for organisation in organisations:
            plan = self.plans[organisation.pk]
            rows.append(
                Registration(
                    organisation=organisation,
                    campaign=campaign,
                    is_member=plan.is_member,
                    nature=self.natures[plan.nature],
                    nature_other=plan.nature_other,
                    industry_other=plan.industry_other,
                    domain=self.domains[plan.domain],
                    is_specialised=plan.is_specialised,
                    is_high_tech=plan.is_high_tech,
                    address=plan.address,
                    postcode=plan.postcode,
                    management_department=plan.department,
                    promoter_name=plan.promoter_name,
                    promoter_position=plan.promoter_position,
                    promoter_mobile=plan.promoter_mobile,
                    promoter_email=plan.promoter_email,
                    participation=Participation.CONTINUING
                    if organisation.pk in continuing
                    else Participation.FIRST_TIME,
                    applies_with_experience=True,
                )
            )
        if self.backdate and campaign.year < self.today.year:
            for row in rows:
                row.created_at = row.updated_at = aware(
                    date(campaign.year, 2, 1) + timedelta(days=self.rng.randint(0, 100)),
                    dtime(9 + self.rng.randint(0, 8), self.rng.randint(0, 59)),
                )
        registrations = bulk_create_dated(Registration, rows, keep=self.backdate)
        through = Registration.industries.through
        through.objects.bulk_create(
            [
                through(registration_id=r.pk, industry_id=self.industries[name].pk)
                for r in registrations
                for name in self.plans[r.organisation_id].industries
            ],
            batch_size=1000,
        )
        ids = {r.pk for r in registrations}
        return [
            r
            # In creation order: PostgreSQL returns an unordered query's rows in any order
            # (a reset's new rows fill the freed space), and the plans shuffle this list.
            for r in Registration.objects.filter(campaign=campaign)
            .order_by("pk")
            .select_related("organisation", "nature", "domain", "campaign")
            .prefetch_related("industries")
            if r.pk in ids
        ]

    # --- people -------------------------------------------------------------------------

    def user(self, login: Login, *, usable: bool = True, **extra: Any) -> User:
        """A verified demo user. The password is hashed once (argon2 is slow on purpose)
        and the hash shared by the demo accounts, which all have the same password."""
        user = User(email=login.email, name=login.name, email_verified=True, **extra)
        if not usable:
            user.set_unusable_password()
        else:
            if self._password_hash is None:
                self._password_hash = make_password(DEMO_PASSWORD)
            user.password = self._password_hash
        user.save()
        self.created.user_ids.append(user.pk)
        return user
