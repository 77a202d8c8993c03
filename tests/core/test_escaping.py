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
# A team's name carries no whitespace (rule 3 of docs/rules.md): the same attack without.
TEAM_PAYLOAD = "<img/src=x/onerror=alert(1)>"


def test_hostile_text_is_escaped_on_every_page(
    applicant_a: Any, org_a: Any, campaign: Any, unit_x: Any, unit_x_admin: Any, staff: Any
) -> None:
    application = application_create(
        actor=applicant_a,
        organisation=org_a,
        campaign=campaign,
        data=application_data(
            unit_x,
            team_name=f"{TEAM_PAYLOAD}质检班",
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
        assert "<img/src=x" not in html, url
        assert "<script>alert(2)" not in html, url
        assert "&lt;img src=x" in html or "&lt;img" in html, url


def test_hostile_text_is_escaped_on_the_public_pages_and_events(
    staff: Any, campaign: Any, unit_x: Any, org_a: Any, unit_x_admin: Any
) -> None:
    """The public lists build their rows in Python (publication_tags): escaped there too."""
    from tests.events.conftest import event_data
    from tests.recommendation.factories import make_application
    from xinban.events import services as event_services
    from xinban.publication import services as publication_services
    from xinban.publication.models import CaseEntry

    org_a.name = f"{PAYLOAD}上海浦江"
    org_a.save(update_fields=["name"])
    make_application(
        organisation=org_a,
        unit=unit_x,
        campaign=campaign,
        state="selected",
        team_name=f"{PAYLOAD}质检班",
    )
    publication_services.results_publish(actor=staff, campaign=campaign)
    case = CaseEntry.objects.get()
    assert PAYLOAD in case.team_name  # stored as typed, escaped when shown
    event = event_services.event_create(
        actor=unit_x_admin,
        campaign=campaign,
        unit=unit_x,
        data=event_data(
            kind="presentation", title=f"{PAYLOAD}发表会", location="<script>alert(2)</script>会场"
        ),
    )
    event_services.event_publish(actor=unit_x_admin, event=event)
    anonymous = Client()
    for url in [
        reverse("publication:results"),
        reverse("publication:results") + f"?year={campaign.year}",
        reverse("publication:cases"),
        reverse("publication:cases") + "?q=质检",
        reverse("publication:case_detail", args=[case.pk]),
        reverse("events:list"),
        reverse("events:detail", args=[event.pk]),
    ]:
        response = anonymous.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<img src=x" not in html, url
        assert "<script>alert(2)" not in html, url
        assert "&lt;img src=x" in html or "&lt;script&gt;" in html, url
