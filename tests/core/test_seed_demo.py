"""``manage.py seed_demo``: the demo respects the campaign's rules and gives every role a
login that works."""

from __future__ import annotations

import io
import time
from collections import defaultdict
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xinban.accounts.models import User
from xinban.applications.models import (
    ACTIVE_STATES,
    COMMITMENT_FIELDS,
    MATERIAL_FIELDS,
    Application,
    ApplicationState,
)
from xinban.applications.services import accepted_team_name_endings
from xinban.campaigns.models import Campaign, Phase, PhaseKind
from xinban.campaigns.seed import GUIDING_UNITS
from xinban.campaigns.selectors import phase_is_open
from xinban.core.audit import audit_record
from xinban.core.management.commands.seed_demo import DEMO_PASSWORD, DISTRICTS, LOGINS
from xinban.core.models import AuditEntry
from xinban.core.validators import team_name_problem, validate_percentage
from xinban.organisations.models import (
    GuidingUnit,
    Organisation,
    RecommendingUnit,
    Registration,
    UnitKind,
    UnitMembership,
    UnitRole,
)
from xinban.organisations.services import unit_accepts

pytestmark = pytest.mark.django_db

S = ApplicationState
PERCENT_FIELDS = [
    "completion_rate",
    "qualification_rate",
    "nonconformity_rate",
    "first_pass_rate",
    "improvement_participation_rate",
    "coverage_rate",
]


def seed(**options: Any) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def small(db: Any) -> str:
    return seed(organisations=20)


def this_year() -> int:
    return timezone.localdate().year


class TestCampaigns:
    def test_current_year_has_every_phase_open_now_in_the_notices_order(self, small: str) -> None:
        campaign = Campaign.objects.get(year=this_year())
        assert not campaign.results_published
        assert [p.kind for p in campaign.phases.all()] == list(PhaseKind)
        for kind in PhaseKind:
            assert phase_is_open(campaign=campaign, kind=kind), kind

    def test_two_past_years_closed_published_with_the_notices_months(self, small: str) -> None:
        now = timezone.now()
        for year in (this_year() - 1, this_year() - 2):
            campaign = Campaign.objects.get(year=year)
            assert campaign.results_published
            phases = {p.kind: p for p in campaign.phases.all()}
            assert set(phases) == set(PhaseKind)
            assert all(p.ends_at < now for p in phases.values())
            local = {
                k: (timezone.localtime(p.starts_at), timezone.localtime(p.ends_at))
                for k, p in phases.items()
            }
            start, end = local[PhaseKind.APPLICATION]
            assert (start.month, start.day, start.hour) == (2, 1, 0)
            assert (end.month, end.day) == (5, 31)
            assert local[PhaseKind.RECOMMENDATION][0].month == 4
            assert local[PhaseKind.RECOMMENDATION][1].month == 6
            assert local[PhaseKind.EVALUATION][0].month == 7
            assert local[PhaseKind.PUBLICATION][0].month == 8
            assert local[PhaseKind.EXCHANGE][0].month == 9
            assert local[PhaseKind.PROMOTION][1].month == 12
            assert (local[PhaseKind.TRAINING][0].month, local[PhaseKind.TRAINING][1].month) == (
                1,
                12,
            )
            assert local[PhaseKind.BRIEFING][1].month == 2

    def test_units(self, small: str) -> None:
        districts = set(
            RecommendingUnit.objects.filter(kind=UnitKind.DISTRICT).values_list("name", flat=True)
        )
        assert districts == {d.name for d in DISTRICTS}
        assert len(districts) == 16
        assert RecommendingUnit.objects.filter(kind=UnitKind.INDUSTRY).count() >= 4
        assert RecommendingUnit.objects.filter(kind=UnitKind.GROUP).count() >= 6
        association = RecommendingUnit.objects.get(kind=UnitKind.ASSOCIATION)
        assert association.name == "其他-市质协会员与质量推进部"
        assert association.requires_membership
        assert association.admits_specialised and association.admits_high_tech_private
        assert [n.name for n in association.eligible_natures.all()] == ["外资"]
        assert set(GuidingUnit.objects.values_list("name", flat=True)) == set(GUIDING_UNITS)


