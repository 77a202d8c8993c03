"""The JSON API against its own OpenAPI document (schemathesis, property-based): for every
operation, valid and invalid requests generated from the schema, sent as a signed-in staff
user and as applicant A (session + CSRF header) through the WSGI application. No answer
may be a server error. Prints how many requests (and how many of them bad inputs) were
tried."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from config.wsgi import application

pytestmark = pytest.mark.django_db

EXAMPLES = 4  # per operation, mode and persona: a few hundred requests in all
CSRF = "y" * 32


def _session_cookies(user: Any) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {settings.SESSION_COOKIE_NAME: session, settings.CSRF_COOKIE_NAME: CSRF}


@pytest.fixture
def keep_connection() -> Iterator[None]:
    """Calling the WSGI application directly (not through Django's test client) would
    close the test's database connection at the end of each request (the
    request_started/finished signals): on PostgreSQL the test's transaction with it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_api_never_answers_with_a_server_error(
    staff: Any, applicant_a: Any, submitted_a: Any, keep_connection: None
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    tried: Counter[str] = Counter()
    errors: list[str] = []
    unsatisfiable: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    personas = {"staff": _session_cookies(staff), "applicant_a": _session_cookies(applicant_a)}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50

    def fuzz(operation: Any, mode: Any, persona: str, cookies: dict[str, str]) -> None:
        @given(case=operation.as_strategy(generation_mode=mode))
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            response = case.call(
                headers={**(case.headers or {}), "X-CSRFToken": CSRF}, cookies=cookies
            )
            tried[str(mode.value)] += 1
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                errors.append(
                    f"{case.method} {case.formatted_path} as {persona}: "
                    f"{response.status_code} {response.text[:200]}"
                )

        try:
            run()
        except Unsatisfiable:
            unsatisfiable[str(mode.value)] += 1  # e.g. nothing to get wrong in a bare GET

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for persona, cookies in personas.items():
                fuzz(operation, mode, persona, cookies)
    total = sum(tried.values())
    print(
        f"\nschemathesis: {total} requests over {len(operations)} operations "
        f"({tried['negative']} bad inputs, {tried['positive']} valid), "
        f"{len(errors)} server errors; {unsatisfiable['negative']} operations have no "
        "invalid input to generate; answers "
        + ", ".join(f"{code}×{n}" for code, n in sorted(statuses.items()))
    )
    assert errors == [], "\n".join(errors[:20])
    # Signed in for real (not a run of 401s): plenty of answers went through.
    assert statuses[200] > 100 and statuses[401] == 0, statuses
