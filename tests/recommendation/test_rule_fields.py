"""Rule 11 of docs/rules.md (the 附件5 part): phone fields take a mobile or a landline with
its area code, nothing else; 填表日期 lies within the campaign's year. Through the
validator, the service, the API and the page."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.api.conftest import api_for
from xinban.core.errors import ServiceError
from xinban.core.validators import validate_phone
from xinban.recommendation import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "phone", ["13912345678", "021-58881234", "02158881234", "0512-6543210", "010-88881234-806"]
)
def test_a_mobile_or_a_landline_with_area_code_passes(phone: str) -> None:
    validate_phone(phone)


@pytest.mark.parametrize(
    "phone", ["58881234", "12345", "abc", "1391234567", "+86 139", "021 5888 1234", "139123456789"]
)
def test_anything_else_is_refused(phone: str) -> None:
    with pytest.raises(ValidationError):
        validate_phone(phone)


def body(**overrides: Any) -> dict[str, Any]:
    data = {
        "filler_name": "张三",
        "filler_phone": "021-58881234",
        "fill_date": date.today().isoformat(),
        "no_fee_declared": True,
        "declaration_accepted": True,
    }
    data.update(overrides)
    return data


def test_api_refuses_a_bad_phone_and_a_date_outside_the_year(
    unit_x: Any, unit_x_admin: Any, campaign: Any
) -> None:
    api = api_for(unit_x_admin)
    bad_phone = api.put(f"/units/{unit_x.pk}/report", body(filler_phone="58881234"))
    assert bad_phone.status_code == 422
    assert "区号" in bad_phone.json()["errors"]["filler_phone"][0]
    last_year = date(campaign.year - 1, 12, 31).isoformat()
    bad_date = api.put(f"/units/{unit_x.pk}/report", body(fill_date=last_year))
    assert bad_date.status_code == 422
    assert str(campaign.year) in bad_date.json()["errors"]["fill_date"][0]
    ok = api.put(f"/units/{unit_x.pk}/report", body())
    assert ok.status_code == 200, ok.json()
    assert ok.json()["filler_phone"] == "021-58881234"


def test_service_refuses_a_date_outside_the_year(
    unit_x: Any, unit_x_admin: Any, campaign: Any
) -> None:
    report = services.report_for(unit=unit_x, campaign=campaign)
    with pytest.raises(ServiceError) as exc:
        services.report_save(
            actor=unit_x_admin,
            report=report,
            data={"fill_date": date(campaign.year + 1, 1, 1)},
        )
    assert exc.value.code == "fill_date_year" and exc.value.field == "fill_date"
    report.refresh_from_db()
    assert report.fill_date is None


def test_page_shows_the_phone_rule(unit_x: Any, unit_x_admin: Any, campaign: Any) -> None:
    client = Client()
    client.force_login(unit_x_admin)
    url = reverse("recommendation:report", args=[unit_x.pk])
    response = client.post(url, {**body(filler_phone="12345"), "no_fee_declared": "on"})
    assert response.status_code == 200
    assert "带区号的固定电话" in response.content.decode()
