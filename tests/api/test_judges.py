"""Judges through the API: only their own sheets, the rubric and the materials, scoring
with the page form's checks (errors named ``points_<criterion id>``), declaring a conflict,
and joining a unit's panel by invitation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from tests.api.conftest import Api, api_for
from tests.conftest import close_phase
from xinban.accounts.models import User
from xinban.applications.models import MaterialArea
from xinban.campaigns.models import Campaign, PhaseKind
from xinban.organisations.models import RecommendingUnit
from xinban.recommendation.models import Invitation
from xinban.scoring.models import ConflictDeclaration, Judge, ScoreSheet, SheetStatus

TEXTS = {"conformity": "符合标准", "features": "特色鲜明", "shortcomings": "数据分析略弱"}


@pytest.fixture
def sheet_1(
    api_unit_x: Api, judge_1: Judge, unit_x: RecommendingUnit, submitted_a: dict[str, Any]
) -> dict[str, Any]:
    """Judge 1's sheet for applicant A's application (as the unit admin assigned it)."""
    response = api_unit_x.post(
        f"/units/{unit_x.pk}/applications/{submitted_a['id']}/assignments",
        {"judge_id": judge_1.pk},
    )
    assert response.status_code == 201, response.json()
    return dict(response.json())


def criteria_of(api: Api, sheet_id: int) -> list[dict[str, Any]]:
    return list(api.get(f"/judge/sheets/{sheet_id}").json()["criteria"])


def test_judge_reads_own_sheet_with_rubric_and_materials(
    api_judge_1: Api, sheet_1: dict[str, Any], submitted_a: dict[str, Any]
) -> None:
    listed = api_judge_1.get("/judge/sheets")
    assert listed.status_code == 200
    assert [(s["id"], s["status"]) for s in listed.json()] == [(sheet_1["id"], "assigned")]
    assert listed.json()[0]["application"]["team_name"] == "质检一班"
    assert listed.json()[0]["stage"] == "unit"

    sheet = api_judge_1.get(f"/judge/sheets/{sheet_1['id']}").json()
    assert sheet["editable"] is True
    assert sheet["points"] == {}
    assert sheet["total"] is None
    criteria = sheet["criteria"]
    assert len(criteria) == 6
    assert [c["name"] for c in criteria] == [str(label) for label in MaterialArea.labels]
    assert [Decimal(c["max_points"]) for c in criteria] == [15, 15, 20, 20, 20, 10]
    assert all(Decimal(c["weight"]) == 1 for c in criteria)
    assert set(criteria[0]) == {"id", "name", "weight", "max_points", "position", "descriptor"}
    assert criteria[0]["descriptor"] == "班组构成合理、职责明确，有班组文化和共同愿景"
    materials = sheet["application"]
    assert materials["id"] == submitted_a["id"]
    assert materials["material_results"] == "连续三年零缺陷。"
    assert materials["stamped_form"]["name"] == "盖章.pdf"
    # an assigned judge may read the application itself, but not change it
    assert api_judge_1.get(f"/applications/{submitted_a['id']}").status_code == 200


def test_judge_gets_404_on_another_judges_sheet(
    api_judge_2: Api, sheet_1: dict[str, Any], submitted_a: dict[str, Any], unit_x: Any
) -> None:
    sheet_id = sheet_1["id"]
    assert api_judge_2.get("/judge/sheets").json() == []
    assert api_judge_2.get(f"/judge/sheets/{sheet_id}").status_code == 404
    put = api_judge_2.put(f"/judge/sheets/{sheet_id}", {"points": {}, **TEXTS, "submit": True})
    assert put.status_code == 404
    assert put.json()["code"] == "not_found"
    conflict = api_judge_2.post(f"/judge/sheets/{sheet_id}/conflict", {"reason": "同事"})
    assert conflict.status_code == 404
    assert not ConflictDeclaration.objects.exists()
    assert ScoreSheet.objects.get(pk=sheet_id).status == SheetStatus.ASSIGNED
    # nor the application it is about, nor the unit's pages
    assert api_judge_2.get(f"/applications/{submitted_a['id']}").status_code == 404
    assert api_judge_2.get(f"/units/{unit_x.pk}/applications").status_code == 404
    assert api_judge_2.get(f"/units/{unit_x.pk}/ranking").status_code == 404


def test_draft_then_submit(api_judge_1: Api, sheet_1: dict[str, Any]) -> None:
    path = f"/judge/sheets/{sheet_1['id']}"
    criteria = criteria_of(api_judge_1, sheet_1["id"])
    first, second = str(criteria[0]["id"]), str(criteria[1]["id"])
    draft = api_judge_1.put(path, {"points": {first: 12.5, second: "10"}, "conformity": "较好"})
    assert draft.status_code == 200, draft.json()
    assert draft.json()["status"] == "draft"
    assert draft.json()["points"] == {first: "12.5", second: "10.0"}
    assert draft.json()["conformity"] == "较好"
    assert draft.json()["total"] is None

    points = {str(c["id"]): c["max_points"] for c in criteria}
    points[first] = 12  # 12 of 15
    submitted = api_judge_1.put(path, {"points": points, **TEXTS, "submit": True})
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["editable"] is False
    assert Decimal(submitted.json()["total"]) == Decimal(97)
    assert submitted.json()["submitted_at"]

    again = api_judge_1.put(path, {"points": points, **TEXTS, "submit": True})
    assert again.status_code == 409
    assert again.json()["code"] == "sheet_submitted"
    assert api_judge_1.get("/judge/sheets").json()[0]["status"] == "submitted"


def test_bad_points_come_back_with_the_criterion_field(
    api_judge_1: Api, sheet_1: dict[str, Any]
) -> None:
    path = f"/judge/sheets/{sheet_1['id']}"
    criteria = criteria_of(api_judge_1, sheet_1["id"])
    key = str(criteria[0]["id"])  # 满分 15
    field = f"points_{key}"
    for value in (16, -1, 1.25, "abc", True, [3], {"n": 3}, 10**40, "NaN"):
        response = api_judge_1.put(path, {"points": {key: value}, **TEXTS})
        assert response.status_code == 422, (value, response.content)
        assert field in response.json()["errors"], (value, response.json())
    unknown = api_judge_1.put(path, {"points": {"999999": 3}})
    assert unknown.status_code == 422
    assert "points" in unknown.json()["errors"]
    for not_an_object in ("15", [15], 15):
        response = api_judge_1.put(path, {"points": not_an_object})
        assert response.status_code == 422
        assert "points" in response.json()["errors"]
    not_a_flag = api_judge_1.put(path, {"points": {}, "submit": "yes"})
    assert not_a_flag.status_code == 422
    assert "submit" in not_a_flag.json()["errors"]
    wrong_text = api_judge_1.put(path, {"points": {}, "features": ["x"]})
    assert wrong_text.status_code == 422
    assert "features" in wrong_text.json()["errors"]

    # submitting needs every criterion and the three-part evaluation
    missing = api_judge_1.put(path, {"points": {key: 10}, **TEXTS, "submit": True})
    assert missing.status_code == 400
    assert missing.json()["code"] == "points_missing"
    assert missing.json()["field"] == f"points_{criteria[1]['id']}"
    full = {str(c["id"]): 5 for c in criteria}
    no_text = api_judge_1.put(path, {"points": full, "submit": True})
    assert no_text.status_code == 400
    assert (no_text.json()["code"], no_text.json()["field"]) == ("text_missing", "conformity")
    assert ScoreSheet.objects.get(pk=sheet_1["id"]).status == SheetStatus.ASSIGNED


def test_scoring_window_closed(
    api_judge_1: Api, sheet_1: dict[str, Any], campaign: Campaign
) -> None:
    close_phase(campaign, PhaseKind.RECOMMENDATION)
    response = api_judge_1.put(f"/judge/sheets/{sheet_1['id']}", {"points": {}})
    assert response.status_code == 409
    assert response.json()["code"] == "window_closed"


def test_declaring_a_conflict_withdraws_the_sheet(
    api_judge_1: Api, sheet_1: dict[str, Any], submitted_a: dict[str, Any]
) -> None:
    path = f"/judge/sheets/{sheet_1['id']}/conflict"
    empty = api_judge_1.post(path, {"reason": ""})
    assert empty.status_code == 422
    assert "reason" in empty.json()["errors"]
    declared = api_judge_1.post(path, {"reason": "曾在该单位任职"})
    assert declared.status_code == 200, declared.json()
    assert declared.json()["withdrawn"] is True
    assert declared.json()["organisation"]["name"] == "上海甲机械有限公司"
    assert api_judge_1.get("/judge/sheets").json() == []
    assert api_judge_1.get(f"/judge/sheets/{sheet_1['id']}").status_code == 404
    assert api_judge_1.get(f"/applications/{submitted_a['id']}").status_code == 404


def test_not_a_judge(api_a: Api) -> None:
    assert api_a.get("/judge/sheets").json() == []
    assert api_a.get("/judge/sheets/1").status_code == 404


def test_judge_joins_the_panel_by_invitation(
    api_unit_x: Api,
    unit_x: RecommendingUnit,
    submitted_a: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        added = api_unit_x.post(
            f"/units/{unit_x.pk}/judges",
            {
                "name": "赵六",
                "employer": "上海质量研究院",
                "tgq_number": "TGQ-2024-010",
                "address": "上海市长宁区泰安路74号",
                "email": "zhao@example.com",
                "mobile": "13900002222",
            },
        )
    assert added.status_code == 201, added.json()
    assert [m.to for m in mail.outbox] == [["zhao@example.com"]]
    token = Invitation.objects.get(email="zhao@example.com").token
    assert token in mail.outbox[0].body

    user = User.objects.create_user(email="zhao@example.com", password="pw-123456-l", name="赵六")
    judge_api = api_for(user)
    accepted = judge_api.post(f"/invitations/{token}/accept")
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["role"] == "judge"
    assert accepted.json()["unit"]["name"] == unit_x.name
    assert Judge.objects.get(email="zhao@example.com").user == user
    assert api_unit_x.get(f"/units/{unit_x.pk}/judges").json()[0]["has_account"] is True

    assign = api_unit_x.post(
        f"/units/{unit_x.pk}/applications/{submitted_a['id']}/assignments",
        {"judge_id": added.json()["id"]},
    )
    assert assign.status_code == 201
    assert [s["id"] for s in judge_api.get("/judge/sheets").json()] == [assign.json()["id"]]
    # a judge is not a member of the unit
    assert judge_api.get(f"/units/{unit_x.pk}/applications").status_code == 404
    assert judge_api.get("/units").json() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/judge/sheets"),
        ("get", "/judge/sheets/1"),
        ("put", "/judge/sheets/1"),
        ("post", "/judge/sheets/1/conflict"),
        ("post", "/invitations/abc/accept"),
    ],
)
def test_anonymous_gets_401(method: str, path: str) -> None:
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(f"/api{path}", content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_openapi_lists_the_judge_paths_with_chinese_titles(client: Client) -> None:
    document = client.get("/api/openapi.json").json()
    for path, methods in {
        "/api/judge/sheets": {"get"},
        "/api/judge/sheets/{sheet_id}": {"get", "put"},
        "/api/judge/sheets/{sheet_id}/conflict": {"post"},
        "/api/invitations/{token}/accept": {"post"},
    }.items():
        assert methods <= set(document["paths"][path]), path
    schemas = document["components"]["schemas"]

    def titles(name: str) -> dict[str, str]:
        return {k: v.get("title", "") for k, v in schemas[name]["properties"].items()}

    criterion = titles("CriterionOut")
    del criterion["id"]  # ids are untitled, as everywhere in the document
    assert criterion == {
        "name": "评分项",
        "weight": "权重",
        "max_points": "满分",
        "position": "排序",
        "descriptor": "评分要点",
    }
    assert titles("SheetIn") == {
        "points": "各评分项得分",
        "conformity": "符合标准程度",
        "features": "特色",
        "shortcomings": "不足之处",
        "submit": "提交",
    }
    assert titles("SheetOut")["total"] == "得分"
    assert titles("ConflictIn")["reason"] == "回避原因"
    sheet_put = document["paths"]["/api/judge/sheets/{sheet_id}"]["put"]
    assert "points_<评分项 id>" in sheet_put["description"]
