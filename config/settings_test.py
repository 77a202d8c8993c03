"""Settings of the test suite (pyproject.toml's DJANGO_SETTINGS_MODULE): production's
defaults, served over plain HTTP to the test client, with the development address for
links. Subprocesses the tests start (gunicorn, workers) inherit the same environment."""

from __future__ import annotations

import os

os.environ.setdefault("XINBAN_HTTPS", "0")
os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")

from config.settings import *  # noqa: E402,F403
