"""The shape every button-press view shares: one service call, its refusal shown as an
error message, its success as a message (the view then redirects either way)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest

from xinban.core.errors import ServiceError


def perform(request: HttpRequest, action: Callable[[], object], success: str) -> bool:
    """Run ``action`` (one atomic service call); ``True`` when it went through. A
    ``ServiceError`` becomes an error message; an empty ``success`` says nothing."""
    try:
        action()
    except ServiceError as exc:
        messages.error(request, exc.message)
        return False
    if success:
        messages.success(request, success)
    return True
