"""Rule 14 (docs/rules.md): an organisation's rename is an audited action that keeps the
former name; documents of a past year print the name of that year, current documents the
current one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.api.conftest import api_for
from tests.recommendation.factories import make_application
from xinban.applications.selectors import application_form_data
from xinban.campaigns.models import Campaign
from xinban.core.errors import NotAllowed, ServiceError
from xinban.core.models import AuditEntry
from xinban.organisations import services
from xinban.organisations.models import Organisation, OrganisationRename
from xinban.organisations.names import name_in_year
from xinban.recommendation.models import Recommendation, UnitRecommendationReport
from xinban.recommendation.selectors import recommendation_form_data

OLD = "上海甲精密机械有限公司"
NEW = "上海甲智能制造股份有限公司"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_member_renames_and_the_former_name_is_kept(applicant_a: Any, org_a: Any) -> None:
    services.organisation_rename(
        actor=applicant_a, organisation=org_a, name=f" {NEW} ", reason="工商变更登记"
    )
    org_a.refresh_from_db()
    assert (org_a.name, org_a.short_name) == (NEW, "甲精密")
    rename = OrganisationRename.objects.get(organisation=org_a)
    assert (rename.old_name, rename.new_name, rename.renamed_by) == (OLD, NEW, applicant_a)
    entry = AuditEntry.objects.get(action="organisation.rename")
    assert entry.changes["name"] == [OLD, NEW]
    assert entry.changes["reason"] == "工商变更登记"
    # Only the short name: audited, no new former name.
    services.organisation_rename(actor=applicant_a, organisation=org_a, name=NEW, short_name="甲智")
    assert OrganisationRename.objects.filter(organisation=org_a).count() == 1
    assert AuditEntry.objects.filter(action="organisation.rename").count() == 2


def test_rename_refusals(
    applicant_a: Any, applicant_b: Any, org_a: Any, org_b: Any, staff: Any
) -> None:
    with pytest.raises(NotAllowed):
        services.organisation_rename(actor=applicant_b, organisation=org_a, name=NEW)
    for name, code in ((OLD, "unchanged"), (org_b.name, "organisation_exists"), ("  ", "required")):
        with pytest.raises(ServiceError) as excinfo:
            services.organisation_rename(actor=applicant_a, organisation=org_a, name=name)
        assert (excinfo.value.code, excinfo.value.field) == (code, "name")
    assert Organisation.objects.get(pk=org_a.pk).name == OLD
    assert not OrganisationRename.objects.exists()
    # Staff may rename any organisation.
    services.organisation_rename(actor=staff, organisation=org_a, name=NEW)
    assert Organisation.objects.get(pk=org_a.pk).name == NEW


def test_the_page_renames_and_keeps_input_on_error(
    applicant_a: Any, org_a: Any, org_b: Any
) -> None:
    client = client_for(applicant_a)
    page = client.get(reverse("organisations:members")).content.decode()
    assert "修改单位名称" in page
    taken = client.post(reverse("organisations:rename"), {"name": org_b.name, "reason": "合并"})
    assert taken.status_code == 200
    html = taken.content.decode()
    assert "已有单位使用该名称登记" in html and 'value="合并"' in html
    assert Organisation.objects.get(pk=org_a.pk).name == OLD
    done = client.post(reverse("organisations:rename"), {"name": NEW, "reason": "更名"})
    assert done.status_code == 302
    page = client.get(reverse("organisations:members")).content.decode()
    assert f"{OLD} → {NEW}" in page


def test_the_api_renames_and_lists_former_names(
    applicant_a: Any, applicant_b: Any, org_a: Any, org_b: Any
) -> None:
    api = api_for(applicant_a)
    taken = api.post("/organisation/rename", {"name": org_b.name})
    assert taken.status_code == 400 and taken.json()["code"] == "organisation_exists"
    assert api.post("/organisation/rename", {}).status_code == 422
    renamed = api.post("/organisation/rename", {"name": NEW, "reason": "工商变更登记"})
    assert renamed.status_code == 200, renamed.json()
    body = renamed.json()
    assert body["name"] == NEW
    assert [(f["name"], f["renamed_to"], f["reason"]) for f in body["former_names"]] == [
        (OLD, NEW, "工商变更登记")
    ]
    assert api.get("/organisation").json()["former_names"][0]["name"] == OLD
    # Applicant B renames only its own organisation.
    api_for(applicant_b).post("/organisation/rename", {"name": "上海乙新名称有限公司"})
    assert Organisation.objects.get(pk=org_a.pk).name == NEW


def test_the_admin_renames_through_the_service(staff: Any, org_a: Any) -> None:
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client = client_for(staff)
    url = reverse("admin:organisations_organisation_change", args=[org_a.pk])
    response = client.post(
        url,
        {
            "name": NEW,
            "short_name": "甲精密",
            "organisationmembership_set-TOTAL_FORMS": "0",
            "organisationmembership_set-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert OrganisationRename.objects.get(organisation=org_a).old_name == OLD
    assert AuditEntry.objects.filter(action="organisation.rename", actor=staff).exists()


def test_past_documents_print_the_name_of_their_year(
    applicant_a: Any, org_a: Any, unit_x: Any, unit_x_admin: Any, campaign: Any
) -> None:
    past = Campaign.objects.create(year=campaign.year - 2, title="往年")
    old_application = make_application(organisation=org_a, unit=unit_x, campaign=past)
    current = make_application(organisation=org_a, unit=unit_x, campaign=campaign)
    report = UnitRecommendationReport.objects.create(unit=unit_x, campaign=past)
    Recommendation.objects.create(
        report=report,
        application=old_application,
        opinion="推荐",
        position=1,
        created_by=unit_x_admin,
    )
    services.organisation_rename(actor=applicant_a, organisation=org_a, name=NEW)
    org_a.refresh_from_db()
    assert application_form_data(old_application).organisation_name == OLD
    assert application_form_data(current).organisation_name == NEW
    assert [r.enterprise for r in recommendation_form_data(unit=unit_x, campaign=past).rows] == [
        OLD
    ]
    # Renamed twice: each year keeps its own name.
    OrganisationRename.objects.update(
        renamed_at=timezone.make_aware(datetime(campaign.year - 1, 6, 1))
    )
    services.organisation_rename(
        actor=applicant_a, organisation=org_a, name="上海甲第三名称有限公司"
    )
    assert name_in_year(org_a, campaign.year - 2) == OLD
    assert name_in_year(org_a, campaign.year - 1) == NEW
    assert name_in_year(org_a, campaign.year) == "上海甲第三名称有限公司"
