"""Rule 9 of docs/rules.md: results are published in the 活动成果发布 phase; outside it
staff give a reason, which the audit log keeps. Through the service, the API and the page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import close_phase
from xinban.campaigns.models import PhaseKind
from xinban.core.errors import WindowClosed
from xinban.core.models import AuditEntry
from xinban.publication import services

pytestmark = pytest.mark.django_db
JSON = "application/json"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_service_refuses_outside_the_phase_and_accepts_an_audited_override(
    staff: Any, campaign: Any, results: list[Any]
) -> None:
    close_phase(campaign, PhaseKind.PUBLICATION)
    with pytest.raises(WindowClosed) as refused:
        services.results_publish(actor=staff, campaign=campaign)
    assert refused.value.code == "publication_window_closed"
    assert "活动成果发布" in refused.value.message and refused.value.field == "override_reason"
    campaign.refresh_from_db()
    assert not campaign.results_published
    with pytest.raises(WindowClosed):
        services.results_publish(actor=staff, campaign=campaign, override_reason="   ")
    assert services.results_publish(actor=staff, campaign=campaign, override_reason="提前发布") == 2
    entry = AuditEntry.objects.get(action="publication.publish")
    assert entry.changes["override_reason"] == "提前发布"


def test_inside_the_phase_no_reason_is_needed_or_recorded(
    staff: Any, campaign: Any, results: list[Any]
) -> None:
    assert services.results_publish(actor=staff, campaign=campaign) == 2
    assert "override_reason" not in AuditEntry.objects.get(action="publication.publish").changes


def test_api_names_the_missing_reason_and_accepts_it(
    staff: Any, campaign: Any, results: list[Any]
) -> None:
    close_phase(campaign, PhaseKind.PUBLICATION)
    client = client_for(staff)
    url = f"/api/publication/{campaign.year}/publish"
    refused = client.post(url)
    assert refused.status_code == 409
    assert refused.json()["code"] == "publication_window_closed"
    answer = client.post(
        url, json.dumps({"override_reason": "理事会决定提前发布"}), content_type=JSON
    )
    assert answer.status_code == 200 and answer.json()["entries"] == 2


def test_page_shows_the_reason_and_asks_for_the_override(
    staff: Any, campaign: Any, results: list[Any]
) -> None:
    client = client_for(staff)
    assert 'name="override_reason"' not in client.get(reverse("publication:staff")).content.decode()
    close_phase(campaign, PhaseKind.PUBLICATION)
    page = client.get(reverse("publication:staff")).content.decode()
    assert "不在“活动成果发布”阶段内" in page and 'name="override_reason"' in page
    url = reverse("publication:publish", args=[campaign.year])
    client.post(url)
    campaign.refresh_from_db()
    assert not campaign.results_published
    client.post(url, {"override_reason": "延后发布"})
    campaign.refresh_from_db()
    assert campaign.results_published
