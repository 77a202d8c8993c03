"""Rule 11 of docs/rules.md (dates): 附件6 发表会时间 and 附件7 event times are dates;
anything else is refused at the field. Through the validator, the API and the page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.reports.conftest import EVENT, complete_statistics, summary_data
from xinban.core.validators import date_text
from xinban.reports.models import StatisticsReport, SummaryEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("2025年6月18日", "2025年6月18日"),
        ("2025-06-18", "2025年6月18日"),
        ("2025/6/8", "2025年6月8日"),
    ],
)
def test_a_date_is_kept_in_the_forms_way(text: str, stored: str) -> None:
    assert date_text(text) == stored


@pytest.mark.parametrize("text", ["2025年5月", "下周三", "2025年2月30日", "6月18日", "2025"])
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        date_text(text)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def put(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.put(url, data=json.dumps(body, default=str), content_type="application/json")


def test_api_refuses_a_session_time_that_is_not_a_date(
    campaign: Any, unit_x: Any, unit_x_admin: Any
) -> None:
    client = client_for(unit_x_admin)
    url = f"/api/units/{unit_x.pk}/statistics-report"
    refused = put(client, url, complete_statistics(session_time="明年夏天"))
    assert refused.status_code == 422
    assert "日期" in refused.json()["errors"]["session_time"][0]
    ok = put(client, url, complete_statistics(session_time="2025-06-18"))
    assert ok.status_code == 200, ok.json()
    assert StatisticsReport.objects.get().session_time == "2025年6月18日"


def test_api_refuses_an_event_time_that_is_not_a_date(
    campaign: Any, unit_x: Any, unit_x_admin: Any
) -> None:
    client = client_for(unit_x_admin)
    url = f"/api/units/{unit_x.pk}/work-summary"
    refused = put(client, url, {**summary_data(100), "events": [{**EVENT, "held_on": "春季"}]})
    assert refused.status_code == 422
    assert "events.0.held_on" in refused.json()["errors"]
    assert not SummaryEvent.objects.exists()
    ok = put(client, url, {**summary_data(100), "events": [{**EVENT, "held_on": "2025-3-15"}]})
    assert ok.status_code == 200, ok.json()
    assert SummaryEvent.objects.get().held_on == "2025年3月15日"


def test_page_shows_the_date_rule(campaign: Any, unit_x: Any, unit_x_admin: Any) -> None:
    client = client_for(unit_x_admin)
    url = reverse("reports:statistics", args=[unit_x.pk])
    data = {
        k: ("1" if v is True else "0" if v is False else v)
        for k, v in complete_statistics(session_time="六月").items()
    }
    data["action"] = "save"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "请填写一个日期" in response.content.decode()
