"""Fixtures for the real-browser tests (a pytest plugin, registered in tests/conftest.py so
that every folder shares ONE Chromium per test session and xdist worker): a fresh browser
context per test, and the taxonomies a live-server test needs.
The browser is Debian's Chromium driven by Playwright's sync API; nothing is downloaded.
When /usr/bin/chromium is missing the tests are skipped (CI installs it).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Generous enough for a loaded CI runner, short enough that a broken page fails quickly.
DEFAULT_TIMEOUT_MS = 20_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium to run the browser tests")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; Django's ORM refuses to run
    # where it sees one unless told that this is deliberate.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def new_context(browser: Any, **options: Any) -> Any:
    """A context that asks for Chinese pages, as the platform's users' browsers do."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = new_context(browser, viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture
def js_errors() -> list[str]:
    """Uncaught JavaScript errors seen by `page`."""
    return []


@pytest.fixture
def page(context: Any, js_errors: list[str]) -> Any:
    pg = context.new_page()
    pg.on("pageerror", lambda error: js_errors.append(str(error)))
    return pg


@pytest.fixture
def taxonomies(transactional_db: Any) -> None:
    """Re-seed the notice's taxonomies: a transactional test starts from a flushed
    database, so the rows of the data migration are gone."""
    from django.apps import apps

    migration = importlib.import_module("xinban.campaigns.migrations.0003_seed_taxonomies")
    migration.seed(apps, None)
