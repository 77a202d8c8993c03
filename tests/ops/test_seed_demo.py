"""``manage.py seed_demo``: the demo respects the campaign's rules and gives every role a
login that works."""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from decimal import Decimal
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
from xinban.core.models import AuditEntry
from xinban.core.validators import (
    team_name_problem,
    validate_mainland_mobile,
    validate_percentage,
)
from xinban.ops.demo_data import (
    DEMO_PASSWORD,
    DISTRICTS,
    LOGINS,
    RECOMMENDED_STATES,
    REVIEWED_STATES,
)
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
from xinban.recommendation.models import (
    Invitation,
    PanelMember,
    Recommendation,
    ReportStatus,
    UnitRecommendationReport,
)
from xinban.recommendation.services import quota_for, report_problems
from xinban.scoring import aggregation
from xinban.scoring.models import CriterionScore, Judge, ScoreSheet, SheetStatus, Stage
from xinban.scoring.services import engine_criteria, rubric_for

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


@pytest.fixture
def medium(db: Any) -> str:
    return seed(organisations=60)


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
        assert not association.requires_membership  # rule 13: foreign, or private 专精特新/高新
        assert association.admits_specialised_private and association.admits_high_tech_private
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
        # The judge is on 浦东新区's panel, not a member of the unit (who sees everything).
        assert not UnitMembership.objects.filter(user__email="judge@demo.saq").exists()
        judge = Judge.objects.get(user__email="judge@demo.saq")
        assert list(judge.unit_panels.values_list("unit__name", flat=True)) == ["浦东新区"]
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


def unit_side_counts() -> dict[str, int]:
    return {
        "judges": Judge.objects.count(),
        "panel": PanelMember.objects.count(),
        "invitations": Invitation.objects.count(),
        "sheets": ScoreSheet.objects.count(),
        "scores": CriterionScore.objects.count(),
        "reports": UnitRecommendationReport.objects.count(),
        "recommendations": Recommendation.objects.count(),
        "memberships": UnitMembership.objects.count(),
    }


