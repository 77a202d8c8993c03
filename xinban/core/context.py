"""Per-request context (the client address, the channel an action came through) available
to services without threading it through."""

from __future__ import annotations

from contextvars import ContextVar

_client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)
# How the current action reached the platform, written to every audit entry
# (docs/architecture.md, "The audit log"): "page" (a web page), "api" (the JSON API with a
# browser session), "api-token:<id>" (the JSON API with that token), "task:<name>#<id>" (a
# background task), and "command" (manage.py, the shell, tests calling services).
_channel: ContextVar[str] = ContextVar("channel", default="command")


def set_client_ip(ip: str | None) -> object:
    return _client_ip.set(ip)


def reset_client_ip(token: object) -> None:
    _client_ip.reset(token)  # type: ignore[arg-type]


def current_client_ip() -> str | None:
    return _client_ip.get()


def set_channel(channel: str) -> object:
    return _channel.set(channel[:80])


def reset_channel(token: object) -> None:
    _channel.reset(token)  # type: ignore[arg-type]


def current_channel() -> str:
    return _channel.get()
