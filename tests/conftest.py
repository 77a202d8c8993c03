"""Shared fixtures. Personas follow the style guide: applicant A and B, recommending unit
X and Y, judge, staff, guiding unit, anonymous."""

from __future__ import annotations

import pytest
from django.conf import settings


def pytest_configure(config: pytest.Config) -> None:
    # argon2 is slow by design; tests use a fast hasher (production keeps argon2).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
