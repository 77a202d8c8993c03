"""Opening a year from the notice's template (docs/deploy.md, "第一天 / First day"): the
service, the `open_year` command and the admin's add form."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xinban.campaigns import seed
from xinban.campaigns.models import Campaign, PhaseKind
from xinban.campaigns.services import campaign_open, campaign_phases_from_template
from xinban.core.errors import NotAllowed, ServiceError
from xinban.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _local_days(campaign: Campaign) -> dict[str, tuple[str, str]]:
    return {
        p.kind: (
            f"{timezone.localtime(p.starts_at):%m-%d %H:%M}",
            f"{timezone.localtime(p.ends_at):%m-%d %H:%M}",
        )
        for p in campaign.phases.all()
    }


def test_the_template_holds_the_notice_s_nine_phases_in_order() -> None:
    assert [kind for kind, *_rest in seed.PHASE_TEMPLATE] == list(PhaseKind.values)


def test_open_year_gives_the_nine_phases_at_the_notice_s_months(staff: Any) -> None:
    campaign = campaign_open(actor=staff, year=2028)
    assert campaign.title == "2028年上海市“质量信得过班组”建设活动"
    assert campaign.max_applications_per_org == 3
    days = _local_days(campaign)
    assert days == {
        "registration": ("02-01 00:00", "05-31 23:59"),
        "briefing": ("02-22 00:00", "02-29 23:59"),  # 2028 is a leap year: 2月底
        "training": ("01-01 00:00", "12-31 23:59"),
        "application": ("02-01 00:00", "05-31 23:59"),
        "recommendation": ("04-01 00:00", "06-30 23:59"),
        "evaluation": ("07-01 00:00", "08-31 23:59"),
        "publication": ("08-01 00:00", "08-31 23:59"),
        "exchange": ("09-01 00:00", "09-30 23:59"),
        "promotion": ("10-01 00:00", "12-31 23:59"),
    }
    assert all(timezone.localtime(p.starts_at).year == 2028 for p in campaign.phases.all())
    responsible = dict(campaign.phases.values_list("kind", "responsible"))
    assert responsible["recommendation"] == "各推荐单位"
    assert responsible["training"] == "上海市质协/相关专业机构"
    entry = AuditEntry.objects.get(action="campaign.open")
    assert entry.changes["year"] == 2028 and len(entry.changes["phases"]) == 9


def test_open_year_refuses_others_an_existing_year_and_nonsense(
    staff: Any, applicant_a: Any
) -> None:
    with pytest.raises(NotAllowed):
        campaign_open(actor=applicant_a, year=2028)
    campaign_open(actor=staff, year=2028)
    with pytest.raises(ServiceError) as exc:
        campaign_open(actor=staff, year=2028)
    assert exc.value.code == "year_exists" and exc.value.field == "year"
    with pytest.raises(ServiceError) as exc:
        campaign_open(actor=staff, year=20)
    assert exc.value.code == "year_invalid"
    assert Campaign.objects.filter(year=2028).count() == 1
    assert Campaign.objects.get(year=2028).phases.count() == 9


def test_phases_from_the_template_only_once(staff: Any) -> None:
    bare = Campaign.objects.create(year=2029, title="2029")
    campaign_phases_from_template(actor=staff, campaign=bare)
    assert bare.phases.count() == 9
    with pytest.raises(ServiceError) as exc:
        campaign_phases_from_template(actor=staff, campaign=bare)
    assert exc.value.code == "phases_exist"
    assert bare.phases.count() == 9


def test_the_command_opens_the_year_and_says_so(staff: Any) -> None:
    out = StringIO()
    call_command("open_year", "2030", "--staff", staff.email.upper(), stdout=out)
    assert "opened 2030" in out.getvalue()
    assert "application     2030-02-01 – 2030-05-31" in out.getvalue()
    assert Campaign.objects.get(year=2030).phases.count() == 9
    with pytest.raises(CommandError, match="该年度已存在"):
        call_command("open_year", "2030", "--staff", staff.email, stdout=StringIO())
    with pytest.raises(CommandError, match="no user"):
        call_command("open_year", "2031", "--staff", "nobody@example.org", stdout=StringIO())
    assert not Campaign.objects.filter(year=2031).exists()


def test_the_command_defaults_to_this_year(staff: Any) -> None:
    call_command("open_year", "--staff", staff.email, stdout=StringIO())
    assert Campaign.objects.get(year=timezone.localdate().year).phases.count() == 9


def test_a_year_added_in_the_admin_gets_the_template_then_is_edited(staff: Any) -> None:
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client = Client()
    client.force_login(staff)
    management = {
        "phases-TOTAL_FORMS": 0,
        "phases-INITIAL_FORMS": 0,
        "phases-MIN_NUM_FORMS": 0,
        "phases-MAX_NUM_FORMS": 1000,
    }
    response = client.post(
        reverse("admin:campaigns_campaign_add"),
        {
            "year": 2032,
            "title": "2032年活动",
            "max_applications_per_org": 3,
            "default_recommend_quota": 3,
            "similarity_threshold": 30,
            "min_unit_judge_sheets": 3,
            **management,
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(year=2032)
    assert _local_days(campaign)["evaluation"] == ("07-01 00:00", "08-31 23:59")
    assert AuditEntry.objects.filter(action="campaign.open").count() == 1
    # Editable afterwards: the evaluation moved to September on the same page.
    phases = list(campaign.phases.order_by("id"))
    data: dict[str, Any] = {
        "year": 2032,
        "title": "2032年活动",
        "max_applications_per_org": 2,
        "default_recommend_quota": 3,
        "similarity_threshold": 30,
        "min_unit_judge_sheets": 3,
        **management,
        "phases-TOTAL_FORMS": len(phases),
        "phases-INITIAL_FORMS": len(phases),
    }
    for i, p in enumerate(phases):
        starts, ends = timezone.localtime(p.starts_at), timezone.localtime(p.ends_at)
        if p.kind == PhaseKind.EVALUATION:
            starts, ends = starts.replace(month=9), ends.replace(month=9, day=30)
        data |= {
            f"phases-{i}-id": p.pk,
            f"phases-{i}-campaign": campaign.pk,
            f"phases-{i}-kind": p.kind,
            f"phases-{i}-starts_at_0": f"{starts:%Y-%m-%d}",
            f"phases-{i}-starts_at_1": f"{starts:%H:%M:%S}",
            f"phases-{i}-ends_at_0": f"{ends:%Y-%m-%d}",
            f"phases-{i}-ends_at_1": f"{ends:%H:%M:%S}",
            f"phases-{i}-responsible": p.responsible,
        }
    edited = client.post(reverse("admin:campaigns_campaign_change", args=[campaign.pk]), data)
    assert edited.status_code == 302
    campaign.refresh_from_db()
    assert campaign.max_applications_per_org == 2
    assert _local_days(campaign)["evaluation"] == ("09-01 00:00", "09-30 23:59")
    assert campaign.phases.count() == 9  # no second template on a change
