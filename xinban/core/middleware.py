from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DataError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from xinban.core.context import reset_channel, reset_client_ip, set_channel, set_client_ip

logger = logging.getLogger("xinban.core")


def client_ip_of(request: HttpRequest) -> str | None:
    # X-Real-IP counts only when it comes from a trusted proxy (the documented nginx on the
    # same host); anyone else could forge it to dodge the login throttle.
    remote = request.META.get("REMOTE_ADDR") or None
    if remote in settings.XINBAN_TRUSTED_PROXIES:
        return request.META.get("HTTP_X_REAL_IP") or remote
    return remote


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_client_ip(client_ip_of(request))
        # The API's authentication turns this into "api" or the token that acted.
        channel = set_channel("page")
        try:
            return self.get_response(request)
        finally:
            reset_channel(channel)
            reset_client_ip(token)


class DatabaseUnavailableMiddleware:
    """A database that goes away for a moment gives a clean 503 page, not a stack trace."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DataError):
            # A value the forms let through but the database cannot store (e.g. a time with
            # a UTC offset over ±15:59 on PostgreSQL): the transaction rolled back, nothing
            # was saved; say so instead of a server error.
            logger.warning("value refused by the database: %s", exception)
            html = render_to_string("400.html", {"data_error": True}, request=request)
            return HttpResponse(html, status=400)
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable: %s", exception)
        # A connection that really broke is closed, so the next request opens a fresh one;
        # one that still works is kept (closing it could end a caller's transaction).
        for conn in connections.all():
            if conn.in_atomic_block:
                continue  # the caller's transaction owns it (tests run inside one)
            with contextlib.suppress(Exception):  # checking a dead connection may fail again
                conn.close_if_unusable_or_obsolete()
        html = render_to_string("503.html", request=None)
        return HttpResponse(html, status=503)


class SecurityHeadersMiddleware:
    """A Content-Security-Policy without inline script: every script is a local static
    file, so an injected <script> or on* attribute does not run."""

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
        "base-uri 'self'; form-action 'self'; object-src 'none'"
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/docs"):
            return response  # ninja's bundled Swagger UI page starts itself with inline script
        response.setdefault("Content-Security-Policy", self.POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
