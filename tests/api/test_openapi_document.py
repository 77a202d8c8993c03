"""/api/openapi.json is a valid OpenAPI 3.1 document (checked against the OpenAPI 3.1
meta-schema schemathesis ships), every component schema name is used by exactly one
class (ninja keys components by class name: two ``PhaseOut`` classes in two routers would
silently document one under both), and every operation documents the refusals any
request may meet (401/403/429, 422 for parameters, 404 for path ids)."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pytest
from django.test import Client
from ninja import Schema
from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

import xinban.api.api  # noqa: F401  (imports every router and its schemas)


@pytest.fixture
def document(db: None) -> dict[str, Any]:
    return dict(json.loads(Client().get("/api/openapi.json").content))


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    errors = [
        f"{'/'.join(map(str, error.instance_path))}: {error.message}"
        for error in OPENAPI_31_VALIDATOR.iter_errors(document)
    ]
    assert errors == [], "\n".join(errors[:20])


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def test_every_component_name_belongs_to_one_class() -> None:
    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("xinban."):
            by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    clashes = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert clashes == {}, f"rename one of each (the OpenAPI document shows only one): {clashes}"


def test_every_operation_documents_the_generic_refusals(document: dict[str, Any]) -> None:
    missing = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = set(operation["responses"])
            needed = {"429"}
            if operation.get("security"):
                needed |= {"401", "403"}
            if "{" in path:
                needed.add("404")
            if operation.get("requestBody") or any(
                p["in"] == "query" for p in operation.get("parameters", [])
            ):
                needed.add("422")
            if needed - responses:
                missing.append(f"{method.upper()} {path}: {sorted(needed - responses)}")
    assert missing == []


def test_the_document_explains_tokens_scopes_and_rate_limits(document: dict[str, Any]) -> None:
    description = document["info"]["description"]
    for word in ("Authorization: Bearer", "insufficient_scope", "429", "Retry-After"):
        assert word in description
    submit = document["paths"]["/api/applications/{application_id}/submit"]["post"]
    assert submit["x-token-scope"] == "applications:write"
    assert "applications:write" in submit["description"]
