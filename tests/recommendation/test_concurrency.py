"""Several people recommending for one organisation at the same moment never exceed its
quota (PostgreSQL: real row locks, one connection per thread)."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.utils import timezone

from tests.conftest import application_data, make_user
from tests.recommendation.factories import reviewed
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign, Phase, PhaseKind, TeamType
from xinban.core.errors import ServiceError
from xinban.organisations.models import Organisation, RecommendingUnit, UnitMembership, UnitRole
from xinban.recommendation import services
from xinban.recommendation.models import Recommendation

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks and connections"
    ),
]

QUOTA = 3
THREADS = 8


@pytest.fixture
def world(transactional_db: Any) -> dict[str, Any]:
    """Unit X with two admins and quota 3; one organisation with eight submitted
    applications of eight different team types. Rows are created directly (fast)."""
    # A transactional test may start from a flushed database: re-seed the taxonomies.
    migration = importlib.import_module("xinban.campaigns.migrations.0003_seed_taxonomies")
    migration.seed(django_apps, None)
    for i in range(THREADS - TeamType.objects.count()):
        TeamType.objects.create(name=f"测试类型{i}", position=100 + i)
    now = timezone.now()
    year = timezone.localdate().year
    campaign = Campaign.objects.create(year=year, title=f"{year}年活动", default_recommend_quota=3)
    Phase.objects.create(
        campaign=campaign,
        kind=PhaseKind.RECOMMENDATION,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=1),
    )
    unit = RecommendingUnit.objects.create(name="浦东新区")
    admins = []
    for i in range(2):
        admin = make_user(f"x{i}@example.com", f"推荐单位X管理员{i}")
        UnitMembership.objects.create(unit=unit, user=admin, role=UnitRole.ADMIN)
        admins.append(admin)
    organisation = Organisation.objects.create(name="上海甲精密机械有限公司", short_name="甲精密")
    applications = []
    for i, team_type in enumerate(TeamType.objects.order_by("pk")[:THREADS]):
        data = application_data(unit, team_name=f"第{i + 1}班", team_type=team_type)
        applications.append(
            Application.objects.create(
                campaign=campaign,
                organisation=organisation,
                number=f"{year}{i + 1:04d}",
                state=ApplicationState.SUBMITTED,
                submitted_at=now,
                **data,
            )
        )
    return {"unit": unit, "admins": admins, "applications": applications}


def race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released at the same moment; return each one's result or
    the exception it raised. Every thread closes its own database connection."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = calls[i]()
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    return results


def recommend_call(admin: Any, application: Application) -> Callable[[], Any]:
    reviewed(application)  # rule 2: the unit's own review comes first

    def call() -> Any:
        # Each thread reads its own copies, as two separate requests would.
        user = type(admin).objects.get(pk=admin.pk)
        current = Application.objects.select_related("recommending_unit").get(pk=application.pk)
        return services.recommend(actor=user, application=current, opinion="同意推荐")

    return call


def test_threads_recommending_different_applications_never_exceed_the_quota(
    world: dict[str, Any],
) -> None:
    admins, applications = world["admins"], world["applications"]
    results = race(
        [recommend_call(admins[i % 2], application) for i, application in enumerate(applications)]
    )
    made = [r for r in results if isinstance(r, Recommendation)]
    refused = [r for r in results if not isinstance(r, Recommendation)]
    assert len(made) == QUOTA
    assert Recommendation.objects.count() == QUOTA
    assert all(isinstance(r, ServiceError) for r in refused), refused
    assert {r.code for r in refused} == {"quota_reached"}
    assert len(refused) == THREADS - QUOTA
    # The positions stay a clean 1..3.
    assert sorted(Recommendation.objects.values_list("position", flat=True)) == [1, 2, 3]


def test_two_threads_recommending_the_same_application_make_one_recommendation(
    world: dict[str, Any],
) -> None:
    admins, application = world["admins"], world["applications"][0]
    results = race([recommend_call(admin, application) for admin in admins])
    made = [r for r in results if isinstance(r, Recommendation)]
    refused = [r for r in results if not isinstance(r, Recommendation)]
    assert len(made) == 1
    assert len(refused) == 1 and isinstance(refused[0], ServiceError), refused
    assert refused[0].code == "already_recommended"
    assert Recommendation.objects.filter(application=application).count() == 1
