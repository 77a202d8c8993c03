"""Rule 15 of docs/rules.md: every change of campaign configuration through the admin
(windows, extensions, quotas, rubric) is audited with its fields before → after."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.forms import MultiWidget
from django.test import Client
from django.urls import reverse

from xinban.campaigns.models import Campaign, Phase, PhaseKind, WindowExtension
from xinban.core.models import AuditEntry
from xinban.recommendation.models import UnitQuota
from xinban.scoring.models import Criterion, Stage
from xinban.scoring.services import rubric_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(staff: Any) -> Client:
    staff.is_staff = True
    staff.is_superuser = True
    staff.save()
    client = Client()
    client.force_login(staff)
    return client


def _put(data: dict[str, Any], name: str, field: Any, value: Any) -> None:
    widget = getattr(field.widget, "widget", field.widget)  # RelatedFieldWidgetWrapper
    if isinstance(widget, MultiWidget):
        for i, (sub, part) in enumerate(zip(widget.widgets, widget.decompress(value), strict=True)):
            data[f"{name}_{i}"] = sub.format_value(part) or ""
    elif isinstance(value, bool):
        if value:
            data[name] = "on"
    elif isinstance(value, list | tuple):
        data[name] = [str(v) for v in value]
    elif value is not None:
        shown = widget.format_value(value)
        data[name] = str((shown[0] if isinstance(shown, list) else shown) or "")


def change_form_data(response: Any) -> dict[str, Any]:
    """What the admin's change page would post back unchanged (form and inlines)."""
    data: dict[str, Any] = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        _put(data, name, field, form[name].value())
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[formset.management_form.add_prefix(name)] = value
        for sub in formset.forms:
            for name, field in sub.fields.items():
                _put(data, sub.add_prefix(name), field, sub[name].value())
    return data


def latest(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).latest("id")


def test_campaign_settings_and_windows_are_audited_before_after(
    admin_client: Client, campaign: Campaign, staff: Any
) -> None:
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    data = change_form_data(admin_client.get(url))
    data["default_recommend_quota"] = "2"
    data["min_unit_judge_sheets"] = "5"
    phase = Phase.objects.get(campaign=campaign, kind=PhaseKind.RECOMMENDATION)
    index = next(
        i for i in range(int(data["phases-TOTAL_FORMS"])) if data[f"phases-{i}-id"] == str(phase.pk)
    )
    data[f"phases-{index}-responsible"] = "上海市质量协会"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entries = list(AuditEntry.objects.filter(action="campaign.admin_save").order_by("id"))
    assert entries and all(e.actor == staff for e in entries)
    settings = entries[0].changes
    assert settings["default_recommend_quota"] == [3, 2]
    assert settings["min_unit_judge_sheets"] == [3, 5]
    windows = entries[-1].changes
    assert windows[f"phase#{phase.pk}"]["responsible"] == ["", "上海市质量协会"]


def test_an_extension_added_and_deleted_in_the_admin_is_audited(
    admin_client: Client, campaign: Campaign, org_a: Any
) -> None:
    phase = Phase.objects.get(campaign=campaign, kind=PhaseKind.APPLICATION)
    until = phase.ends_at + timedelta(days=5)
    extension = WindowExtension.objects.create(
        phase=phase, organisation=org_a, until=until, reason="材料补交"
    )
    url = reverse("admin:campaigns_windowextension_delete", args=[extension.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not WindowExtension.objects.exists()
    entry = latest("campaign.extension_admin_delete")
    assert entry.object_id == str(extension.pk)
    assert entry.changes["reason"] == ["材料补交", None]


def test_a_quota_saved_in_the_admin_is_audited(
    admin_client: Client, campaign: Campaign, unit_x: Any
) -> None:
    url = reverse("admin:recommendation_unitquota_add")
    response = admin_client.post(
        url,
        {"unit": unit_x.pk, "campaign": campaign.pk, "per_organisation": "4", "reason": "试点"},
    )
    assert response.status_code == 302
    quota = UnitQuota.objects.get()
    entry = latest("unit.quota_admin_save")
    assert entry.object_id == str(quota.pk)
    assert entry.changes["created"] is True
    assert entry.changes["per_organisation"] == [None, 4]


def test_rubric_criteria_changed_in_the_admin_are_audited(
    admin_client: Client, campaign: Campaign
) -> None:
    rubric = rubric_for(campaign=campaign, stage=Stage.UNIT)
    criterion = rubric.criteria.order_by("position", "id").first()
    assert criterion is not None
    url = reverse("admin:scoring_rubric_change", args=[rubric.pk])
    data = change_form_data(admin_client.get(url))
    index = next(
        i
        for i in range(int(data["criteria-TOTAL_FORMS"]))
        if data[f"criteria-{i}-id"] == str(criterion.pk)
    )
    data[f"criteria-{index}-weight"] = "2.50"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert Criterion.objects.get(pk=criterion.pk).weight == Decimal("2.50")
    entry = latest("scoring.rubric_admin_save")
    assert entry.object_id == str(rubric.pk)
    before, after = entry.changes[f"criterion#{criterion.pk}"]["weight"]
    assert Decimal(str(before)) == criterion.weight and Decimal(str(after)) == Decimal("2.50")
