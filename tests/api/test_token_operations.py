"""One's own API tokens as JSON (/api/tokens): the list never carries a secret; creating
(the secret returned once) and revoking are for a logged-in browser session with the CSRF
header, and refused with 403 to any bearer token, whatever its scopes (a token cannot mint,
widen or revoke tokens); another user's token is 404."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.api.conftest import Api
from xinban.accounts.models import User
from xinban.api.models import ApiToken
from xinban.api.scopes import SCOPES
from xinban.api.services import token_create, token_digest
from xinban.core.models import AuditEntry

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def owner(db: None) -> User:
    return User.objects.create_user(
        email="owner@example.com", password="pw-123456-long", name="令牌所有人"
    )


@pytest.fixture
def other(db: None) -> User:
    return User.objects.create_user(
        email="other@example.com", password="pw-123456-long", name="另一个人"
    )


def browser(user: User) -> tuple[Client, str]:
    """A logged-in browser that enforces CSRF, and its CSRF token (from the token page)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/api/tokens/").status_code == 200
    return client, client.cookies["csrftoken"].value


def bearer(secret: str) -> Api:
    return Api(Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {secret}"))


def test_the_list_shows_my_tokens_and_never_a_secret(owner: User, other: User) -> None:
    mine, secret = token_create(actor=owner, name="区统计系统", scopes=["read"])
    _theirs, their_secret = token_create(actor=other, name="别人的", scopes=["read"])
    session = Client()
    session.force_login(owner)
    for api in (bearer(secret), Api(session)):  # a read-scoped token, and the session
        response = api.get("/tokens")
        assert response.status_code == 200
        assert [t["id"] for t in response.json()] == [mine.pk]
        row = response.json()[0]
        assert set(row) == {
            "id", "name", "prefix", "scopes", "created_at", "last_used_at",
            "expires_at", "revoked_at", "active",
        }  # fmt: skip
        assert row["prefix"] == secret[:10] and row["scopes"] == ["read"] and row["active"]
        text = response.content.decode()
        assert secret not in text and secret[10:] not in text and their_secret not in text
        assert mine.token_hash not in text


def test_a_session_creates_a_token_with_csrf_and_sees_the_secret_once(owner: User) -> None:
    client, csrf = browser(owner)
    body = json.dumps({"name": "集团质量平台", "scopes": ["read", "units:write"]})
    refused = client.post("/api/tokens", data=body, content_type=JSON)
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    assert not ApiToken.objects.filter(user=owner).exists()

    created = client.post("/api/tokens", data=body, content_type=JSON, HTTP_X_CSRFTOKEN=csrf)
    assert created.status_code == 201, created.json()
    secret = created.json()["secret"]
    token = ApiToken.objects.get(user=owner)
    assert secret.startswith("xb_") and token.token_hash == token_digest(secret)
    assert token.scopes == ["read", "units:write"] and token.name == "集团质量平台"
    assert token.expires_at is not None  # 90 days unless asked otherwise
    assert created.json()["id"] == token.pk and created.json()["active"] is True
    entry = AuditEntry.objects.get(action="api_token.create", object_id=str(token.pk))
    assert entry.actor == owner and secret not in json.dumps(entry.changes)

    # It works as a bearer token; the list afterwards never shows the secret again.
    assert bearer(secret).get("/me").json()["email"] == owner.email
    listed = client.get("/api/tokens")
    assert listed.status_code == 200 and secret not in listed.content.decode()

    forever = client.post(
        "/api/tokens",
        data=json.dumps({"name": "长期", "scopes": ["read"], "expires_in_days": None}),
        content_type=JSON,
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert forever.status_code == 201 and forever.json()["expires_at"] is None


def test_bad_input_names_the_field(owner: User) -> None:
    client, csrf = browser(owner)

    def post(body: Any) -> Any:
        return client.post(
            "/api/tokens", data=json.dumps(body), content_type=JSON, HTTP_X_CSRFTOKEN=csrf
        )

    empty = post({})
    assert empty.status_code == 422 and set(empty.json()["errors"]) == {"name", "scopes"}
    unknown = post({"name": "x", "scopes": ["admin:everything"]})
    assert unknown.status_code == 422 and "scopes" in unknown.json()["errors"]
    odd_expiry = post({"name": "x", "scopes": ["read"], "expires_in_days": 7})
    assert odd_expiry.status_code == 422 and "expires_in_days" in odd_expiry.json()["errors"]
    not_a_list = post({"name": "x", "scopes": "read"})
    assert not_a_list.status_code == 422 and "scopes" in not_a_list.json()["errors"]
    assert not ApiToken.objects.filter(user=owner).exists()


def test_a_bearer_token_can_neither_create_nor_revoke_tokens(owner: User) -> None:
    token, secret = token_create(actor=owner, name="全部权限", scopes=list(SCOPES))
    sibling, _secret = token_create(actor=owner, name="另一个", scopes=["read"])
    api = bearer(secret)
    for body in ({"name": "更宽的", "scopes": list(SCOPES)}, {"name": 1}):
        minted = api.post("/tokens", body)
        assert minted.status_code == 403 and minted.json()["code"] == "session_required"
    for target in (token, sibling):
        revoked = api.delete(f"/tokens/{target.pk}")
        assert revoked.status_code == 403 and revoked.json()["code"] == "session_required"
    assert ApiToken.objects.filter(user=owner).count() == 2
    assert not ApiToken.objects.filter(user=owner, revoked_at__isnull=False).exists()
    assert not AuditEntry.objects.filter(action="api_token.revoke").exists()
    # A read-only token is refused the same way.
    _read, read_secret = token_create(actor=owner, name="只读", scopes=["read"])
    assert bearer(read_secret).post("/tokens", {"name": "x", "scopes": ["read"]}).status_code == 403


def test_a_session_revokes_its_own_token_and_not_another_users(owner: User, other: User) -> None:
    token, secret = token_create(actor=owner, name="要撤销的", scopes=["read"])
    theirs, their_secret = token_create(actor=other, name="别人的", scopes=["read"])
    client, csrf = browser(owner)
    assert client.delete(f"/api/tokens/{token.pk}").status_code == 403  # no CSRF header
    assert client.delete(f"/api/tokens/{theirs.pk}", HTTP_X_CSRFTOKEN=csrf).status_code == 404
    assert client.delete("/api/tokens/999999", HTTP_X_CSRFTOKEN=csrf).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None and bearer(their_secret).get("/me").status_code == 200

    revoked = client.delete(f"/api/tokens/{token.pk}", HTTP_X_CSRFTOKEN=csrf)
    assert revoked.status_code == 200, revoked.json()
    assert revoked.json()["active"] is False and revoked.json()["revoked_at"]
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert (
        AuditEntry.objects.filter(action="api_token.revoke", object_id=str(token.pk)).count() == 1
    )
    assert bearer(secret).get("/me").json()["code"] == "token_revoked"
    # Again: unchanged, not audited twice.
    assert client.delete(f"/api/tokens/{token.pk}", HTTP_X_CSRFTOKEN=csrf).status_code == 200
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 1


def test_the_document_marks_token_writes_as_session_only(client: Client) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert paths["/api/tokens"]["post"]["x-token-scope"] == "session"
    assert paths["/api/tokens/{token_id}"]["delete"]["x-token-scope"] == "session"
    assert paths["/api/tokens"]["get"]["x-token-scope"] == "read"
    assert "session_required" in paths["/api/tokens"]["post"]["description"]
