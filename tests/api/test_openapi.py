"""The OpenAPI document: valid JSON, every endpoint, the forms' Chinese labels as titles."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

EXPECTED = {
    "/api/me": {"get"},
    "/api/campaigns/current": {"get"},
    "/api/taxonomies": {"get"},
    "/api/organisations": {"post"},
    "/api/registration": {"get", "put"},
    "/api/applications": {"get", "post"},
    "/api/applications/{application_id}": {"get", "put"},
    "/api/applications/{application_id}/attachments": {"post"},
    "/api/applications/{application_id}/attachments/{attachment_id}": {"delete"},
    "/api/applications/{application_id}/stamped-form": {"post"},
    "/api/applications/{application_id}/submit": {"post"},
    "/api/applications/{application_id}/withdraw": {"post"},
    "/api/applications/{application_id}/form.docx": {"get"},
    "/api/applications/{application_id}/form.pdf": {"get"},
    "/api/applications/{application_id}/submission-problems": {"get"},
}


@pytest.fixture
def document(client: Client) -> dict[str, Any]:
    response = client.get("/api/openapi.json")  # public, like the documentation page
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return dict(json.loads(response.content))


def _titles(schema: dict[str, Any]) -> dict[str, str]:
    return {name: prop.get("title", "") for name, prop in schema["properties"].items()}


def test_document_describes_every_endpoint(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "质量信得过班组平台 API"
    assert document["info"]["version"]
    for path, methods in EXPECTED.items():
        assert path in document["paths"], path
        assert methods <= set(document["paths"][path]), path


def test_application_schemas_carry_the_official_labels(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for name in ("ApplicationIn", "ApplicationUpdateIn", "ApplicationOut"):
        titles = _titles(schemas[name])
        assert titles["completion_rate"] == "班组工作完成率%"
        assert titles["team_name"] == "质量信得过班组名称"
        assert titles["team_size"] == "班组人数"
        assert titles["quality_cost"] == "质量成本（万元/年）"
        assert titles["material_honours"] == "近三年荣誉（集体和个人）"
    assert "version" in schemas["ApplicationUpdateIn"]["required"]
    assert "team_name" in schemas["ApplicationIn"]["required"]


def test_registration_schema_carries_the_official_labels(document: dict[str, Any]) -> None:
    titles = _titles(document["components"]["schemas"]["RegistrationIn"])
    assert titles["promoter_mobile"] == "活动推进者手机"
    assert titles["postcode"] == "邮编"
    assert titles["industries"] == "重点产业"


def test_every_schema_property_has_a_title(document: dict[str, Any]) -> None:
    for name, schema in document["components"]["schemas"].items():
        for prop, spec in schema.get("properties", {}).items():
            if prop == "id":
                continue
            assert spec.get("title") or "$ref" in spec or "allOf" in spec, (name, prop)


def test_titles_stay_chinese_for_an_english_browser(client: Client) -> None:
    response = client.get("/api/openapi.json", HTTP_ACCEPT_LANGUAGE="en")
    titles = _titles(response.json()["components"]["schemas"]["ApplicationOut"])
    assert titles["completion_rate"] == "班组工作完成率%"


def test_documentation_page_uses_local_assets_only(client: Client) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(s.startswith("/static/") for s in sources), sources


def test_every_exportable_list_is_in_the_document(document: dict[str, Any]) -> None:
    """Areas register their lists at start-up; the document (built later) names them all."""
    from xinban.exports.registry import SPECS

    operation = document["paths"]["/api/exports/{kind}.xlsx"]["get"]
    (kind,) = [p for p in operation["parameters"] if p["name"] == "kind"]
    assert sorted(kind["schema"]["enum"]) == sorted(SPECS)
    assert {"applications", "public_results", "audit"} <= set(SPECS)