class TestRuns:
    def test_second_run_changes_nothing_and_reset_rebuilds_the_same(
        self, small: str, django_capture_on_commit_callbacks: Any
    ) -> None:
        counts = (Organisation.objects.count(), Application.objects.count(), User.objects.count())
        units_side = unit_side_counts()
        assert all(units_side.values()), units_side
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
        old_files += list(
            UnitRecommendationReport.objects.exclude(stamped_scan="").values_list(
                "stamped_scan", flat=True
            )
        )
        assert len(old_files) > Application.objects.exclude(stamped_form="").count()
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
        assert unit_side_counts() == units_side  # the previous run's rows are all gone
        new_files = set(
            Application.objects.exclude(stamped_form="").values_list("stamped_form", flat=True)
        )
        new_files |= set(
            UnitRecommendationReport.objects.exclude(stamped_scan="").values_list(
                "stamped_scan", flat=True
            )
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

    def test_default_scale_is_the_documented_size(self, db: Any) -> None:
        # How long seeding takes is a figure of `make bench` ("seeded … in Ns"), not a
        # timed test: shared machines make those flaky (docs/benchmarks.md).
        output = seed()
        assert Organisation.objects.count() == 200
        assert Application.objects.filter(campaign__year=this_year()).count() == 400
        for year in (this_year() - 1, this_year() - 2):
            assert Application.objects.filter(campaign__year=year).count() == 150
        for login in LOGINS:
            assert login.email in output


def unit_sheets() -> Any:
    return ScoreSheet.objects.filter(stage=Stage.UNIT).select_related(
        "judge", "application__campaign"
    )


class TestRecommendingUnits:
    """The units' side agrees with the applications' states and with the rules the
    services enforce."""

    def test_every_unit_has_a_panel_of_judges_with_their_details(self, medium: str) -> None:
        sizes = Counter(PanelMember.objects.values_list("unit_id", flat=True))
        assert set(sizes) == set(RecommendingUnit.objects.values_list("pk", flat=True))
        assert all(3 <= n <= 7 for n in sizes.values()), sizes
        judges = list(Judge.objects.all())
        assert len({j.email for j in judges}) == len(judges)
        assert len({j.tgq_number for j in judges}) == len(judges)
        for judge in judges:
            judge.full_clean()
            assert re.fullmatch(r"TGQ20\d{6}", judge.tgq_number), judge.tgq_number
            validate_mainland_mobile(judge.mobile)
            assert judge.employer and judge.address.startswith("上海市")
        # Judges who score have accounts; the others wait for their invitation.
        pending = [j for j in judges if j.user_id is None]
        assert pending and len(pending) < len(judges) / 4
        invited = set(Invitation.objects.values_list("judge_id", flat=True))
        assert {j.pk for j in pending} <= invited
        assert any(j.employer_organisation_id for j in judges)

    def test_sheets_by_the_units_judges_never_of_their_own_organisation(self, medium: str) -> None:
        panels = set(PanelMember.objects.values_list("unit_id", "judge_id"))
        sheets = list(unit_sheets())
        assert sheets
        for sheet in sheets:
            app = sheet.application
            assert (app.recommending_unit_id, sheet.judge_id) in panels, sheet
            assert sheet.judge.employer_organisation_id != app.organisation_id, sheet
            assert sheet.judge.user_id is not None
            assert not Organisation.objects.filter(
                pk=app.organisation_id, members=sheet.judge.user_id
            ).exists()
        per_application = Counter(s.application_id for s in sheets)
        assert all(2 <= n <= 5 for n in per_application.values()), per_application

    def test_sheets_follow_the_applications_states(self, medium: str) -> None:
        sheets: dict[int, list[ScoreSheet]] = defaultdict(list)
        for sheet in unit_sheets():
            sheets[sheet.application_id].append(sheet)
        for app in Application.objects.select_related("campaign"):
            mine = sheets.get(app.pk, [])
            assert bool(mine) == (app.state in REVIEWED_STATES), (app.number, app.state)
            if app.state != S.SUBMITTED:
                assert all(s.status == SheetStatus.SUBMITTED for s in mine), app.number
        current = [
            s
            for s in unit_sheets().filter(application__state=S.SUBMITTED)
            if s.application.campaign.year == this_year()
        ]
        assert {s.status for s in current} == set(SheetStatus.values)

    def test_totals_are_the_weighted_totals_of_the_points(self, medium: str) -> None:
        rubrics = {}
        for campaign in Campaign.objects.all():
            rubric = rubric_for(campaign=campaign, stage=Stage.UNIT)
            rubrics[campaign.pk] = (
                {c.pk: c for c in rubric.criteria.all()},
                engine_criteria(rubric),
            )
        points: dict[int, dict[int, Decimal]] = defaultdict(dict)
        for score in CriterionScore.objects.all():
            points[score.sheet_id][score.criterion_id] = score.points
        for sheet in unit_sheets():
            criteria, engine = rubrics[sheet.application.campaign_id]
            mine = points.get(sheet.pk, {})
            assert set(mine) <= set(criteria)
            for criterion_id, value in mine.items():
                assert 0 <= value <= criteria[criterion_id].max_points
                assert value == value.quantize(Decimal("0.1"))
            if sheet.status == SheetStatus.SUBMITTED:
                assert set(mine) == set(criteria)
                expected = aggregation.weighted_total({str(k): v for k, v in mine.items()}, engine)
                assert sheet.total == expected.quantize(Decimal("0.001")), sheet
                assert sheet.conformity and sheet.features and sheet.shortcomings
                assert sheet.submitted_at and sheet.assigned_at <= sheet.submitted_at
            else:
                assert sheet.total is None and sheet.submitted_at is None
                if sheet.status == SheetStatus.ASSIGNED:
                    assert not mine and not sheet.conformity

    def test_recommended_states_are_the_submitted_reports_recommendations(
        self, medium: str
    ) -> None:
        recommendations = {
            r.application_id: r
            for r in Recommendation.objects.select_related("report", "application")
        }
        assert recommendations
        for app in Application.objects.all():
            rec = recommendations.get(app.pk)
            submitted = rec is not None and rec.report.status == ReportStatus.SUBMITTED
            assert submitted == (app.state in RECOMMENDED_STATES), (app.number, app.state)
            if rec is not None:
                assert rec.report.unit_id == app.recommending_unit_id
                assert rec.report.campaign_id == app.campaign_id
                assert rec.opinion.strip()
                if not submitted:
                    assert app.state == S.SUBMITTED
        for report in UnitRecommendationReport.objects.select_related("unit", "campaign"):
            positions = sorted(report.recommendations.values_list("position", flat=True))
            assert positions == list(range(1, len(positions) + 1))
            waiting = Application.objects.filter(
                recommending_unit=report.unit,
                campaign=report.campaign,
                state__in=[S.SUBMITTED, S.RETURNED],
            )
            decided = Application.objects.filter(
                recommending_unit=report.unit,
                campaign=report.campaign,
                state__in=[*RECOMMENDED_STATES, S.NOT_RECOMMENDED],
            )
            if report.status == ReportStatus.SUBMITTED:
                assert report_problems(report) == {}, (report, report_problems(report))
                assert report.submitted_at and report.submitted_by_id
                assert default_storage.exists(report.stamped_scan.name)
                assert not waiting.exists(), report
            else:
                assert report.status == ReportStatus.DRAFT
                assert not decided.exists(), report
        # Every decision comes from a submitted report.
        for app in Application.objects.filter(state=S.NOT_RECOMMENDED):
            assert UnitRecommendationReport.objects.filter(
                unit_id=app.recommending_unit_id,
                campaign_id=app.campaign_id,
                status=ReportStatus.SUBMITTED,
            ).exists(), app.number

    def test_recommendations_within_the_quota_and_in_the_order_of_the_scores(
        self, medium: str
    ) -> None:
        for report in UnitRecommendationReport.objects.select_related("unit", "campaign"):
            recs = list(report.recommendations.select_related("application"))
            per_organisation = Counter(r.application.organisation_id for r in recs)
            quota = quota_for(unit=report.unit, campaign=report.campaign)
            assert all(n <= quota for n in per_organisation.values()), report
            scores = {}
            for rec in recs:
                totals = [
                    s.total
                    for s in rec.application.score_sheets.filter(
                        status=SheetStatus.SUBMITTED, stage=Stage.UNIT
                    )
                ]
                assert totals, rec
                # Ranks compare scores as displayed (two decimals).
                scores[rec.position] = aggregation.round_display(aggregation.aggregate(totals))
            ordered = [scores[p] for p in sorted(scores)]
            assert ordered == sorted(ordered, reverse=True), report

    def test_unit_x_is_reviewing_with_a_draft_report(self, medium: str) -> None:
        report = UnitRecommendationReport.objects.get(
            unit__name="浦东新区", campaign__year=this_year()
        )
        assert report.status == ReportStatus.DRAFT
        recommended = set(report.recommendations.values_list("application_id", flat=True))
        assert 1 <= len(recommended) <= 4
        submitted = Application.objects.filter(
            recommending_unit=report.unit, campaign=report.campaign, state=S.SUBMITTED
        )
        fully_scored = [
            a.pk
            for a in submitted
            if a.score_sheets.exists()
            and not a.score_sheets.exclude(status=SheetStatus.SUBMITTED).exists()
        ]
        assert recommended <= set(fully_scored)
        assert set(fully_scored) - recommended, "nothing left for the admin to recommend"
        assert submitted.filter(score_sheets__status=SheetStatus.ASSIGNED).exists()
        # Unit X's admin can open the pages of the journey.
        client = Client()
        client.force_login(User.objects.get(email="unit-x@demo.saq"))
        for name in ("inbox", "ranking", "report", "judges"):
            url = reverse(f"recommendation:{name}", args=[report.unit_id])
            assert client.get(url).status_code == 200, name

    def test_judge_has_sheets_in_every_status_in_pudong(self, medium: str) -> None:
        judge = Judge.objects.get(user__email="judge@demo.saq")
        sheets = list(judge.sheets.select_related("application__recommending_unit"))
        assert {s.status for s in sheets} == set(SheetStatus.values)
        assert {s.application.recommending_unit.name for s in sheets} == {"浦东新区"}
        assert all(s.application.state == S.SUBMITTED for s in sheets)
        client = Client()
        client.force_login(judge.user)
        assert client.get(reverse("recommendation:judge_home")).status_code == 200
        for sheet in sheets:
            url = reverse("recommendation:judge_sheet", args=[sheet.pk])
            assert client.get(url).status_code == 200
