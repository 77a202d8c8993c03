"""API tokens: created on the token page (shown once, stored as a hash), accepted as
``Authorization: Bearer``, acting as their owner within their scopes; revoked and expired
tokens refused; rate limits per token, user and address."""

from __future__ import annotations

import ast
import json
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.api.conftest import Api, application_body, registration_body
from xinban.accounts.models import User
from xinban.api.api import api
from xinban.api.models import ApiToken
from xinban.api.scopes import READ, SCOPES, UNMAPPED, scope_granted
from xinban.api.services import token_create, token_digest
from xinban.core.models import AuditEntry
from xinban.organisations.models import Organisation, RecommendingUnit

ALL_SCOPES = list(SCOPES)


def bearer(secret: str) -> Api:
    """A client that sends only the token: no session, and CSRF checks enforced as in a
    real browser (a token needs none)."""
    return Api(Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {secret}"))


def new_token(user: User, scopes: list[str], **extra: Any) -> str:
    _token, secret = token_create(actor=user, name="集成测试", scopes=scopes, **extra)
    return secret


@pytest.fixture
def applicant(db: None) -> User:
    return User.objects.create_user(
        email="token-a@example.com", password="pw-123456-long", name="申报人甲"
    )


# --- the token page ---------------------------------------------------------------------------


def test_token_page_shows_the_secret_once_and_stores_only_its_hash(applicant: User) -> None:
    client = Client()
    client.force_login(applicant)
    assert client.get("/api/tokens/").status_code == 200
    response = client.post(
        "/api/tokens/",
        {"name": "区统计系统", "scopes": ["read", "applications:write"], "expires_in_days": "30"},
    )
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    secret = response.context["secret"]
    assert secret.startswith("xb_") and len(secret) > 40
    assert secret in response.content.decode()

    token = ApiToken.objects.get(user=applicant)
    assert token.token_hash == token_digest(secret)
    assert token.scopes == ["applications:write", "read"]
    stored = json.dumps(list(ApiToken.objects.values().get(pk=token.pk).values()), default=str)
    assert secret not in stored and secret[10:] not in stored  # only a prefix and the hash
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    entry = AuditEntry.objects.get(action="api_token.create")
    assert entry.actor == applicant and secret not in json.dumps(entry.changes)

    # Listed afterwards by its prefix only, never the secret again.
    page = client.get("/api/tokens/").content.decode()
    assert token.prefix in page and secret not in page
    assert "区统计系统" in page


def test_token_page_keeps_input_and_explains_errors(applicant: User) -> None:
    client = Client()
    client.force_login(applicant)
    response = client.post("/api/tokens/", {"name": "只有名称", "expires_in_days": "30"})
    assert response.status_code == 200
    assert response.context["secret"] is None
    assert "scopes" in response.context["form"].errors
    assert "只有名称" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_a_token_on_the_page_is_audited_and_only_for_the_owner(
    applicant: User,
) -> None:
    secret = new_token(applicant, ["read"])
    token = ApiToken.objects.get()
    other = User.objects.create_user(email="o@example.com", password="pw-123456-long", name="乙")
    intruder = Client()
    intruder.force_login(other)
    assert intruder.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    assert bearer(secret).get("/me").status_code == 200

    owner = Client()
    owner.force_login(applicant)
    assert owner.post(f"/api/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="api_token.revoke", actor=applicant).count() == 1
    response = bearer(secret).get("/me")
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"


def test_the_token_page_needs_a_login(db: None) -> None:
    response = Client().get("/api/tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- bearer authentication and scopes ---------------------------------------------------------


def test_a_token_acts_as_its_owner_without_csrf(
    applicant: User, campaign: Any, unit_x: RecommendingUnit
) -> None:
    api = bearer(new_token(applicant, ALL_SCOPES))
    me = api.get("/me")
    assert me.status_code == 200 and me.json()["email"] == applicant.email
    organisation = {"name": "上海令牌有限公司", "short_name": "令牌"}
    assert api.post("/organisations", organisation).status_code == 201
    assert api.put("/registration", registration_body()).status_code == 200
    created = api.post("/applications", application_body(unit_x))
    assert created.status_code == 201, created.json()
    assert AuditEntry.objects.filter(actor=applicant, action__startswith="application.").exists()
    token = ApiToken.objects.get()
    assert token.last_used_at is not None
    # The owner's rights and no more: unit X's inbox is not theirs.
    assert api.get(f"/units/{unit_x.pk}/applications").status_code == 404


def test_a_write_outside_the_scopes_is_refused_with_the_missing_scope(
    applicant: User, campaign: Any
) -> None:
    api = bearer(new_token(applicant, ["read"]))
    assert api.get("/me").status_code == 200
    response = api.post("/organisations", {"name": "上海令牌有限公司", "short_name": "令牌"})
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "insufficient_scope"
    assert "applications:write" in body["detail"]
    assert not Organisation.objects.filter(name="上海令牌有限公司").exists()


def test_a_token_without_read_cannot_read(applicant: User) -> None:
    response = bearer(new_token(applicant, ["applications:write"])).get("/me")
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert "read" in response.json()["detail"]


def test_expired_unknown_and_malformed_tokens_answer_401(applicant: User) -> None:
    secret = new_token(applicant, ["read"], expires_at=timezone.now() + timedelta(hours=1))
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = bearer(secret).get("/me")
    assert expired.status_code == 401 and expired.json()["code"] == "token_expired"
    assert "invalid_token" in expired["WWW-Authenticate"]
    for bogus in ("xb_" + "x" * 43, "not-a-token", ""):
        response = bearer(bogus).get("/me")
        assert response.status_code == 401, bogus
        assert response.json()["code"] in ("invalid_token", "not_authenticated")


def test_a_bad_token_never_falls_back_to_the_session(applicant: User) -> None:
    client = Client(HTTP_AUTHORIZATION="Bearer xb_wrong")
    client.force_login(applicant)
    response = client.get("/api/me")
    assert response.status_code == 401 and response.json()["code"] == "invalid_token"


def test_a_deactivated_owner_s_token_is_refused(applicant: User) -> None:
    secret = new_token(applicant, ["read"])
    User.objects.filter(pk=applicant.pk).update(is_active=False)
    response = bearer(secret).get("/me")
    assert response.status_code == 401 and response.json()["code"] == "user_inactive"


def test_a_staff_token_works_without_the_session_second_factor(settings: Any, db: None) -> None:
    settings.REQUIRE_TWO_FACTOR = True
    staff = User.objects.create_user(
        email="s@example.com", password="pw-123456-long", name="质协", is_association_staff=True
    )
    response = bearer(new_token(staff, ["read"])).get("/me")
    assert response.status_code == 200 and response.json()["roles"]["is_staff"] is True
    # The session still needs its second factor.
    session = Client()
    session.force_login(staff)
    assert session.get("/api/me").status_code == 403


def test_token_creation_is_checked(applicant: User) -> None:
    from xinban.core.errors import ServiceError

    for kwargs in (
        {"name": " ", "scopes": ["read"]},
        {"name": "x", "scopes": []},
        {"name": "x", "scopes": ["root"]},
        {"name": "x", "scopes": ["read"], "expires_at": timezone.now() - timedelta(days=1)},
    ):
        with pytest.raises(ServiceError):
            token_create(actor=applicant, **kwargs)
    assert not ApiToken.objects.exists()


def test_every_write_operation_declares_its_scope(client: Client, db: None) -> None:
    schema = client.get("/api/openapi.json").json()
    declared = api.token_scopes()
    unmapped = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if not operation.get("security"):
                continue
            scope = operation["x-token-scope"]
            if scope == UNMAPPED:
                unmapped.append(f"{method.upper()} {path}")
            assert scope == declared[(method.upper(), path.removeprefix("/api"))]
            if method.upper() == "GET":
                assert scope == READ
    assert unmapped == [], "declare auth=scoped(...) in these operations' router decorators"
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}


def _write_operations() -> list[tuple[str, str, ast.FunctionDef]]:
    """(METHOD, path, function) for every write operation in the routers' source."""
    found = []
    for source in sorted((Path(settings.BASE_DIR) / "xinban" / "api" / "routers").rglob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                func = getattr(decorator, "func", None)
                if (
                    isinstance(func, ast.Attribute)
                    and func.attr in ("post", "put", "delete", "patch")
                    and getattr(func.value, "id", "") == "router"
                ):
                    path = cast(ast.Constant, cast(ast.Call, decorator).args[0]).value
                    found.append((func.attr.upper(), path, node))
    return found


def _checks_a_staff_right(function: ast.FunctionDef) -> bool:
    """The operation's own code asks for a staff right (``_staff(user)``,
    ``require_staff``, ``roles.is_staff`` …) without asking the token for
    ``staff:write`` where it uses it (``require_scope``, for operations open to two
    roles)."""
    if any(getattr(n, "id", "") == "require_scope" for n in ast.walk(function)):
        return False
    for node in ast.walk(function):
        name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
        if isinstance(node, ast.Name | ast.Attribute) and "staff" in name.lower():
            return True
    return False


def test_no_operation_that_needs_a_staff_right_is_reachable_with_a_narrower_scope(
    db: None,
) -> None:
    declared = api.token_scopes()
    narrower = [scope for scope in SCOPES if scope != "staff:write"]
    operations = _write_operations()
    staff_only = [(m, p) for m, p, f in operations if _checks_a_staff_right(f)]
    assert len(operations) > 80 and len(staff_only) > 20  # the scan finds them
    reachable = [
        f"{method} {path} ({declared[(method, path)]})"
        for method, path in staff_only
        if scope_granted(declared[(method, path)], narrower)
        and "staff:write" not in declared[(method, path)]
    ]
    assert reachable == [], "these check a staff right: declare auth=scoped('staff:write')"


def test_reminding_every_unit_needs_the_staff_scope(staff: User, campaign: Any) -> None:
    """The finding: a units:write token of a staff member could e-mail every unit."""
    narrow = bearer(new_token(staff, ["read", "units:write"]))
    response = narrow.post("/reports/reminders")
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    allowed = bearer(new_token(staff, ["staff:write"])).post("/reports/reminders")
    assert allowed.status_code == 200, allowed.json()


# --- rate limits ------------------------------------------------------------------------------


def test_rate_limit_per_token_answers_429_with_retry_after(settings: Any, applicant: User) -> None:
    settings.XINBAN_API_RATE_LIMIT = 3
    first, second = new_token(applicant, ["read"]), new_token(applicant, ["read"])
    api = bearer(first)
    assert [api.get("/me").status_code for _ in range(3)] == [200, 200, 200]
    limited = api.get("/me")
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert bearer(second).get("/me").status_code == 200  # each token counts on its own


def test_rate_limit_per_session_user(settings: Any, applicant: User) -> None:
    settings.XINBAN_API_RATE_LIMIT = 2
    client = Client()
    client.force_login(applicant)
    assert [client.get("/api/me").status_code for _ in range(3)] == [200, 200, 429]


def test_rate_limit_per_address_for_anonymous_callers(settings: Any, db: None) -> None:
    settings.XINBAN_API_RATE_LIMIT_ANON = 2
    anonymous = Client()
    codes = [anonymous.get("/api/public/cases").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    other_address = Client(REMOTE_ADDR="10.0.0.9")
    assert other_address.get("/api/public/cases").status_code == 200


def test_a_limit_of_zero_switches_it_off(settings: Any, applicant: User) -> None:
    settings.XINBAN_API_RATE_LIMIT = 0
    client = Client()
    client.force_login(applicant)
    assert {client.get("/api/me").status_code for _ in range(5)} == {200}


def test_staff_using_their_staff_right_in_a_units_operation_need_the_staff_scope(
    staff: User, unit_x: RecommendingUnit, unit_x_admin: User
) -> None:
    body = {"email": "new.member@example.com", "role": "member"}
    narrow = bearer(new_token(staff, ["read", "units:write"]))
    refused = narrow.post(f"/units/{unit_x.pk}/invitations", body)
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"
    own_admin = bearer(new_token(unit_x_admin, ["units:write"]))
    assert own_admin.post(f"/units/{unit_x.pk}/invitations", body).status_code == 201
