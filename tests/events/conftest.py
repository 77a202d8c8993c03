from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from xinban.events import services
from xinban.events.models import Event, EventKind


def event_data(**overrides: Any) -> dict[str, Any]:
    now = timezone.now()
    data: dict[str, Any] = {
        "kind": EventKind.BRIEFING,
        "title": "活动推进及成果申报说明会",
        "description": "介绍申报要求和平台操作。",
        "location": "长宁区泰安路74号",
        "starts_at": now + timedelta(days=10),
        "ends_at": now + timedelta(days=10, hours=2),
        "signup_closes_at": now + timedelta(days=9),
        "capacity": 2,
    }
    data.update(overrides)
    return data


@pytest.fixture
def briefing(staff: Any, campaign: Any) -> Event:
    event = services.event_create(actor=staff, campaign=campaign, data=event_data())
    return services.event_publish(actor=staff, event=event)


def people(n: int, prefix: str = "p") -> list[Any]:
    from tests.conftest import make_user

    return [make_user(f"{prefix}{i}@example.com", f"参会人{i}") for i in range(n)]


def client_for(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def exchange(staff: Any, campaign: Any) -> Event:
    return services.event_create(
        actor=staff,
        campaign=campaign,
        data=event_data(kind=EventKind.EXCHANGE, title="优秀成果交流会", capacity=None),
    )


@pytest.fixture
def unit_session(unit_x_admin: Any, unit_x: Any, campaign: Any) -> Event:
    return services.event_create(
        actor=unit_x_admin,
        campaign=campaign,
        data=event_data(kind=EventKind.PRESENTATION, title="浦东新区成果发表会"),
        unit=unit_x,
    )


def with_result(application: Any, level: str = "selected") -> Any:
    """The team gets a result of its year (a 交流会 presents only such teams)."""
    from xinban.evaluation.models import Decision

    Decision.objects.update_or_create(application=application, defaults={"level": level})
    return application


def recommended(application: Any, by: Any) -> Any:
    """The team's unit puts it on its (not yet filed) 推荐表 (a 发表会 presents only such
    teams)."""
    from xinban.recommendation.models import Recommendation, UnitRecommendationReport

    report, _ = UnitRecommendationReport.objects.get_or_create(
        unit_id=application.recommending_unit_id, campaign_id=application.campaign_id
    )
    position = report.recommendations.count() + 1
    Recommendation.objects.create(
        report=report, application=application, opinion="推荐", position=position, created_by=by
    )
    return application
