from __future__ import annotations

import logging
from base64 import b32encode
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from xinban.accounts import services, two_factor
from xinban.accounts.forms import SignUpForm, ThrottledAuthenticationForm, TokenForm
from xinban.core import ratelimit
from xinban.core.errors import ServiceError
from xinban.core.middleware import client_ip_of

logger = logging.getLogger("xinban.accounts")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_sign_up(
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
                mobile=form.cleaned_data["mobile"],
            )
        except ServiceError as exc:
            form.add_error(exc.field, exc.message)
        else:
            return render(
                request, "accounts/signup_done.html", {"email": form.cleaned_data["email"]}
            )
    return render(request, "accounts/signup.html", {"form": form})


def verify(request: HttpRequest, token: str) -> HttpResponse:
    try:
        services.user_verify_email(token=token)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:login")
    messages.success(request, _("邮箱已验证，请登录。"))
    return redirect("accounts:login")


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        logger.warning(
            "failed login for %r from %s",
            form.data.get("username"),
            self.request.META.get("REMOTE_ADDR"),
        )
        return super().form_invalid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        # Not an error of what was typed: say what to do, and offer a new link.
        context["unverified"] = bool(
            form is not None and form.is_bound and form.has_error("__all__", "unverified")
        )
        return context


@require_http_methods(["POST"])
def resend_verification(request: HttpRequest) -> HttpResponse:
    """A new verification link for an unverified account. The answer is the same whether
    or not the address has one (no account enumeration); limited per address and client."""
    email = services.login_key(request.POST.get("email", ""))
    ip = client_ip_of(request) or "-"
    per_account = ratelimit.hit(f"verify-resend:{email}", limit=3, window=3600)
    per_client = ratelimit.hit(f"verify-resend-ip:{ip}", limit=10, window=3600)
    if not (per_account.allowed and per_client.allowed):
        messages.warning(request, _("发送过于频繁，请一小时后再试。"))
        return redirect("accounts:login")
    services.user_resend_verification(email=email)
    messages.info(request, _("如果该邮箱已注册且尚未验证，我们已重新发送验证邮件，请查收。"))
    return redirect("accounts:login")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email_password_reset.txt"
    subject_template_name = "accounts/email_password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        # The owner who proved it through the e-mail is never kept out by the throttle.
        services.login_clear_failures(email=form.user.email)
        return super().form_valid(form)


def _safe_next(request: HttpRequest) -> str:
    from django.conf import settings
    from django.shortcuts import resolve_url
    from django.utils.http import url_has_allowed_host_and_scheme

    # Without a (safe) next, where every log-in lands: the workbench.
    default = resolve_url(settings.LOGIN_REDIRECT_URL)
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    if two_factor.has_confirmed_device(request.user):
        return redirect("accounts:2fa_verify")
    device = two_factor.totp_device_pending(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.totp_confirm(request=request, token=form.cleaned_data["token"])
        except ServiceError as exc:
            form.add_error("token", exc.message)
        else:
            messages.success(request, _("两步验证已启用。"))
            return redirect(_safe_next(request))
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": svg,
            "secret": b32encode(device.bin_key).decode(),
            "next": _safe_next(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.totp_verify(request=request, token=form.cleaned_data["token"])
        except ServiceError as exc:
            form.add_error("token", exc.message)
        else:
            return redirect(_safe_next(request))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request)}
    )
