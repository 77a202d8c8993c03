"""Every text field of every operation refuses a lone surrogate and control characters
with 422 naming the field (docs/api.md, "Text"), instead of a server error. The operations
and fields come from the OpenAPI document, so a new operation is covered by itself."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from xinban.api.text import is_clean_text

pytestmark = pytest.mark.django_db

BAD_VALUES = ["\ud800", "a\x00b", "名称\x1b"]


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def _is_text(schema: dict[str, Any], spec: dict[str, Any]) -> bool:
    schema = _resolve(schema, spec)
    if schema.get("type") == "string" and schema.get("format") not in ("binary", "date-time"):
        return "enum" not in schema
    return any(_is_text(option, spec) for option in schema.get("anyOf", []))


def _text_fields(spec: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(method, path, where, field) for every JSON-body property and query parameter that
    is text."""
    found = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            url = path
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    url = url.replace("{" + parameter["name"] + "}", "1")
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and _is_text(parameter.get("schema", {}), spec):
                    found.append((method, url, "query", parameter["name"]))
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                body = _resolve(content["application/json"]["schema"], spec)
                for name, prop in body.get("properties", {}).items():
                    if _is_text(prop, spec):
                        found.append((method, url, "body", name))
    return found


def test_the_rule_itself() -> None:
    assert is_clean_text("第一行\n\t第二行\r\n")
    assert not any(is_clean_text(v) for v in BAD_VALUES)


def test_every_text_field_of_every_operation_refuses_bad_text(staff: Any) -> None:
    client = Client()
    client.force_login(staff)
    spec = client.get("/api/openapi.json").json()
    fields = _text_fields(spec)
    assert len({(m, p) for m, p, _, _ in fields}) > 40  # the walk finds the operations
    assert sum(1 for f in fields if f[2] == "body") > 100
    failures = []
    for index, (method, url, where, name) in enumerate(fields):
        bad = BAD_VALUES[index % len(BAD_VALUES)]
        if where == "body":
            response = getattr(client, method)(
                url, data=json.dumps({name: bad}), content_type="application/json"
            )
        else:
            query = urlencode({name: bad.replace("\ud800", "\x00")})
            response = getattr(client, method)(f"{url}?{query}")
        if response.status_code != 422 or name not in response.json().get("errors", {}):
            failures.append((method, url, where, name, response.status_code))
    assert not failures, failures


def test_a_nested_string_is_refused_too(staff: Any) -> None:
    client = Client()
    client.force_login(staff)
    body = {"sections": {"一": "正文"}, "events": [{"name": "发表会\ud800"}]}
    response = client.put(
        "/api/units/1/work-summary", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    assert "含有无法保存的字符" in json.dumps(response.json(), ensure_ascii=False)
