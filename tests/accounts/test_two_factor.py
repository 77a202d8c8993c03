from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from xinban.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _require_2fa(settings: Any) -> None:
    settings.REQUIRE_TWO_FACTOR = True


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset)
    return f"{code:06d}"


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_must_set_up_then_enter_a_code(staff: Any) -> None:
    client = logged_in(staff)
    response = client.get(reverse("applications:staff_list"))
    assert response.status_code == 302
    assert reverse("accounts:2fa_setup") in response["Location"]
    page = client.get(reverse("accounts:2fa_setup"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    wrong = client.post(
        reverse("accounts:2fa_setup"),
        {"token": "000000" if code_for(device) != "000000" else "111111"},
    )
    assert wrong.status_code == 200
    assert "token" in wrong.context["form"].errors
    ok = client.post(
        reverse("accounts:2fa_setup"), {"token": code_for(device), "next": "/applications/all/"}
    )
    assert ok.status_code == 302
    assert client.get(reverse("applications:staff_list")).status_code == 200
    assert AuditEntry.objects.filter(
        action="account.two_factor_enable", object_id=str(staff.pk)
    ).exists()

    # A new session needs the code again.
    again = logged_in(staff)
    response = again.get(reverse("applications:staff_list"))
    assert reverse("accounts:2fa_verify") in response["Location"]
    device.refresh_from_db()
    # The code already used is refused (replay); the next time step's code is accepted.
    replay = again.post(reverse("accounts:2fa_verify"), {"token": code_for(device), "next": "/"})
    assert replay.status_code == 200
    # (the failure started django-otp's throttle; clear it rather than sleep)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    verified = again.post(
        reverse("accounts:2fa_verify"), {"token": code_for(device, offset=1), "next": "/"}
    )
    assert verified.status_code == 302
    assert again.get(reverse("applications:staff_list")).status_code == 200


def test_guiding_unit_user_needs_the_second_factor(guide: Any) -> None:
    response = logged_in(guide).get("/")
    assert response.status_code == 302
    assert "/accounts/2fa/" in response["Location"]


def test_api_answers_403_until_verified(staff: Any) -> None:
    response = logged_in(staff).get("/api/me")
    assert response.status_code == 403
    assert response.json()["code"] == "2fa"


def test_applicants_are_not_asked(applicant_a: Any) -> None:
    assert logged_in(applicant_a).get(reverse("applications:dashboard")).status_code == 200


def test_bad_codes_are_throttled(staff: Any) -> None:
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client = logged_in(staff)
    for _ in range(3):
        client.post(
            reverse("accounts:2fa_verify"),
            {"token": "123456" if code_for(device) != "123456" else "654321"},
        )
    # After failures django-otp throttles: even the right code is refused for a while.
    response = client.post(reverse("accounts:2fa_verify"), {"token": code_for(device)})
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="account.two_factor_failed").count() >= 3


def test_next_cannot_leave_the_site(staff: Any) -> None:
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client = logged_in(staff)
    device = TOTPDevice.objects.get(user=staff)
    response = client.post(
        reverse("accounts:2fa_verify"), {"token": code_for(device), "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:home")
