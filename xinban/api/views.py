"""The token page: create (the secret is shown once), list and revoke one's API tokens."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from xinban.api import services
from xinban.api.forms import TokenForm
from xinban.api.models import ApiToken
from xinban.api.scopes import SCOPES
from xinban.core.errors import ServiceError
from xinban.core.forms import add_service_error
from xinban.core.http import AuthenticatedHttpRequest


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    longest = services.privileged_token_lifetime(request.user)
    form = TokenForm(request.POST or None, longest_days=longest.days if longest else None)
    secret = None
    created = None
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["expires_in_days"]
        expires_at = timezone.now() + timedelta(days=int(days)) if days else None
        try:
            created, secret = services.token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=expires_at,
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            form = TokenForm(longest_days=longest.days if longest else None)
    now = timezone.now()
    rows = [
        {
            "token": token,
            "active": token.is_active(now),
            "scopes": [(scope, SCOPES.get(scope, scope)) for scope in token.scopes],
        }
        for token in ApiToken.objects.filter(user=request.user)
    ]
    return render(
        request,
        "api/tokens.html",
        {"form": form, "rows": rows, "secret": secret, "created": created},
    )


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("令牌“%(name)s”已撤销。") % {"name": token.name})
    return redirect("api:tokens")
