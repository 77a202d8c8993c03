"""Request types for views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from xinban.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """An ``HttpRequest`` whose user is known to be signed in (``@login_required`` views).

    For type checking only: Django still passes a plain ``HttpRequest``.
    """

    user: User