class TestApplications:
    def test_limits_and_team_types_per_organisation_and_year(self, small: str) -> None:
        groups: dict[tuple[int, int], list[Application]] = defaultdict(list)
        for app in Application.objects.select_related("campaign"):
            groups[(app.organisation_id, app.campaign_id)].append(app)
        assert groups
        for apps in groups.values():
            active = [a for a in apps if a.state in ACTIVE_STATES]
            assert len(active) <= apps[0].campaign.max_applications_per_org
            assert len({a.team_type_id for a in apps}) == len(apps)
            assert len({a.team_name for a in apps}) == len(apps)

    def test_team_names_follow_the_naming_rule(self, small: str) -> None:
        endings = accepted_team_name_endings()
        for name in Application.objects.values_list("team_name", flat=True):
            assert team_name_problem(name, endings) is None, name
            assert not name.endswith("班组")

    def test_indicators(self, small: str) -> None:
        for app in Application.objects.all():
            assert app.accidents_per_year == 0
            assert app.team_size >= 1
            for name in PERCENT_FIELDS:
                value = getattr(app, name)
                if value is not None or app.state != S.DRAFT:
                    validate_percentage(value)
                    assert value is not None

    def test_submitted_ones_are_complete_frozen_and_versioned(self, small: str) -> None:
        submitted = Application.objects.exclude(state=S.DRAFT).select_related("organisation")
        assert submitted.exists()
        for app in submitted:
            assert all(getattr(app, f) for f in COMMITMENT_FIELDS), app.number
            assert app.eligibility_basic_unit and app.eligibility_no_accidents
            assert all(getattr(app, f).strip() for f in MATERIAL_FIELDS.values())
            assert app.organisation_snapshot["name"] == app.organisation.name
            assert app.submitted_at is not None
            assert app.revisions.filter(number=1).exists()
            assert app.stamped_form and default_storage.exists(str(app.stamped_form.name))
            if app.state == S.RETURNED:
                assert app.return_reason

    def test_numbers_are_per_year_and_unique(self, small: str) -> None:
        numbers = list(Application.objects.values_list("number", "campaign__year"))
        assert len({n for n, _ in numbers}) == len(numbers)
        assert all(n.startswith(str(year)) and len(n) == 8 for n, year in numbers)

    def test_every_state_of_the_current_year_and_only_final_ones_before(self) -> None:
        seed(organisations=60)
        current = set(
            Application.objects.filter(campaign__year=this_year()).values_list("state", flat=True)
        )
        assert {S.DRAFT, S.SUBMITTED, S.RETURNED, S.RECOMMENDED, S.SELECTED} <= current
        past = set(
            Application.objects.filter(campaign__year__lt=this_year()).values_list(
                "state", flat=True
            )
        )
        assert past <= {S.SELECTED, S.TYPICAL, S.NOT_SELECTED}
        assert S.SELECTED in past

    def test_chosen_units_accept_the_organisation(self, small: str) -> None:
        registrations = {
            (r.organisation_id, r.campaign_id): r
            for r in Registration.objects.select_related("nature")
        }
        for app in Application.objects.select_related("recommending_unit"):
            registration = registrations[(app.organisation_id, app.campaign_id)]
            assert unit_accepts(app.recommending_unit, registration), app.number


class TestRegistrations:
    def test_every_organisation_registered_this_year_with_valid_fields(self, small: str) -> None:
        assert Registration.objects.filter(campaign__year=this_year()).count() == 20
        assert Registration.objects.filter(campaign__year__lt=this_year()).count() > 0
        for registration in Registration.objects.all():
            registration.full_clean()
            assert registration.industries.exists()
        for organisation in Organisation.objects.all():
            assert organisation.short_name and len(organisation.short_name) <= 40


