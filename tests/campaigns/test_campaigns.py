from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xinban.campaigns.models import Campaign, Phase, PhaseKind
from xinban.campaigns.selectors import phase_is_open, phases_with_status
from xinban.campaigns.services import campaign_create_from_previous, window_extend
from xinban.core.errors import NotAllowed, ServiceError
from xinban.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_next_year_copies_phases_and_limits(campaign: Campaign, staff: Any) -> None:
    campaign.max_applications_per_org = 2
    campaign.save()
    created = campaign_create_from_previous(actor=staff, previous=campaign, year=campaign.year + 1)
    assert created.max_applications_per_org == 2
    assert created.phases.count() == len(PhaseKind)
    old = campaign.phases.get(kind=PhaseKind.APPLICATION)
    new = created.phases.get(kind=PhaseKind.APPLICATION)
    assert new.starts_at.year == old.starts_at.year + 1
    assert new.starts_at.month == old.starts_at.month
    assert AuditEntry.objects.filter(action="campaign.create_from_previous").count() == 1


def test_next_year_refused_twice_or_backwards(campaign: Campaign, staff: Any) -> None:
    campaign_create_from_previous(actor=staff, previous=campaign, year=campaign.year + 1)
    with pytest.raises(ServiceError):
        campaign_create_from_previous(actor=staff, previous=campaign, year=campaign.year + 1)
    with pytest.raises(ServiceError):
        campaign_create_from_previous(actor=staff, previous=campaign, year=campaign.year - 1)


def test_only_staff_configure(campaign: Campaign, applicant_a: Any, org_a: Any) -> None:
    with pytest.raises(NotAllowed):
        campaign_create_from_previous(actor=applicant_a, previous=campaign, year=campaign.year + 1)
    with pytest.raises(NotAllowed):
        window_extend(
            actor=applicant_a,
            campaign=campaign,
            kind=PhaseKind.APPLICATION,
            until=timezone.now() + timedelta(days=90),
            reason="x",
            organisation=org_a,
        )


def test_window_is_inclusive_and_in_shanghai_time(campaign: Campaign) -> None:
    phase = campaign.phases.get(kind=PhaseKind.APPLICATION)
    assert phase_is_open(campaign=campaign, kind=PhaseKind.APPLICATION, at=phase.starts_at)
    assert phase_is_open(campaign=campaign, kind=PhaseKind.APPLICATION, at=phase.ends_at)
    assert not phase_is_open(
        campaign=campaign, kind=PhaseKind.APPLICATION, at=phase.ends_at + timedelta(seconds=1)
    )
    assert str(timezone.get_current_timezone()) == "Asia/Shanghai"


def test_extension_must_be_later_and_needs_reason(
    campaign: Campaign, staff: Any, org_a: Any
) -> None:
    phase = campaign.phases.get(kind=PhaseKind.APPLICATION)
    with pytest.raises(ServiceError):
        window_extend(
            actor=staff,
            campaign=campaign,
            kind=PhaseKind.APPLICATION,
            until=phase.ends_at - timedelta(days=1),
            reason="太早",
            organisation=org_a,
        )
    with pytest.raises(ServiceError):
        window_extend(
            actor=staff,
            campaign=campaign,
            kind=PhaseKind.APPLICATION,
            until=phase.ends_at + timedelta(days=1),
            reason=" ",
            organisation=org_a,
        )


def test_home_shows_the_schedule(campaign: Campaign) -> None:
    Phase.objects.filter(campaign=campaign, kind=PhaseKind.PROMOTION).update(
        starts_at=timezone.now() + timedelta(days=100), ends_at=timezone.now() + timedelta(days=200)
    )
    statuses = {s.phase.kind: s.status for s in phases_with_status(campaign)}
    assert statuses[PhaseKind.APPLICATION] == "open"
    assert statuses[PhaseKind.PROMOTION] == "upcoming"
    html = Client().get(reverse("core:home")).content.decode()
    assert "成果申报" in html and "进行中" in html and "未开始" in html


def test_admin_action_creates_next_year(campaign: Campaign, staff: Any) -> None:
    staff.is_staff = True
    staff.is_superuser = True
    staff.save()
    client = Client()
    client.force_login(staff)
    response = client.post(
        reverse("admin:campaigns_campaign_changelist"),
        {"action": "create_next_year", "_selected_action": [campaign.pk]},
    )
    assert response.status_code == 302
    assert Campaign.objects.filter(year=campaign.year + 1).exists()
