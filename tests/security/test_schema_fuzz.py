"""The JSON API against its own OpenAPI document (schemathesis, property-based): for every
operation, valid and invalid requests generated from the schema, sent through the WSGI
application with an API token (``Authorization: Bearer``) of a staff user and of applicant
A, every scope granted. No answer may be a server error, and every answer must conform to
the document (documented status code, content type and body schema). Prints how many
requests (and how many of them bad inputs) were tried.

The document is also loaded and validated as OpenAPI 3 by schemathesis itself."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from xinban.api.scopes import SCOPES
from xinban.api.services import token_create

pytestmark = pytest.mark.django_db

EXAMPLES = 3  # per operation, mode and persona: a few hundred requests in all
CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]
# Answers whose body is a file (checked for status and content type only).
BINARY = ("application/octet-stream", "application/pdf", "application/vnd.")


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


def _bearer(user: Any) -> dict[str, str]:
    _token, secret = token_create(actor=user, name="schemathesis", scopes=list(SCOPES))
    return {"Authorization": f"Bearer {secret}"}


def test_api_never_answers_with_a_server_error(
    settings: Any,
    staff: Any,
    applicant_a: Any,
    unit_x_admin: Any,
    guide: Any,
    submitted_a: Any,
    keep_connection: None,
) -> None:
    settings.XINBAN_API_RATE_LIMIT = 0  # thousands of requests in a minute, on purpose
    settings.XINBAN_API_RATE_LIMIT_ANON = 0
    started = time.monotonic()
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    tried: Counter[str] = Counter()
    errors: list[str] = []
    nonconforming: list[str] = []
    unsatisfiable: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    personas = {
        "staff": _bearer(staff),
        "applicant_a": _bearer(applicant_a),
        "unit_x_admin": _bearer(unit_x_admin),
        "guide": _bearer(guide),
    }
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50

    def fuzz(operation: Any, mode: Any, persona: str, headers: dict[str, str]) -> None:
        @given(case=operation.as_strategy(generation_mode=mode))
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            response = case.call(headers={**(case.headers or {}), **headers})
            tried[str(mode.value)] += 1
            statuses[response.status_code] += 1
            where = f"{case.method} {case.formatted_path} as {persona}"
            if response.status_code >= 500:
                errors.append(f"{where}: {response.status_code} {response.text[:200]}")
                return
            content_type = response.headers.get("Content-Type", [""])
            content_type = content_type[0] if isinstance(content_type, list) else content_type
            checks = CHECKS[:2] if content_type.startswith(BINARY) else CHECKS
            try:
                case.validate_response(response, checks=checks)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # a FailureGroup naming what does not conform
                lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
                reason = " / ".join(lines[1:4])
                nonconforming.append(f"{where}: {response.status_code} {reason}")

        try:
            run()
        except Unsatisfiable:
            unsatisfiable[str(mode.value)] += 1  # e.g. nothing to get wrong in a bare GET

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for persona, headers in personas.items():
                fuzz(operation, mode, persona, headers)
    total = sum(tried.values())
    print(
        f"\nschemathesis: {total} cases over {len(operations)} operations "
        f"({tried['negative']} bad inputs, {tried['positive']} valid) as tokens of "
        f"{', '.join(personas)}, {len(errors)} server errors, {len(nonconforming)} answers not "
        f"conforming to the schema, in {time.monotonic() - started:.0f} s; "
        f"{unsatisfiable['negative']} operations have no invalid input to generate; answers "
        + ", ".join(f"{code}×{n}" for code, n in sorted(statuses.items()))
    )
    assert errors == [], "\n".join(errors[:20])
    distinct = sorted(set(nonconforming))
    assert distinct == [], f"{len(distinct)} distinct:\n" + "\n".join(distinct[:40])
    # Authenticated for real (not a run of 401s): plenty of answers went through.
    assert statuses[200] > 100 and statuses[401] == 0, statuses
