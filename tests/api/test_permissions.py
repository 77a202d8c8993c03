"""Personas: anonymous → 401; another organisation → 404; a unit that may see but not
change → 403; the CSRF token is required for a logged-in browser session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.middleware.csrf import CSRF_ALLOWED_CHARS
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string

from tests.api.conftest import Api, application_body, pdf_upload, registration_body
from xinban.accounts.models import User
from xinban.applications.models import Application, ApplicationState
from xinban.organisations.models import RecommendingUnit

ENDPOINTS: list[tuple[str, str]] = [
    ("get", "/me"),
    ("get", "/campaigns/current"),
    ("get", "/taxonomies"),
    ("post", "/organisations"),
    ("get", "/registration"),
    ("put", "/registration"),
    ("get", "/applications"),
    ("post", "/applications"),
    ("get", "/applications/1"),
    ("put", "/applications/1"),
    ("post", "/applications/1/attachments"),
    ("delete", "/applications/1/attachments/1"),
    ("post", "/applications/1/stamped-form"),
    ("post", "/applications/1/submit"),
    ("post", "/applications/1/withdraw"),
    ("get", "/applications/1/form.docx"),
    ("get", "/applications/1/form.pdf"),
    ("get", "/applications/1/submission-problems"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_gets_401(method: str, path: str) -> None:
    client = Client(enforce_csrf_checks=True)  # 401 comes before any CSRF check
    response = getattr(client, method)(f"/api{path}", content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_other_organisation_gets_404(
    api_a: Api,
    api_b: Api,
    unit_x: RecommendingUnit,
    new_application: Callable[..., dict[str, Any]],
) -> None:
    application = new_application()
    pk = application["id"]
    body = {**application_body(unit_x), "version": application["version"]}
    assert api_b.get(f"/applications/{pk}").status_code == 404
    assert api_b.put(f"/applications/{pk}", body).status_code == 404
    assert api_b.get(f"/applications/{pk}/form.pdf").status_code == 404
    assert api_b.get(f"/applications/{pk}/form.docx").status_code == 404
    assert api_b.get(f"/applications/{pk}/submission-problems").status_code == 404
    assert api_b.post(f"/applications/{pk}/submit").status_code == 404
    assert api_b.post(f"/applications/{pk}/withdraw").status_code == 404
    assert api_b.upload(f"/applications/{pk}/stamped-form", file=pdf_upload()).status_code == 404
    assert (
        api_b.upload(f"/applications/{pk}/attachments", area=1, file=pdf_upload()).status_code
        == 404
    )
    assert api_b.get("/applications").json() == []
    assert api_b.get(f"/applications/{pk}").json()["detail"]  # JSON, not an HTML page
    # nothing changed
    assert Application.objects.get(pk=pk).version == application["version"]

    attachment = api_a.upload(f"/applications/{pk}/attachments", area=1, file=pdf_upload())
    aid = attachment.json()["id"]
    assert api_b.delete(f"/applications/{pk}/attachments/{aid}").status_code == 404
    # B's own application cannot reach A's attachment either
    own = api_b.post("/applications", application_body(unit_x)).json()["id"]
    assert api_b.delete(f"/applications/{own}/attachments/{aid}").status_code == 404


def test_recommending_unit_sees_but_cannot_change(
    api_a: Api,
    api_unit_x: Api,
    unit_x: RecommendingUnit,
    new_application: Callable[..., dict[str, Any]],
) -> None:
    application = new_application()
    pk = application["id"]
    assert api_unit_x.get(f"/applications/{pk}").status_code == 404  # drafts are private
    Application.objects.filter(pk=pk).update(
        state=ApplicationState.SUBMITTED, submitted_at=timezone.now()
    )
    seen = api_unit_x.get(f"/applications/{pk}")
    assert seen.status_code == 200
    assert seen.json()["editable"] is False
    body = {**application_body(unit_x), "version": application["version"]}
    changed = api_unit_x.put(f"/applications/{pk}", body)
    assert changed.status_code == 403
    assert changed.json()["code"] == "not_member"
    assert api_unit_x.post(f"/applications/{pk}/withdraw").status_code == 403
    assert api_unit_x.get(f"/applications/{pk}/form.pdf").status_code == 200


def test_session_needs_the_csrf_token(api_a: Api) -> None:
    user = User.objects.get(email="a@example.com")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    me = strict.get("/api/me")
    assert me.status_code == 200
    refused = strict.put(
        "/api/registration", data=registration_body(), content_type="application/json"
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    secret = get_random_string(32, allowed_chars=CSRF_ALLOWED_CHARS)
    strict.cookies[settings.CSRF_COOKIE_NAME] = secret  # what a page would have set
    accepted = strict.put(
        "/api/registration",
        data=registration_body(),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=secret,
    )
    assert accepted.status_code == 200, accepted.content


def test_without_organisation(client: Client, campaign: Any) -> None:
    user = User.objects.create_user(email="n@example.com", password="pw-123456-long", name="无")
    client.force_login(user)
    api = Api(client)
    response = api.get("/registration")
    assert response.status_code == 404
    assert response.json()["code"] == "no_organisation"
    assert api.post("/applications", {}).json()["code"] == "no_organisation"
    assert api.get("/applications").json() == []
    assert api.get("/taxonomies").status_code == 200