class TestLogins:
    def test_every_role_can_log_in(self, small: str) -> None:
        for login in LOGINS:
            user = authenticate(None, username=login.email, password=DEMO_PASSWORD)
            assert user is not None, login.email
            assert user.email_verified
        staff = User.objects.get(email="staff@demo.saq")
        assert staff.is_association_staff and staff.is_staff and staff.is_superuser
        expert = User.objects.get(email="expert@demo.saq")
        assert not expert.is_association_staff and not expert.is_staff

    def test_applicants_have_a_registration_and_a_draft(self, small: str) -> None:
        for email, unit in (
            ("applicant-a@demo.saq", "浦东新区"),
            ("applicant-b@demo.saq", "黄浦区"),
        ):
            user = User.objects.get(email=email)
            organisation = user.organisations.get()
            assert organisation.registrations.filter(campaign__year=this_year()).exists()
            apps = Application.objects.filter(organisation=organisation, campaign__year=this_year())
            assert apps.filter(state=S.DRAFT).exists()
            submitted = apps.exclude(state=S.DRAFT)
            assert submitted.exists()
            assert set(submitted.values_list("recommending_unit__name", flat=True)) == {unit}
        a = User.objects.get(email="applicant-a@demo.saq").organisations.get()
        b = User.objects.get(email="applicant-b@demo.saq").organisations.get()
        assert a != b

    def test_units_judge_and_guide(self, small: str) -> None:
        def membership(email: str) -> UnitMembership:
            return UnitMembership.objects.select_related("unit").get(user__email=email)

        assert (membership("unit-x@demo.saq").unit.name, membership("unit-x@demo.saq").role) == (
            "浦东新区",
            UnitRole.ADMIN,
        )
        assert (membership("unit-y@demo.saq").unit.name, membership("unit-y@demo.saq").role) == (
            "黄浦区",
            UnitRole.ADMIN,
        )
        assert (membership("judge@demo.saq").unit.name, membership("judge@demo.saq").role) == (
            "浦东新区",
            UnitRole.MEMBER,
        )
        guide = User.objects.get(email="guide@demo.saq")
        assert list(guide.guiding_units.values_list("name", flat=True)) == [GUIDING_UNITS[0]]

    def test_demo_pages_open_for_the_personas(self, small: str) -> None:
        a = User.objects.get(email="applicant-a@demo.saq")
        client = Client()
        client.force_login(a)
        assert client.get(reverse("applications:dashboard")).status_code == 200
        draft = Application.objects.get(organisation__members=a, state=S.DRAFT)
        assert client.get(reverse("applications:detail", args=[draft.pk])).status_code == 200
        staff = Client()
        staff.force_login(User.objects.get(email="staff@demo.saq"))
        assert staff.get(reverse("applications:staff_list")).status_code == 200


class TestRuns:
    def test_second_run_changes_nothing_and_reset_rebuilds_the_same(
        self, small: str, django_capture_on_commit_callbacks: Any
    ) -> None:
        counts = (Organisation.objects.count(), Application.objects.count(), User.objects.count())
        names = sorted(Organisation.objects.values_list("name", flat=True))
        assert "--reset" in seed(organisations=20)
        assert (
            Organisation.objects.count(),
            Application.objects.count(),
            User.objects.count(),
        ) == counts
        old_files = list(
            Application.objects.exclude(stamped_form="").values_list("stamped_form", flat=True)
        )
        # Someone tried the demo: the audit log points at a demo user and application.
        applicant = User.objects.get(email="applicant-a@demo.saq")
        audit_record(
            actor=applicant,
            action="application.update",
            obj=Application.objects.filter(organisation__members=applicant)[0],
        )
        with django_capture_on_commit_callbacks(execute=True):
            seed(organisations=20, reset=True)
        assert (
            Organisation.objects.count(),
            Application.objects.count(),
            User.objects.count(),
        ) == counts
        assert sorted(Organisation.objects.values_list("name", flat=True)) == names
        assert Campaign.objects.count() == 3
        assert Phase.objects.count() == 27
        new_files = set(
            Application.objects.exclude(stamped_form="").values_list("stamped_form", flat=True)
        )
        assert all(name in new_files or not default_storage.exists(name) for name in old_files)
        entry = AuditEntry.objects.get(action="application.update")
        assert entry.actor is None and entry.actor_repr  # the log keeps who it was

    def test_refuses_a_database_with_real_campaigns(self, db: Any) -> None:
        from django.core.management.base import CommandError

        Campaign.objects.create(year=this_year(), title="真实年度")
        with pytest.raises(CommandError):
            seed(organisations=5)
        assert not Organisation.objects.exists()

    def test_default_scale_is_quick(self, db: Any) -> None:
        started = time.monotonic()
        output = seed()
        elapsed = time.monotonic() - started
        assert elapsed < 40
        assert Organisation.objects.count() == 200
        assert Application.objects.filter(campaign__year=this_year()).count() == 400
        for year in (this_year() - 1, this_year() - 2):
            assert Application.objects.filter(campaign__year=year).count() == 150
        for login in LOGINS:
            assert login.email in output
