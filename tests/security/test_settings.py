"""Production settings as an operator gets them: ``check --deploy`` clean, HSTS, secure
cookies, argon2, sessions that expire, and a Content-Security-Policy without inline
script on every page, error pages included.

The settings are read in a fresh process with the production environment (the test
process runs with DEBUG and a fast hasher), so these are the values a deployment sees."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

BASE_DIR = Path(settings.BASE_DIR)
# The only variables an operator must set (docs/deploy.md, "Configuration"); everything
# else, HTTPS included, is safe by default without DEBUG.
PRODUCTION = {
    "SECRET_KEY": "a-production-secret-" + "x" * 50,
    "ALLOWED_HOSTS": "xinban.example.cn",
    "SITE_URL": "https://xinban.example.cn",
}


def _run(
    *args: str, extra: dict[str, str] | None = None, without: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    # A fresh process with nothing of the test process's own (its settings module, the
    # browser tests' DJANGO_ALLOW_ASYNC_UNSAFE, the test defaults for HTTPS and SITE_URL):
    # only the system's variables and the production ones.
    kept = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "DATABASE_URL", "XINBAN_VAR_DIR")
    env = {k: v for k, v in os.environ.items() if k in kept}
    env.update(PRODUCTION, DJANGO_SETTINGS_MODULE="config.settings", **(extra or {}))
    for name in without:
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_under_production_settings() -> None:
    result = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_site_url_neither_the_check_nor_the_server_starts() -> None:
    check = _run("manage.py", "check", "--deploy", without=("SITE_URL",))
    assert check.returncode != 0
    assert "xinban.E001" in check.stdout + check.stderr
    assert "SITE_URL" in check.stdout + check.stderr
    # gunicorn runs no system checks; the WSGI application itself refuses.
    server = _run("-c", "import config.wsgi", without=("SITE_URL",))
    assert server.returncode != 0
    assert "ImproperlyConfigured" in server.stderr and "SITE_URL" in server.stderr
    assert _run("-c", "import config.wsgi").returncode == 0


def test_a_plain_http_installation_says_so() -> None:
    code = "import django; django.setup(); from django.conf import settings as s; " + (
        "print(s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)"
    )
    assert _run("-c", code).stdout.split() == ["True", "True", "31536000"]
    assert _run("-c", code, extra={"XINBAN_HTTPS": "0"}).stdout.split() == ["False", "False", "0"]


def test_make_run_serves_where_site_url_points() -> None:
    """Development certificates verify: `make run PORT=8100` links to port 8100."""
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", "site-url", "PORT=8100"],
        cwd=BASE_DIR,
        env={k: v for k, v in os.environ.items() if k != "SITE_URL"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "http://127.0.0.1:8100", result.stderr


def test_check_deploy_complains_about_a_development_secret() -> None:
    """The check above can fail: the same command with the development key does."""
    result = _run(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        extra={"SECRET_KEY": "short"},
    )
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


@pytest.fixture(scope="module")
def production() -> dict[str, Any]:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ("
        "'PASSWORD_HASHERS', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SESSION_COOKIE_HTTPONLY', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
        "'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_AGE', 'SESSION_EXPIRE_AT_BROWSER_CLOSE', "
        "'SECURE_CONTENT_TYPE_NOSNIFF', 'DEBUG')}))"
    )
    result = _run("-c", code)
    assert result.returncode == 0, result.stderr
    values: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return values


def test_production_hashes_passwords_with_argon2(production: dict[str, Any]) -> None:
    assert production["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")


def test_production_cookies_are_secure_and_hsts_is_on(production: dict[str, Any]) -> None:
    assert production["DEBUG"] is False
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["SESSION_COOKIE_HTTPONLY"]
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and production["SECURE_SSL_REDIRECT"]
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"]


def test_sessions_expire(production: dict[str, Any]) -> None:
    assert 0 < production["SESSION_COOKIE_AGE"] <= 12 * 3600
    assert production["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True


def _script_sources(policy: str) -> str:
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )
    return directives.get("script-src") or directives.get("default-src", "")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/results/", "/cases/", "/accounts/login/", "/nowhere/"])
def test_every_page_has_a_csp_without_inline_script(path: str) -> None:
    response = Client().get(path)
    policy = response["Content-Security-Policy"]
    sources = _script_sources(policy)
    assert "'self'" in sources
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    assert "object-src 'none'" in policy
    body = response.content.decode()
    # No inline script on the page itself: every <script> has a src.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), path
    assert " onclick=" not in body and " onload=" not in body


@pytest.mark.parametrize("template", ["500.html", "503.html", "404.html", "403.html"])
def test_error_pages_need_no_inline_style_or_script(template: str) -> None:
    """Error pages are shown under the same policy: inline styles would be blocked."""
    path = BASE_DIR / "xinban" / "templates" / template
    if not path.exists():
        pytest.skip(f"{template} is rendered from the base layout")
    text = path.read_text(encoding="utf-8")
    assert " style=" not in text and "<style" not in text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
