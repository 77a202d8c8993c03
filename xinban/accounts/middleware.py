from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from xinban.accounts.two_factor import has_confirmed_device, two_factor_required

ALWAYS_ALLOWED_PREFIXES = ("/static/", "/i18n/", "/accounts/logout/", "/accounts/2fa/")


class RequireTwoFactorMiddleware:
    """Staff and guiding-unit users reach nothing but the second-factor pages until they
    have entered a valid TOTP code in this session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            two_factor_required(user)
            and not user.is_verified()  # type: ignore[union-attr]
            and not request.path.startswith(ALWAYS_ALLOWED_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "需要两步验证。Two-factor verification required.", "code": "2fa"},
                    status=403,
                )
            target = "accounts:2fa_verify" if has_confirmed_device(user) else "accounts:2fa_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)
