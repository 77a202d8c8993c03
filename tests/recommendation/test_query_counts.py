"""A recommending unit's list pages run a constant number of SQL queries, whatever the
number of applications (and of their judges' sheets): no query per row (N+1) on the
inbox or on the ranking."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.recommendation.conftest import make_judge
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign, TeamType
from xinban.organisations.models import Organisation, RecommendingUnit
from xinban.recommendation.models import Recommendation, UnitNote, UnitRecommendationReport
from xinban.scoring import aggregation
from xinban.scoring.models import CriterionScore, Judge, ScoreSheet, SheetStatus, Stage
from xinban.scoring.services import engine_criteria, rubric_for

pytestmark = pytest.mark.django_db

S = ApplicationState
_serial = itertools.count(1)
# What a unit's list holds while it reviews: mostly submitted, some returned, withdrawn.
STATES = [S.SUBMITTED, S.SUBMITTED, S.SUBMITTED, S.RETURNED, S.SUBMITTED, S.WITHDRAWN]
# Per application, the statuses of its judges' sheets: finished, in progress, not started.
SHEET_MIXES = [
    [SheetStatus.SUBMITTED] * 3,
    [SheetStatus.SUBMITTED, SheetStatus.DRAFT, SheetStatus.ASSIGNED],
    [SheetStatus.ASSIGNED] * 2,
    [SheetStatus.SUBMITTED] * 2,
]


def add_applications(
    *, campaign: Campaign, unit: RecommendingUnit, judges: list[Judge], admin: Any, count: int
) -> None:
    """``count`` more applications to ``unit``, each with sheets of its judges (scores for
    every criterion once submitted), some on-site notes and a few recommendations."""
    rubric = rubric_for(campaign=campaign, stage=Stage.UNIT)
    criteria = list(rubric.criteria.all())
    engine = engine_criteria(rubric)
    team_type = TeamType.objects.order_by("position").first()
    numbers = [next(_serial) for _ in range(count)]
    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"上海测试{n}号机械有限公司", short_name=f"测试{n}") for n in numbers]
    )
    applications = Application.objects.bulk_create(
        [
            Application(
                campaign=campaign,
                organisation=organisation,
                recommending_unit=unit,
                number=f"{campaign.year}{n:05d}",
                state=STATES[n % len(STATES)],
                team_name=f"质检{n}班",
                team_type=team_type,
                team_size=10 + n % 20,
                completion_rate=Decimal("98.50"),
                accidents_per_year=0,
                organisation_snapshot={"name": organisation.name},
                return_reason="请补充材料。" if STATES[n % len(STATES)] == S.RETURNED else "",
                submitted_at=timezone.now(),
            )
            for n, organisation in zip(numbers, organisations, strict=True)
        ]
    )
    sheets: list[ScoreSheet] = []
    points: list[dict[int, Decimal]] = []
    for n, application in zip(numbers, applications, strict=True):
        if application.state == S.WITHDRAWN:
            continue
        for judge, status in zip(judges, SHEET_MIXES[n % len(SHEET_MIXES)], strict=False):
            share = Decimal("0.6") + Decimal(n % 7) / 20
            values = (
                {c.pk: (c.max_points * share).quantize(Decimal("0.1")) for c in criteria}
                if status == SheetStatus.SUBMITTED
                else {}
            )
            sheets.append(
                ScoreSheet(
                    application=application,
                    judge=judge,
                    stage=Stage.UNIT,
                    status=status,
                    total=aggregation.weighted_total({str(k): v for k, v in values.items()}, engine)
                    if values
                    else None,
                    submitted_at=timezone.now() if values else None,
                )
            )
            points.append(values)
    ScoreSheet.objects.bulk_create(sheets)
    CriterionScore.objects.bulk_create(
        [
            CriterionScore(sheet=sheet, criterion_id=criterion_id, points=value)
            for sheet, values in zip(sheets, points, strict=True)
            for criterion_id, value in values.items()
        ]
    )
    UnitNote.objects.bulk_create(
        [
            UnitNote(application=a, on_site_review=True, on_site_date=timezone.localdate())
            for n, a in zip(numbers, applications, strict=True)
            if n % 5 == 0 and a.state == S.SUBMITTED
        ]
    )
    report, _created = UnitRecommendationReport.objects.get_or_create(unit=unit, campaign=campaign)
    fully_scored = [
        a
        for n, a in zip(numbers, applications, strict=True)
        if a.state == S.SUBMITTED and n % len(SHEET_MIXES) in (0, 3)
    ]
    start = report.recommendations.count()
    Recommendation.objects.bulk_create(
        [
            Recommendation(
                report=report,
                application=a,
                opinion="同意推荐。",
                position=start + i,
                created_by=admin,
            )
            for i, a in enumerate(fully_scored[:3], start=1)
        ]
    )


def queries_for(client: Client, url: str) -> int:
    assert client.get(url).status_code == 200  # warm: session, caches, the rubric
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def panel(unit_x: RecommendingUnit) -> list[Judge]:
    return [
        make_judge(f"judge{i}@example.com", f"评委{i}", unit_x, tgq_number=f"TGQ2023000{i}")
        for i in range(1, 4)
    ]


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("inbox", ""),
        ("inbox", "?sort=submitted&state=submitted"),
        ("ranking", ""),
        ("ranking", "?normalise=1"),
    ],
)
def test_unit_pages_run_a_constant_number_of_queries(
    page: str,
    query: str,
    campaign: Campaign,
    unit_x: RecommendingUnit,
    unit_x_admin: Any,
    panel: list[Judge],
) -> None:
    client = Client()
    client.force_login(unit_x_admin)
    url = reverse(f"recommendation:{page}", args=[unit_x.pk]) + query

    def grow(count: int) -> None:
        add_applications(
            campaign=campaign, unit=unit_x, judges=panel, admin=unit_x_admin, count=count
        )

    grow(10)
    at_10 = queries_for(client, url)
    grow(190)
    assert Application.objects.filter(recommending_unit=unit_x).count() == 200
    assert ScoreSheet.objects.filter(application__recommending_unit=unit_x).count() > 300
    at_200 = queries_for(client, url)

    assert at_200 == at_10, (
        f"{page}{query}: {at_10} queries with 10 applications, {at_200} with 200"
    )
