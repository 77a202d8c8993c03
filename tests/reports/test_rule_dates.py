"""Rule 11 of docs/rules.md (dates): 附件6 发表会时间 and 附件7 event times are dates,
stored as date columns; anything else is refused at the field. The API keeps its text
("2025年6月18日"), the page has date pickers. Through the validator, the API, the page
and the data migration that converted the text of before."""

from __future__ import annotations

import json
from datetime import date
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
    assert StatisticsReport.objects.get().session_time == date(2025, 6, 18)
    # The API's field keeps its name and its text, whatever way the date was written.
    assert ok.json()["session_time"] == "2025年6月18日"
    again = put(client, url, complete_statistics(session_time="2025年6月8日"))
    assert again.json()["session_time"] == "2025年6月8日"
    assert StatisticsReport.objects.get().session_time == date(2025, 6, 8)


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
    assert SummaryEvent.objects.get().held_on == date(2025, 3, 15)
    assert ok.json()["events"][0]["held_on"] == "2025年3月15日"


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


def test_the_page_has_date_pickers_showing_the_stored_date(
    campaign: Any, unit_x: Any, unit_x_admin: Any
) -> None:
    client = client_for(unit_x_admin)
    put(client, f"/api/units/{unit_x.pk}/statistics-report", complete_statistics())
    put(client, f"/api/units/{unit_x.pk}/work-summary", {**summary_data(100), "events": [EVENT]})
    html = client.get(reverse("reports:statistics", args=[unit_x.pk])).content.decode()
    assert 'type="date" name="session_time" value="2025-06-18"' in html
    html = client.get(reverse("reports:summary", args=[unit_x.pk])).content.decode()
    assert 'type="date" name="events-0-held_on" value="2025-03-15"' in html


def test_text_of_before_that_was_no_date_is_printed_in_its_place(
    campaign: Any, unit_x: Any, unit_x_admin: Any
) -> None:
    """What the migration could not read is kept and shown (API, page) until a date is
    entered."""
    client = client_for(unit_x_admin)
    put(client, f"/api/units/{unit_x.pk}/statistics-report", complete_statistics())
    put(client, f"/api/units/{unit_x.pk}/work-summary", {**summary_data(100), "events": [EVENT]})
    StatisticsReport.objects.update(session_time=None, session_time_legacy="2025年6月")
    SummaryEvent.objects.update(held_on=None, held_on_legacy="春季")
    statistics = client.get(f"/api/units/{unit_x.pk}/statistics-report").json()
    assert statistics["session_time"] == "2025年6月"
    summary = client.get(f"/api/units/{unit_x.pk}/work-summary").json()
    assert summary["events"][0]["held_on"] == "春季"


def test_the_migration_converts_the_text_of_before() -> None:
    """reports/0003: dates written any accepted way become dates; text that is not one
    date is kept (printed in its place) and the date left empty; and back again."""
    from importlib import import_module

    migration = import_module("xinban.reports.migrations.0003_dates_are_dates")
    assert migration._date("2025年6月18日") == date(2025, 6, 18)
    assert migration._date(" 2025/6/8 ") == date(2025, 6, 8)
    assert migration._date("2025.06.18") == date(2025, 6, 18)
    for text in ("2025年5月", "春季", "2025年2月30日", ""):
        assert migration._date(text) is None
    assert migration._text(date(2025, 6, 8), "") == "2025年6月8日"
    assert migration._text(None, "春季") == "春季"


@pytest.mark.django_db(transaction=True)
def test_the_migration_round_trip_on_rows(campaign: Any, unit_x: Any) -> None:
    """Rows written as text before reports/0003 are dates after it; what was no date is
    kept in the legacy column; migrating back writes the text again."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("reports", "0002_statistics_stamped_scan")]
    after = [("reports", "0003_dates_are_dates")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Report = old.get_model("reports", "StatisticsReport")
    Summary = old.get_model("reports", "WorkSummary")
    Event = old.get_model("reports", "SummaryEvent")
    Report.objects.create(unit_id=unit_x.pk, campaign_id=campaign.pk, session_time="2025/6/8")
    summary = Summary.objects.create(unit_id=unit_x.pk, campaign_id=campaign.pk)
    for position, text in enumerate(["2025年3月15日", "春季"]):
        Event.objects.create(
            summary=summary, position=position, held_on=text, place="p", name="n", content="c"
        )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    # Read through today's models, so with every later migration applied too.
    latest = executor.loader.graph.leaf_nodes()
    MigrationExecutor(connection).migrate(latest)
    report = StatisticsReport.objects.get()
    assert (report.session_time, report.session_time_text) == (date(2025, 6, 8), "2025年6月8日")
    events = list(SummaryEvent.objects.order_by("position"))
    assert [(e.held_on, e.held_on_legacy) for e in events] == [
        (date(2025, 3, 15), ""),
        (None, "春季"),
    ]
    assert [e.held_on_text for e in events] == ["2025年3月15日", "春季"]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    assert old.get_model("reports", "StatisticsReport").objects.get().session_time == "2025年6月8日"
    texts = old.get_model("reports", "SummaryEvent").objects.order_by("position")
    assert list(texts.values_list("held_on", flat=True)) == ["2025年3月15日", "春季"]
    MigrationExecutor(connection).migrate(latest)
