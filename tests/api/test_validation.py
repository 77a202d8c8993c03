"""Bad input is answered with 422 and the page's own field messages, never with a 500."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest

from tests.api.conftest import Api, application_body, pdf_upload, registration_body
from xinban.organisations.models import RecommendingUnit


def test_field_errors_come_back_as_422_with_the_field_name(
    api_a: Api, unit_x: RecommendingUnit
) -> None:
    body = application_body(unit_x, completion_rate=120, team_size=0)
    del body["team_type"]
    response = api_a.post("/applications", body)
    assert response.status_code == 422
    data = response.json()
    assert data["detail"]
    assert data["errors"]["completion_rate"] == ["百分比应在0到100之间。"]
    assert "team_size" in data["errors"]
    assert data["errors"]["team_type"] == ["这个字段是必填项。"]


def test_bad_team_name_is_refused_with_the_naming_rule(
    api_a: Api, unit_x: RecommendingUnit
) -> None:
    response = api_a.post("/applications", application_body(unit_x, team_name="质检一班组"))
    assert response.status_code == 422
    assert response.json()["errors"]["team_name"] == [
        "班组名称不能以“班组”结尾，请区分“班”和“组”，如“**班”或“**组”。"
    ]
    wrong_ending = api_a.post("/applications", application_body(unit_x, team_name="质检一部"))
    assert wrong_ending.status_code == 422
    assert wrong_ending.json()["errors"]["team_name"][0].startswith("班组名称需以")


def test_accidents_must_be_zero(api_a: Api, unit_x: RecommendingUnit) -> None:
    response = api_a.post("/applications", application_body(unit_x, accidents_per_year=1))
    assert response.status_code == 422
    assert "accidents_per_year" in response.json()["errors"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("team_size", "twelve"),
        ("team_size", 10**40),
        ("team_size", 3.5),
        ("team_size", True),
        ("team_size", [1]),
        ("team_size", {"n": 1}),
        ("completion_rate", "abc"),
        ("completion_rate", 1e308),
        ("completion_rate", 99.999),
        ("completion_rate", -1),
        ("quality_cost", 10**40),
        ("quality_cost", "NaN"),
        ("trainees_per_year", -5),
        ("trainees_per_year", 10**30),
        ("team_type", 10**30),
        ("team_type", 999999),
        ("team_type", "x"),
        ("team_type", True),
        ("recommending_unit", 424242),
        ("recommending_unit", -1),
        ("team_name", 123),
        ("team_name", "x" * 500),
        ("team_name", "质检\x00班"),
        ("team_name", ""),
        ("commitment_voluntary", "yes"),
        ("commitment_voluntary", 1),
        ("material_skills", ["a"]),
    ],
)
def test_wrong_values_give_422_with_the_field(
    api_a: Api, unit_x: RecommendingUnit, field: str, value: Any
) -> None:
    response = api_a.post("/applications", application_body(unit_x, **{field: value}))
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("industries", 5),
        ("industries", [10**30]),
        ("industries", [{"id": 1}]),
        ("industries", []),
        ("nature", 10**30),
        ("domain", "制造"),
        ("is_member", "maybe"),
        ("postcode", "20120"),
        ("promoter_mobile", "12345"),
        ("promoter_email", "not-an-email"),
        ("participation", "sometimes"),
    ],
)
def test_registration_errors(api_a: Api, field: str, value: Any) -> None:
    response = api_a.put("/registration", {**registration_body(), field: value})
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]


def test_registration_other_needs_its_text(api_a: Api) -> None:
    from xinban.campaigns.models import OrganisationNature

    body = {**registration_body(), "nature": OrganisationNature.objects.get(is_other=True).pk}
    response = api_a.put("/registration", body)
    assert response.status_code == 422
    assert response.json()["errors"]["nature_other"] == ["选择“其他”时请填写单位性质。"]


@pytest.mark.parametrize("raw", ["[1, 2]", '"text"', "42", "null"])
def test_body_that_is_not_an_object_gives_422(api_a: Api, raw: str) -> None:
    response = api_a.put_raw("/registration", raw)
    assert response.status_code == 422, response.content
    assert response.json()["errors"]


def test_empty_object_lists_the_required_fields(api_a: Api) -> None:
    response = api_a.post("/applications", {})
    assert response.status_code == 422
    assert {"team_name", "team_type", "recommending_unit"} <= set(response.json()["errors"])


def test_malformed_json_gives_400(api_a: Api) -> None:
    response = api_a.put_raw("/registration", "{not json")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_oversized_body_gives_413(api_a: Api, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = api_a.put("/registration", {**registration_body(), "address": "路" * 2000})
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_update_needs_the_version(
    api_a: Api, unit_x: RecommendingUnit, new_application: Callable[..., dict[str, Any]]
) -> None:
    pk = new_application()["id"]
    response = api_a.put(f"/applications/{pk}", application_body(unit_x))
    assert response.status_code == 422
    assert response.json()["errors"]["version"] == ["这个字段是必填项。"]
    wrong_type = api_a.put(f"/applications/{pk}", {**application_body(unit_x), "version": "v1"})
    assert wrong_type.status_code == 422
    assert "version" in wrong_type.json()["errors"]


@pytest.mark.parametrize("path_id", ["abc", "0", "-1", str(10**30)])
def test_odd_ids_in_the_path_are_404(api_a: Api, path_id: str) -> None:
    assert api_a.get(f"/applications/{path_id}").status_code == 404


def test_odd_query_parameters_give_422(api_a: Api) -> None:
    response = api_a.get("/applications", year="soon")
    assert response.status_code == 422
    assert "year" in response.json()["errors"]
    assert api_a.get("/applications", year=1999).json() == []
    assert api_a.get("/applications", year=10**30).json() == []
    assert api_a.get("/registration", organisation=10**30).status_code == 404


def test_upload_errors(api_a: Api, new_application: Callable[..., dict[str, Any]]) -> None:
    pk = new_application()["id"]
    missing = api_a.upload(f"/applications/{pk}/attachments", area=1)
    assert missing.status_code == 422
    assert "file" in missing.json()["errors"]
    bad_area = api_a.upload(f"/applications/{pk}/attachments", area=9, file=pdf_upload())
    assert bad_area.status_code == 422
    assert "area" in bad_area.json()["errors"]
    fake = io.BytesIO(b"MZ this is not a pdf at all")
    fake.name = "fake.pdf"
    refused = api_a.upload(f"/applications/{pk}/attachments", area=1, file=fake)
    assert refused.status_code == 422
    assert refused.json()["errors"]["file"]
    json_instead = api_a.post(f"/applications/{pk}/stamped-form", {"file": "x"})
    assert json_instead.status_code == 422


def test_too_large_upload_says_so(
    api_a: Api, new_application: Callable[..., dict[str, Any]], settings: Any
) -> None:
    settings.XINBAN_MAX_UPLOAD_BYTES = 1024
    pk = new_application()["id"]
    big = io.BytesIO(b"%PDF-1.4\n" + b"0" * 4096 + b"\n%%EOF")
    big.name = "big.pdf"
    response = api_a.upload(f"/applications/{pk}/stamped-form", file=big)
    assert response.status_code == 422
    assert "大小上限" in response.json()["errors"]["file"][0]
