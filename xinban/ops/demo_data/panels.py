"""The demo builder's third stage: recommending units' admins and judges' panels."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.hashers import make_password

from xinban.accounts.models import User
from xinban.ops.demo_data.applications import (
    ApplicationStage,
)
from xinban.ops.demo_data.groups import (
    GROUP_BY_NAME,
)
from xinban.ops.demo_data.places import (
    ASSOCIATION_UNIT,
    DISTRICT_BY_NAME,
)
from xinban.ops.demo_data.plans import (
    CITY_EMPLOYERS,
    INDUSTRY_SLUGS,
    PANEL_SIZE,
    Panel,
    bulk_create_dated,
)
from xinban.organisations.models import (
    Organisation,
    RecommendingUnit,
    UnitMembership,
    UnitRole,
)
from xinban.recommendation.models import (
    Invitation,
    InvitationRole,
    PanelMember,
)
from xinban.scoring.models import Judge


class PanelStage(ApplicationStage):
    """Units' admins, judges and their panels."""

    # --- recommending units: admins, judges, review -------------------------------------

    def _unit_slug(self, unit: RecommendingUnit) -> str:
        if unit.name in DISTRICT_BY_NAME:
            return DISTRICT_BY_NAME[unit.name].pinyin
        if unit.name in GROUP_BY_NAME:
            return GROUP_BY_NAME[unit.name].slug
        if unit.name == ASSOCIATION_UNIT:
            return "saq-hy"
        return INDUSTRY_SLUGS.get(unit.name, f"unit{unit.pk}")

    def _email(self, local: str, domain: str) -> str:
        email = f"{local}@{domain}"
        for n in range(2, 100):
            if email not in self._emails:
                break
            email = f"{local}{n}@{domain}"
        self._emails.add(email)
        return email

    def _accounts(self, people: Sequence[tuple[str, str, str]]) -> list[User]:
        """Accounts (e-mail, name, mobile) of the people who act in the demo's history:
        unit admins and judges. They have no password: the demo logins are the ones in
        :data:`LOGINS`."""
        users = User.objects.bulk_create(
            [
                User(
                    email=email,
                    name=name,
                    mobile=mobile,
                    email_verified=True,
                    password=make_password(None),  # unusable, and no hashing
                )
                for email, name, mobile in people
            ],
            batch_size=500,
        )
        self.created.user_ids += [u.pk for u in users]
        return users

    def unit_admins(self, known: dict[str, User]) -> dict[int, User]:
        """Every unit's admin: the demo logins for the units in ``known`` (name → user,
        their memberships made by the caller), an account for each other unit."""
        admins = {self.units[name].pk: user for name, user in known.items()}
        missing = [u for u in sorted(self.units.values(), key=lambda u: u.pk) if u.pk not in admins]
        people = []
        for unit in missing:
            name, _local = self._person()
            email = self._email("admin", f"{self._unit_slug(unit)}.demo.saq")
            people.append((email, name, self._mobile()))
        for unit, user in zip(missing, self._accounts(people), strict=True):
            admins[unit.pk] = user
        UnitMembership.objects.bulk_create(
            [UnitMembership(unit=u, user=admins[u.pk], role=UnitRole.ADMIN) for u in missing]
        )
        return admins

    def _employers(self, unit: RecommendingUnit) -> list[tuple[str, str, str]]:
        """The unit's own bodies judges come from: (name, e-mail slug, district)."""
        if unit.name in DISTRICT_BY_NAME:
            d = DISTRICT_BY_NAME[unit.name]
            return [
                (f"上海市{d.name}质量技术协会", f"zjxh.{d.pinyin}", d.name),
                (f"上海市{d.name}市场监督管理局", f"scjg.{d.pinyin}", d.name),
            ]
        if unit.name in GROUP_BY_NAME:
            g = GROUP_BY_NAME[unit.name]
            district = self._district().name
            return [
                (f"{g.name}质量管理部", g.slug, district),
                (f"{g.name}技术中心", f"jszx.{g.slug}", district),
            ]
        if unit.name == ASSOCIATION_UNIT:
            return [("上海市质量协会会员与质量推进部", "saq", "长宁区")]
        slug = INDUSTRY_SLUGS.get(unit.name, f"unit{unit.pk}")
        return [
            (f"{unit.name}秘书处", slug, "静安区"),
            (f"{unit.name}专家委员会", f"zjwyh.{slug}", "黄浦区"),
        ]

    def _tgq_number(self) -> str:
        """A TGQ judge certificate number like TGQ20230517 (year of issue, serial)."""
        self._tgq += self.rng.randint(1, 29)
        return f"TGQ{self.rng.randint(2015, 2024)}{self._tgq:04d}"

    def _address(self, district: str) -> str:
        d = DISTRICT_BY_NAME.get(district) or self._district()
        return f"上海市{d.name}{self.rng.choice(d.roads)}{self.rng.randint(1, 2999)}号"

    def judge_panels(
        self,
        admins: dict[int, User],
        *,
        applicants: dict[int, list[Organisation]],
        featured: tuple[User, str] | None = None,
    ) -> dict[int, Panel]:
        """Every unit's panel of 3–7 judges with TGQ numbers, employers, addresses and
        mobiles. Judges who score have an account; some units wait for a judge to accept
        the e-mailed invitation (no account yet); some panels have a judge who works for
        an organisation that applies to the unit (``applicants``: unit id → organisations),
        who never scores that organisation. ``featured`` (user, unit name) is the demo
        login put first on that unit's panel."""
        rng = self.rng
        rows: list[tuple[int, Judge, bool]] = []  # unit id, judge, needs an account
        people: list[tuple[str, str, str]] = []
        for unit in sorted(self.units.values(), key=lambda u: (u.position, u.pk)):
            is_featured = featured is not None and unit.name == featured[1]
            size = PANEL_SIZE[1] if is_featured else rng.randint(*PANEL_SIZE)
            kinds = ["plain"] * size
            if is_featured:
                kinds[0] = "featured"
            if size >= 4 and rng.random() < 0.35:
                kinds[-1] = "pending"  # invited, has not accepted yet
            candidates = applicants.get(unit.pk, [])
            if candidates and rng.random() < 0.35:
                kinds[1] = "applicant"
            own = self._employers(unit)
            for kind in kinds:
                name, local = self._person()
                organisation: Organisation | None = None
                if kind == "applicant":
                    organisation = rng.choice(candidates)
                    plan = self.plans[organisation.pk]
                    employer, slug, address = organisation.name, plan.slug, plan.address
                else:
                    employer, slug, district = rng.choice(
                        own if kind == "featured" or rng.random() < 0.5 else CITY_EMPLOYERS
                    )
                    address = self._address(district)
                judge = Judge(
                    name=name,
                    employer=employer,
                    employer_organisation=organisation,
                    tgq_number=self._tgq_number(),
                    address=address,
                    email=self._email(local, f"{slug}.demo.saq"),
                    mobile=self._mobile(),
                )
                if kind == "featured":
                    assert featured is not None
                    user = featured[0]
                    judge.user, judge.name, judge.email = user, user.name, user.email
                    judge.mobile = user.mobile or judge.mobile
                elif kind != "pending":
                    people.append((judge.email, judge.name, judge.mobile))
                rows.append((unit.pk, judge, kind not in ("featured", "pending")))
        accounts = iter(self._accounts(people))
        for _unit_pk, judge, needs_account in rows:
            if needs_account:
                judge.user = next(accounts)
        judges = bulk_create_dated(Judge, [judge for _u, judge, _a in rows], keep=False)
        self.created.judge_ids += [j.pk for j in judges]
        PanelMember.objects.bulk_create(
            [PanelMember(unit_id=unit_pk, judge=judge) for unit_pk, judge, _a in rows]
        )
        Invitation.objects.bulk_create(
            [
                Invitation(
                    unit_id=unit_pk,
                    email=judge.email,
                    role=InvitationRole.JUDGE,
                    token=f"demo-{rng.getrandbits(160):040x}",
                    judge=judge,
                    invited_by=admins[unit_pk],
                )
                for unit_pk, judge, _a in rows
                if judge.user_id is None
            ]
        )
        panels = {pk: Panel(unit=u, admin=admins[pk]) for pk, u in self.units_by_pk().items()}
        for unit_pk, judge, _a in rows:
            panels[unit_pk].judges.append(judge)
        return panels

    def units_by_pk(self) -> dict[int, RecommendingUnit]:
        return {u.pk: u for u in self.units.values()}
