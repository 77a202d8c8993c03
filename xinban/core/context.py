"""Per-request context (the client address) available to services without threading it through."""

from __future__ import annotations

from contextvars import ContextVar

_client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)


def set_client_ip(ip: str | None) -> object:
    return _client_ip.set(ip)


def reset_client_ip(token: object) -> None:
    _client_ip.reset(token)  # type: ignore[arg-type]


def current_client_ip() -> str | None:
    return _client_ip.get()
