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
