"""User-entered text is escaped everywhere it is shown."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import application_data
from xinban.applications.models import Application, ApplicationState
from xinban.applications.services import application_create

pytestmark = pytest.mark.django_db

PAYLOAD = '<img src=x onerror="alert(1)">'


def test_hostile_text_is_escaped_on_every_page(
    applicant_a: Any, org_a: Any, campaign: Any, unit_x: Any, unit_x_admin: Any, staff: Any
) -> None:
    application = application_create(
        actor=applicant_a,
        organisation=org_a,
        campaign=campaign,
        data=application_data(
            unit_x,
            team_name=f"{PAYLOAD}质检班",
            material_results=f"<script>alert(2)</script>{PAYLOAD}",
        ),
    )
    Application.objects.filter(pk=application.pk).update(
        state=ApplicationState.SUBMITTED, submitted_at=application.created_at
    )
    pages = [
        (applicant_a, reverse("applications:detail", args=[application.pk])),
        (applicant_a, reverse("applications:dashboard")),
        (staff, reverse("applications:staff_list")),
        (staff, reverse("core:audit_log")),
        (unit_x_admin, reverse("recommendation:inbox", args=[unit_x.pk])),
        (unit_x_admin, reverse("recommendation:application", args=[unit_x.pk, application.pk])),
        (unit_x_admin, reverse("recommendation:ranking", args=[unit_x.pk])),
    ]
    for user, url in pages:
        client = Client()
        client.force_login(user)
        html = client.get(url).content.decode()
        assert "<img src=x" not in html, url
        assert "<script>alert(2)" not in html, url
        assert "&lt;img src=x" in html or "&lt;img" in html, url
