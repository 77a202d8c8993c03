"""One's own API tokens (the token page /api/tokens/, as JSON): the list (never a secret),
creating one (its secret returned once) and revoking one. Creating and revoking are for a
logged-in browser session only (with the CSRF header, as every session write): a request
authenticated by a bearer token answers 403 ``session_required`` before its body is read
(``xinban.api.auth.TokenAuth``), so a token can neither mint nor widen tokens, nor revoke
itself or its siblings. Another user's token is 404."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Path, Router, Schema, Status
from pydantic import ConfigDict, WithJsonSchema

from xinban.api import services
from xinban.api.auth import current_user, scoped
from xinban.api.common import error_responses
from xinban.api.errors import ensure_valid
from xinban.api.forms import TokenForm
from xinban.api.labels import form_field, model_field, titled
from xinban.api.models import ApiToken
from xinban.api.payloads import form_data
from xinban.api.schemas import JsonText, _required_from
from xinban.api.scopes import SCOPES, SESSION_ONLY

router = Router(tags=["API 令牌"])

TokenId = Annotated[int, Path(title="令牌 id")]

JsonScopes = Annotated[
    Any, WithJsonSchema({"type": "array", "items": {"type": "string", "enum": list(SCOPES)}})
]
JsonExpiry = Annotated[
    Any, WithJsonSchema({"anyOf": [{"type": "integer", "enum": [30, 90, 365]}, {"type": "null"}]})
]


class TokenOut(Schema):
    id: int = titled("令牌 id")
    name: str = model_field(ApiToken, "name")
    prefix: str = model_field(ApiToken, "prefix", description="令牌的前 10 个字符，用于辨认")
    scopes: list[str] = model_field(ApiToken, "scopes")
    created_at: datetime = model_field(ApiToken, "created_at")
    last_used_at: datetime | None = model_field(
        ApiToken, "last_used_at", description="精确到分钟；空：尚未使用"
    )
    expires_at: datetime | None = model_field(ApiToken, "expires_at", description="空：永不过期")
    revoked_at: datetime | None = model_field(ApiToken, "revoked_at", description="空：未撤销")
    active: bool = titled("有效", description="未撤销且未过期")


class TokenCreatedOut(TokenOut):
    secret: str = titled(
        "令牌", description="`xb_…`：只在创建时返回这一次，平台只保存其 SHA-256 摘要"
    )


class TokenIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(TokenForm))

    name: JsonText = form_field(TokenForm, "name", None)
    scopes: JsonScopes = form_field(TokenForm, "scopes", None)
    expires_in_days: JsonExpiry = form_field(
        TokenForm,
        "expires_in_days",
        90,
        description="30、90（默认）或 365 天；null：永不过期（不建议）",
    )


def _out(token: ApiToken, now: datetime) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "scopes": list(token.scopes),
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
        "active": token.is_active(now),
    }


@router.get(
    "/tokens",
    response={200: list[TokenOut], **error_responses()},
    summary="我的 API 令牌（不含令牌本身）",
)
def api_token_list(request: HttpRequest) -> list[TokenOut]:
    now = timezone.now()
    return [
        TokenOut(**_out(token, now))
        for token in ApiToken.objects.filter(user=current_user(request))
    ]


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, **error_responses(400, 403, 422)},
    summary="创建 API 令牌（令牌只返回这一次；仅限浏览器会话）",
    description="与 API 令牌页面相同：名称、权限范围、有效期。每人最多 20 个有效令牌"
    "（code: too_many_tokens）。以 API 令牌请求返回 403（code: session_required）。",
    auth=scoped(SESSION_ONLY),
)
def api_token_create(request: HttpRequest, payload: TokenIn) -> Status[TokenCreatedOut]:
    user = current_user(request)
    data, type_errors = form_data(payload, TokenForm)
    form = TokenForm(data)
    ensure_valid(form, type_errors)
    days = form.cleaned_data["expires_in_days"]
    now = timezone.now()
    token, secret = services.token_create(
        actor=user,
        name=form.cleaned_data["name"],
        scopes=form.cleaned_data["scopes"],
        expires_at=now + timedelta(days=int(days)) if days else None,
    )
    return Status(201, TokenCreatedOut(**_out(token, now), secret=secret))


@router.delete(
    "/tokens/{token_id}",
    response={200: TokenOut, **error_responses(403, 404)},
    summary="撤销我的 API 令牌（仅限浏览器会话）",
    description="已撤销的令牌再次撤销不变。他人的令牌返回 404；"
    "以 API 令牌请求返回 403（code: session_required）。",
    auth=scoped(SESSION_ONLY),
)
def api_token_revoke(request: HttpRequest, token_id: TokenId) -> TokenOut:
    user = current_user(request)
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise Http404
    revoked = services.token_revoke(actor=user, token=token)
    return TokenOut(**_out(revoked, timezone.now()))
