"""Tokens of the association's staff and of guiding units end after at most 90 days
(XINBAN_PRIVILEGED_TOKEN_DAYS); every token shows when it was last used."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xinban.api.models import ApiToken
from xinban.api.services import token_create
from xinban.core.errors import ServiceError

pytestmark = pytest.mark.django_db


def _page(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("persona", ["staff", "guide"])
def test_a_privileged_token_may_not_outlive_90_days(
    request: pytest.FixtureRequest, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    page = _page(user)
    offered = page.get(reverse("api:tokens")).content.decode()
    assert 'value="365"' not in offered and "永不过期" not in offered
    response = page.post(
        reverse("api:tokens"), {"name": "统计", "scopes": ["read"], "expires_in_days": "365"}
    )
    assert response.status_code == 200
    assert "expires_in_days" in response.context["form"].errors
    assert not ApiToken.objects.filter(user=user).exists()
    with pytest.raises(ServiceError) as refused:
        token_create(
            actor=user,
            name="脚本",
            scopes=["read"],
            expires_at=timezone.now() + timedelta(days=91),
        )
    assert "最长 90 天" in refused.value.message
    # Without a choice (an integration that asks for no end) it ends after 90 days.
    token, _secret = token_create(actor=user, name="脚本", scopes=["read"], expires_at=None)
    assert token.expires_at is not None
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)


def test_ninety_days_is_allowed_and_an_applicant_may_keep_one_longer(
    staff: Any, applicant_a: Any
) -> None:
    _page(staff).post(
        reverse("api:tokens"), {"name": "统计", "scopes": ["read"], "expires_in_days": "90"}
    )
    assert ApiToken.objects.get(user=staff).expires_at is not None
    token, _ = token_create(actor=applicant_a, name="自用", scopes=["read"], expires_at=None)
    assert token.expires_at is None


def test_an_old_privileged_token_ends_and_the_page_shows_last_use(
    staff: Any, settings: Any
) -> None:
    token, secret = token_create(
        actor=staff, name="旧令牌", scopes=["read"], expires_at=timezone.now() + timedelta(days=30)
    )
    used = Client().get("/api/staff/audit-log", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert used.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    page = _page(staff).get(reverse("api:tokens")).content.decode()
    assert timezone.localtime(token.last_used_at).strftime("%Y-%m-%d %H:%M") in page

    # Made 91 days ago without an end (before the rule): refused now.
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=timezone.now() - timedelta(days=91), expires_at=None
    )
    old = Client().get("/api/staff/audit-log", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert old.status_code == 401 and old.json()["code"] == "token_expired"
    settings.XINBAN_PRIVILEGED_TOKEN_DAYS = 120  # the limit is read at use
    again = Client().get("/api/staff/audit-log", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert again.status_code == 200
