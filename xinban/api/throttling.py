"""Rate limits of the API: a fixed-window counter in the cache, per token, per user (a
browser session) or, for the public operations, per client address.

Settings (environment variables, see config/settings.py):
``XINBAN_API_RATE_LIMIT`` requests per window for a user or a token (default 600),
``XINBAN_API_RATE_LIMIT_ANON`` for an anonymous client address (default 120),
``XINBAN_API_RATE_WINDOW_SECONDS`` (default 60). A limit of 0 switches that limit off.

Over the limit: 429 ``{"detail", "code": "rate_limited"}`` with ``Retry-After`` (seconds
to the end of the window). The counter is xinban.core.ratelimit's, in Django's default
cache: with the default in-process cache each server process counts on its own, so
configure a shared cache (e.g. Redis or the database cache) where the limit must hold
across processes. Anonymous downloads of public lists on the web (/exports/…) count
against the same per-address limit.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from xinban.core.middleware import client_ip_of
from xinban.core.ratelimit import hit

_last = threading.local()


def _limits() -> tuple[int, int, int]:
    return (
        int(getattr(settings, "XINBAN_API_RATE_LIMIT", 600)),
        int(getattr(settings, "XINBAN_API_RATE_LIMIT_ANON", 120)),
        max(1, int(getattr(settings, "XINBAN_API_RATE_WINDOW_SECONDS", 60))),
    )


def caller_key(request: HttpRequest) -> tuple[str, bool]:
    """Who is counted, and whether they are anonymous."""
    token = getattr(request, "api_token", None)
    if token is not None:
        return f"token:{token.pk}", False
    auth = getattr(request, "auth", None)
    if auth is not None and getattr(auth, "pk", None) is not None:
        return f"user:{auth.pk}", False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}", False
    return f"ip:{client_ip_of(request) or '-'}", True


class FixedWindowThrottle(BaseThrottle):
    def allow_request(self, request: HttpRequest) -> bool:
        per_user, per_anonymous, window = _limits()
        ident, anonymous = caller_key(request)
        verdict = hit(f"api:{ident}", limit=per_anonymous if anonymous else per_user, window=window)
        _last.wait = verdict.retry_after
        return verdict.allowed

    def wait(self) -> float | None:
        return float(getattr(_last, "wait", 1))


API_THROTTLES: list[BaseThrottle] = [FixedWindowThrottle()]
