"""Who is calling the API.

Today: the browser session of a logged-in user (Django's session cookie), with the CSRF
token required on unsafe methods, exactly like the pages. To add token authentication
later (e.g. for an integration partner), write an ``HttpBearer`` subclass whose
``authenticate`` returns the token's ``User``, and append an instance to ``API_AUTH``:
ninja tries the methods in order and the endpoints only ever look at ``request.auth``
(see ``current_user``).
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import SessionAuth
from ninja.utils import check_csrf

from xinban.accounts.models import User


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed")


class SessionUserAuth(SessionAuth):
    """ninja's ``django_auth``, except that an anonymous caller gets 401 before any CSRF
    check (ninja's own would answer an anonymous POST with 403)."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request) is not None:
            raise CsrfFailed
        return self.authenticate(request, request.COOKIES.get(self.param_name))


session_auth = SessionUserAuth()

# Authentication methods, tried in order. Token auth goes here later.
API_AUTH: list[Any] = [session_auth]


def current_user(request: HttpRequest) -> User:
    """The authenticated user, whichever method authenticated them."""
    return cast(User, request.auth)  # type: ignore[attr-defined]
