"""System checks of the platform's own settings (``manage.py check``, ``check --deploy``,
``runserver``, ``migrate``; the WSGI application runs them too, so gunicorn refuses to
start): see docs/deploy.md, "Configuration"."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_site_url(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """SITE_URL is printed on every certificate's QR code and in every e-mail's links; a
    printed certificate cannot be corrected, so production may not run on a guess."""
    url = settings.SITE_URL
    if not url:
        if settings.DEBUG:
            return []
        return [
            Error(
                "SITE_URL 未设置：证书二维码和邮件链接需要平台的对外地址。"
                " SITE_URL is not set: certificates and e-mails need the platform's public"
                " address.",
                hint="Set SITE_URL, e.g. SITE_URL=https://xinban.example.org",
                id="xinban.E001",
            )
        ]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return [
            Error(
                f"SITE_URL 不是有效的网址：{url!r}。 SITE_URL is not an http(s) address.",
                hint="e.g. SITE_URL=https://xinban.example.org",
                id="xinban.E002",
            )
        ]
    return []


def refuse_to_start_when_misconfigured() -> None:
    """The WSGI entry point's guard: the same checks as ``manage.py check``."""
    from django.core.exceptions import ImproperlyConfigured

    errors = check_site_url()
    if errors:
        raise ImproperlyConfigured("; ".join(str(e.msg) for e in errors))
