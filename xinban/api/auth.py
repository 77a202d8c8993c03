"""Who is calling the API.

Two methods, tried in order (ninja stops at the first that answers):

1. ``Authorization: Bearer <token>``: an API token (``xinban.api.models.ApiToken``,
   created on the token page ``/api/tokens/``). It acts as its owner, with the owner's
   rights, further limited by its scopes (``xinban.api.scopes``): a request outside them
   answers 403 ``insufficient_scope``. No CSRF token is needed (a browser never adds this
   header by itself). An unknown, revoked or expired token answers 401; it never falls
   back to the session.
2. The browser session of a logged-in user (Django's session cookie), with the CSRF token
   required on unsafe methods, exactly like the pages.

The endpoints only ever look at ``request.auth`` (see ``current_user``).
"""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from xinban.accounts.models import User
from xinban.api.scopes import (
    READ,
    SAFE_METHODS,
    SESSION_ONLY,
    UNMAPPED,
    scope_granted,
    scope_label,
)
from xinban.api.services import TokenRefused, token_lookup
from xinban.core.context import set_channel


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed")


class ApiAuthError(HttpError):
    """A refusal by the authentication itself, with a stable ``code``."""

    def __init__(self, status: int, message: str, *, code: str) -> None:
        super().__init__(status, message)
        self.message = message
        self.code = code


class SessionUserAuth(SessionAuth):
    """ninja's ``django_auth``, except that an anonymous caller gets 401 before any CSRF
    check (ninja's own would answer an anonymous POST with 403)."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request) is not None:
            raise CsrfFailed
        set_channel("api")  # the audit log's channel (reset with the request)
        return self.authenticate(request, request.COOKIES.get(self.param_name))


@cache
def _api_root() -> str:
    return reverse("api:api-root")  # "/api/"


def api_path(request: HttpRequest) -> str:
    """The request's path inside the API, e.g. ``/applications/3/submit``."""
    root = _api_root()
    path = request.path
    return "/" + path[len(root) :] if path.startswith(root) else path


class TokenAuth(HttpBearer):
    """``Authorization: Bearer xb_…``: the token's owner, within the token's scopes.

    The scope an operation needs is declared where the operation is defined
    (``auth=scoped("staff:write")`` in its router decorator); without a declaration a
    read needs ``read`` and a write needs a scope no token has (docs/api.md, "Scopes")."""

    def __init__(self, scope: str | None = None) -> None:
        super().__init__()
        self.scope = scope

    def needed_scope(self, method: str) -> str:
        if self.scope is not None:
            return self.scope
        return READ if method.upper() in SAFE_METHODS else UNMAPPED

    def authenticate(self, request: HttpRequest, token: str) -> User:
        try:
            api_token = token_lookup(token.strip())
        except TokenRefused as exc:
            raise ApiAuthError(401, exc.message, code=exc.code) from exc
        needed = self.needed_scope(request.method or "GET")
        if needed == SESSION_ONLY:
            raise ApiAuthError(
                403,
                _("API 令牌不能创建或撤销令牌，请登录网页后在浏览器中操作。"),
                code="session_required",
            )
        if not scope_granted(needed, api_token.scopes):
            raise ApiAuthError(
                403,
                _("此 API 令牌没有“%(scope)s”权限范围，不能进行此操作。")
                % {"scope": scope_label(needed)},
                code="insufficient_scope",
            )
        user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        # The audit log records which token acted (reset with the request).
        set_channel(f"api-token:{api_token.pk}")
        request.user = user  # code that reads request.user sees the token's owner
        return user


token_auth = TokenAuth()
session_auth = SessionUserAuth()

# Authentication methods, tried in order.
API_AUTH: list[Any] = [token_auth, session_auth]


def require_scope(request: HttpRequest, scope: str) -> None:
    """For an operation open to two roles (a unit's admin with ``units:write``, or staff):
    where the code uses the staff right, a token must also carry ``staff:write``."""
    token = getattr(request, "api_token", None)
    if token is not None and not scope_granted(scope, token.scopes):
        raise ApiAuthError(
            403,
            _("此 API 令牌没有“%(scope)s”权限范围，不能进行此操作。")
            % {"scope": scope_label(scope)},
            code="insufficient_scope",
        )


@cache
def scoped(scope: str) -> list[Any]:
    """The authentication of an operation whose token scope is ``scope`` (a browser
    session acts with the user's own rights, as on the pages)."""
    return [TokenAuth(scope), session_auth]


def current_user(request: HttpRequest) -> User:
    """The authenticated user, whichever method authenticated them."""
    return cast(User, request.auth)  # type: ignore[attr-defined]
