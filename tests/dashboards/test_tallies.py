"""The dashboards' summary rows (xinban/dashboards/tallies.py) equal a count from scratch
after any sequence of changes to what they count: states (the lifecycle's transitions
included), units, team types, registrations' domains and industries, recommendation lists
and their 附件5's status, new and deleted applications."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import make_registration, make_user
from tests.recommendation.factories import make_application
from xinban.applications.lifecycle import transition
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign, Domain, Industry, TeamType
from xinban.dashboards import tallies
from xinban.dashboards.models import Tally
from xinban.organisations.models import Organisation, Registration
from xinban.recommendation.models import Recommendation, ReportStatus, UnitRecommendationReport

OPERATIONS = [
    "state",
    "unit",
    "team_type",
    "domain",
    "industry_add",
    "industry_remove",
    "industry_clear",
    "list",
    "unlist",
    "report_status",
    "new",
    "delete",
    "register",
    "unregister",
]


def _nonzero(counts: Counter[Any]) -> dict[Any, int]:
    return {k: n for k, n in counts.items() if n}


def _apply(op: str, i: int, j: int, units: list[Any], user: Any) -> None:
    apps = list(Application.objects.order_by("pk"))
    registrations = list(Registration.objects.order_by("pk"))
    app = apps[i % len(apps)]
    registration = registrations[i % len(registrations)]
    states = list(ApplicationState.values)
    if op == "state":
        app.state = states[j % len(states)]
        app.save(update_fields=["state", "version"])
    elif op == "unit":
        app.recommending_unit = units[j % len(units)]
        app.save()
    elif op == "team_type":
        types = list(TeamType.objects.order_by("pk"))
        app.team_type = types[j % len(types)]
        app.save()
    elif op == "domain":
        domains = list(Domain.objects.order_by("pk"))
        registration.domain = domains[j % len(domains)]
        registration.save()
    elif op.startswith("industry"):
        industries = list(Industry.objects.order_by("pk"))
        industry = industries[j % len(industries)]
        if op == "industry_add":
            registration.industries.add(industry)
        elif op == "industry_remove":
            registration.industries.remove(industry)
        else:
            registration.industries.clear()
    elif op == "list":
        report, _created = UnitRecommendationReport.objects.get_or_create(
            unit=app.recommending_unit, campaign=app.campaign
        )
        Recommendation.objects.get_or_create(
            application=app,
            defaults={"report": report, "opinion": "推荐", "position": j, "created_by": user},
        )
    elif op == "unlist":
        Recommendation.objects.filter(application=app).delete()
    elif op == "report_status":
        reports = list(UnitRecommendationReport.objects.order_by("pk"))
        if reports:
            report = reports[i % len(reports)]
            report.status = list(ReportStatus.values)[j % 3]
            report.save()
    elif op == "new":
        make_application(
            organisation=registration.organisation,
            unit=units[j % len(units)],
            campaign=registration.campaign,
            state=states[j % len(states)],
            team_type=list(TeamType.objects.order_by("pk"))[i % TeamType.objects.count()].name,
        )
    elif op == "delete":
        app.delete()
    elif op == "register":  # (an organisation already registered that year: refused)
        organisations = list(Organisation.objects.order_by("pk"))
        campaigns = list(Campaign.objects.order_by("pk"))
        make_registration(organisations[j % len(organisations)], campaigns[i % len(campaigns)])
    elif op == "unregister":
        registration.delete()


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 1000), st.integers(0, 1000)),
        min_size=1,
        max_size=12,
    )
)
def test_tallies_equal_a_count_from_scratch_after_any_changes(
    world: Any, unit_x: Any, unit_y: Any, steps: list[tuple[str, int, int]]
) -> None:
    user = make_user("tally@example.com", "计数") if not _user() else _user()
    with transaction.atomic():
        for op, i, j in steps:
            try:
                with transaction.atomic():
                    _apply(op, i, j, [unit_x, unit_y], user)
            except (IntegrityError, ProtectedError):
                pass  # a change the data refuses (a duplicate team type, a listed one)
        assert _nonzero(tallies.stored()) == _nonzero(tallies.expected())
        transaction.set_rollback(True)


def _user() -> Any:
    from xinban.accounts.models import User

    return User.objects.filter(email="tally@example.com").first()


def test_a_transition_moves_the_tallies_in_its_transaction(world: Any) -> None:
    """The lifecycle's transition (which saves the state) recounts the unit's year."""
    submitted = world.x[3]  # 乙二班, submitted
    before = tallies.stored()
    with transaction.atomic():
        transition(submitted, via="return", to=ApplicationState.RETURNED)
    after = tallies.stored()
    key = (world.campaign.pk, submitted.recommending_unit_id, "", None)
    assert after[(*key, "returned", False)] == before[(*key, "returned", False)] + 1
    assert after[(*key, "submitted", False)] == before[(*key, "submitted", False)] - 1
    assert _nonzero(after) == _nonzero(tallies.expected())


def test_the_command_rebuilds_and_checks_the_tallies(world: Any) -> None:
    """Rows lost (a bulk write that bypassed the signals) are found by --check and
    rebuilt by the command."""
    call_command("dashboard_tallies", "--check")
    Tally.objects.filter(state="submitted").delete()
    with pytest.raises(CommandError):
        call_command("dashboard_tallies", "--check")
    call_command("dashboard_tallies")
    call_command("dashboard_tallies", "--check")
    assert _nonzero(tallies.stored()) == _nonzero(tallies.expected())


def test_registrations_made_and_deleted_move_their_years_count(world: Any) -> None:
    def kept() -> int:
        row = Tally.objects.filter(
            campaign_id=world.campaign.pk, unit_id=tallies.ALL_UNITS, dimension=tallies.REGISTERED
        ).first()
        return row.n if row else 0

    before = kept()
    assert before == Registration.objects.filter(campaign=world.campaign).count() > 0
    organisation = Organisation.objects.create(name="某某新登记公司", short_name="新登记")
    registration = make_registration(organisation, world.campaign)
    assert kept() == before + 1
    registration.delete()
    assert kept() == before
