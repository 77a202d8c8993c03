"""Domain errors raised by services, and the error pages users see instead of stack traces."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class ServiceError(Exception):
    """A rule refused the action. `message` is translated, for the user; `field` names the
    form field it concerns, if any; `code` is stable, for the API and tests."""

    status = 400

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


class WrongState(ServiceError):
    status = 409


class WindowClosed(ServiceError):
    status = 409


class NotAllowed(ServiceError):
    status = 403


class ConcurrentEdit(ServiceError):
    status = 409


def _page(request: HttpRequest, template: str, status: int, **context: Any) -> HttpResponse:
    return render(request, template, context, status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "404.html", 404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "403.html", 403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "400.html", 400)


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(request, "500.html", 500)
