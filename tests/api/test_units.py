"""A recommending unit's work through the API, on the same services and forms as its pages:
the whole flow, personas (unit Y, a member without the admin role, staff, anonymous), the
rules (quota, conflicts, locking) and the OpenAPI document."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.middleware.csrf import CSRF_ALLOWED_CHARS
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.crypto import get_random_string
from docx import Document
from openpyxl import load_workbook

from tests.api.conftest import (
    Api,
    api_for,
    application_body,
    pdf_upload,
    submit_application,
    team_type_id,
)
from tests.recommendation.factories import reviewed
from xinban.accounts.models import User
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign
from xinban.core.models import AuditEntry
from xinban.organisations.models import RecommendingUnit
from xinban.recommendation.models import Invitation, UnitRecommendationReport
from xinban.scoring.models import Judge, ScoreSheet, SheetStatus

REPORT_FIELDS = {
    "filler_name": "张三",
    "filler_phone": "021-12345678",
    "fill_date": "2026-06-01",
    "no_fee_declared": True,
    "declaration_accepted": True,
}


def _reviewed(*ids: int) -> None:
    """The unit's own review of these applications (rule 2: the year's minimum of sheets)."""
    for pk in ids:
        reviewed(Application.objects.get(pk=pk))


def body_of(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def score(api: Api, sheet_id: int, points: Callable[[dict[str, Any]], Any]) -> Any:
    """Submit a sheet with ``points(criterion)`` for every criterion of its rubric."""
    sheet = api.get(f"/judge/sheets/{sheet_id}").json()
    return api.put(
        f"/judge/sheets/{sheet_id}",
        {
            "points": {str(c["id"]): points(c) for c in sheet["criteria"]},
            "conformity": "符合标准",
            "features": "特色鲜明",
            "shortcomings": "数据分析略弱",
            "submit": True,
        },
    )


def full_marks(criterion: dict[str, Any]) -> Any:
    return criterion["max_points"]


def half_marks(criterion: dict[str, Any]) -> Any:
    return float(criterion["max_points"]) / 2


# --- the whole flow --------------------------------------------------------------------------


def test_unit_flow_through_the_api(
    django_capture_on_commit_callbacks: Any,
    api_a: Api,
    api_b: Api,
    api_unit_x: Api,
    api_judge_1: Api,
    api_judge_2: Api,
    judge_1: Judge,
    judge_2: Judge,
    unit_x: RecommendingUnit,
    submitted_a: dict[str, Any],
    submitted_b: dict[str, Any],
) -> None:
    admin = api_unit_x
    a_id, b_id = submitted_a["id"], submitted_b["id"]

    units = admin.get("/units").json()
    assert [(u["id"], u["role"], u["is_admin"]) for u in units] == [(unit_x.pk, "admin", True)]

    # the inbox: filter, search, sort
    inbox = admin.get(f"/units/{unit_x.pk}/applications")
    assert inbox.status_code == 200, inbox.json()
    assert {item["id"] for item in inbox.json()} == {a_id, b_id}
    assert all(item["sheets_total"] == 0 for item in inbox.json())
    searched = admin.get(f"/units/{unit_x.pk}/applications", q="甲机械").json()
    assert [item["id"] for item in searched] == [a_id]
    by_team = admin.get(f"/units/{unit_x.pk}/applications", sort="team").json()
    assert [item["team_name"] for item in by_team] == sorted(["质检一班", "客服二组"])
    assert admin.get(f"/units/{unit_x.pk}/applications", state="returned").json() == []

    # one click spreads the work: two judges for each application
    with django_capture_on_commit_callbacks(execute=True):
        spread = admin.post(f"/units/{unit_x.pk}/assign-evenly", {"per_application": 2})
    assert spread.status_code == 200, spread.json()
    assert spread.json() == {"assigned": 4}
    assert len(mail.outbox) == 2  # one e-mail per judge
    inbox = admin.get(f"/units/{unit_x.pk}/applications").json()
    assert [(i["sheets_total"], i["sheets_done"]) for i in inbox] == [(2, 0), (2, 0)]

    detail = admin.get(f"/units/{unit_x.pk}/applications/{a_id}").json()
    assert detail["material_results"] == "连续三年零缺陷。"  # the materials
    assert {s["judge_name"] for s in detail["assignments"]} == {"评委一", "评委二"}
    assert {s["status"] for s in detail["assignments"]} == {"assigned"}
    assert [p["conflict"] for p in detail["panel"]] == [None, None]
    assert [r["number"] for r in detail["revisions"]] == [1]
    assert detail["on_site"]["on_site_review"] is False

    # two judges score on their own sheets: A's team better than B's
    for api, judge in ((api_judge_1, judge_1), (api_judge_2, judge_2)):
        sheets = api.get("/judge/sheets").json()
        assert {s["application"]["id"] for s in sheets} == {a_id, b_id}
        for sheet in sheets:
            marks = full_marks if sheet["application"]["id"] == a_id else half_marks
            saved = score(api, sheet["id"], marks)
            assert saved.status_code == 200, saved.json()
            assert saved.json()["status"] == "submitted"
        assert ScoreSheet.objects.filter(judge=judge, status=SheetStatus.SUBMITTED).count() == 2

    detail = admin.get(f"/units/{unit_x.pk}/applications/{a_id}").json()
    assert {s["status"] for s in detail["assignments"]} == {"submitted"}
    assert {s["total"] for s in detail["assignments"]} == {"100.000"}
    inbox = admin.get(f"/units/{unit_x.pk}/applications").json()
    assert [(i["sheets_total"], i["sheets_done"]) for i in inbox] == [(2, 2), (2, 2)]
    progress = admin.get(f"/units/{unit_x.pk}/judges").json()
    assert [(j["name"], j["assigned"], j["submitted"]) for j in progress] == [
        ("评委一", 2, 2),
        ("评委二", 2, 2),
    ]

    # ranking
    ranking = admin.get(f"/units/{unit_x.pk}/ranking")
    assert ranking.status_code == 200, ranking.json()
    rows = ranking.json()["rows"]
    assert [(r["application"]["id"], r["rank"]) for r in rows] == [(a_id, 1), (b_id, 2)]
    assert rows[0]["score"] == "100.00"
    assert rows[1]["score"] == "50.00"
    assert [r["judges"] for r in rows] == [2, 2]
    assert [r["flagged"] for r in rows] == [False, False]
    assert rows[0]["recommendation"] is None
    assert ranking.json()["quota"] == 3
    assert ranking.json()["locked"] is False
    assert admin.get(f"/units/{unit_x.pk}/ranking", normalise="true").json()["normalise"] is True

    # recommend A's team with an opinion (this year's minimum: two judge sheets, rule 2)
    Campaign.objects.update(min_unit_judge_sheets=2)
    recommended = admin.post(
        f"/units/{unit_x.pk}/recommendations", {"application_id": a_id, "opinion": "同意推荐"}
    )
    assert recommended.status_code == 201, recommended.json()
    assert recommended.json()["position"] == 1
    assert recommended.json()["application"]["id"] == a_id
    rows = admin.get(f"/units/{unit_x.pk}/ranking").json()["rows"]
    assert rows[0]["recommendation"]["opinion"] == "同意推荐"

    # 附件5: the signatory and declarations, then the stamped scan
    report = admin.get(f"/units/{unit_x.pk}/report").json()
    assert report["status"] == "draft"
    assert report["total_team_size"] == 12
    assert set(report["problems"]) == {
        "filler_name",
        "filler_phone",
        "fill_date",
        "no_fee_declared",
        "declaration_accepted",
        "stamped_scan",
    }
    saved = admin.put(f"/units/{unit_x.pk}/report", REPORT_FIELDS)
    assert saved.status_code == 200, saved.json()
    assert saved.json()["filler_name"] == "张三"
    assert saved.json()["fill_date"] == "2026-06-01"
    assert set(saved.json()["problems"]) == {"stamped_scan"}
    scan = admin.upload(f"/units/{unit_x.pk}/report/scan", file=pdf_upload("推荐表盖章.pdf"))
    assert scan.status_code == 200, scan.json()
    assert scan.json()["stamped_scan"]["name"] == "推荐表盖章.pdf"
    assert scan.json()["problems"] == {}
    assert admin.client.get(scan.json()["stamped_scan"]["download_url"]).status_code == 200

    # the downloads, named as the notice says
    xlsx = admin.get(f"/units/{unit_x.pk}/report.xlsx")
    assert xlsx.status_code == 200
    assert "attachment" in xlsx["Content-Disposition"]
    assert "%E8%B4%A8%E9%87%8F%E7%8F%AD%E7%BB%84" in xlsx["Content-Disposition"]  # 质量班组
    workbook = load_workbook(io.BytesIO(body_of(xlsx)))
    cells = [str(c.value) for row in workbook.active.iter_rows() for c in row if c.value]
    text = " ".join(cells)
    assert "质检一班" in cells
    assert "客服二组" not in text  # not recommended
    assert "同意推荐" in cells
    assert "班组人数总计" in text
    assert "张三" in text
    assert "评委一" in text and "TGQ-2024-002" in text
    assert saved.json()["xlsx_url"] == f"/api/units/{unit_x.pk}/report.xlsx"
    docx = admin.get(f"/units/{unit_x.pk}/report.docx")
    assert docx.status_code == 200
    document = Document(io.BytesIO(body_of(docx)))
    words = " ".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "质检一班" in words and "评委二" in words

    # submit to the association: the list is locked; states follow
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submitted = admin.post(f"/units/{unit_x.pk}/report/submit")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["editable"] is False
    assert Application.objects.get(pk=a_id).state == ApplicationState.RECOMMENDED
    assert Application.objects.get(pk=b_id).state == ApplicationState.NOT_RECOMMENDED
    assert api_a.get(f"/applications/{a_id}").json()["state"] == "recommended"
    assert api_b.get(f"/applications/{b_id}").json()["state"] == "not_recommended"
    assert {m.to[0] for m in mail.outbox} >= {"a@example.com", "b@example.com"}
    assert admin.get(f"/units/{unit_x.pk}/ranking").json()["locked"] is True
    again = admin.put(f"/units/{unit_x.pk}/report", REPORT_FIELDS)
    assert again.status_code == 409
    assert again.json()["code"] == "report_locked"
    assert AuditEntry.objects.filter(action="unit.report_submit").exists()


def test_applicant_never_sees_judges_names_or_scores(
    api_a: Api,
    api_unit_x: Api,
    api_judge_1: Api,
    api_judge_2: Api,
    unit_x: RecommendingUnit,
    submitted_a: dict[str, Any],
) -> None:
    a_id = submitted_a["id"]
    spread = api_unit_x.post(f"/units/{unit_x.pk}/assign-evenly", {"per_application": 2})
    assert spread.status_code == 200
    for api, marks in ((api_judge_1, full_marks), (api_judge_2, half_marks)):
        (sheet,) = api.get("/judge/sheets").json()
        assert score(api, sheet["id"], marks).status_code == 200
    totals = {str(t) for t in ScoreSheet.objects.values_list("total", flat=True)}
    assert totals == {"100.000", "50.000"}
    ranked = api_unit_x.get(f"/units/{unit_x.pk}/ranking").json()["rows"][0]["score"]
    assert ranked == "75.00"

    response = api_a.get(f"/applications/{a_id}")
    assert response.status_code == 200
    text = response.content.decode()
    for secret in ("评委一", "评委二", "judge1@example.com", "TGQ-2024", "数据分析略弱"):
        assert secret not in text, secret
    for number in ("100.000", "50.000", "75.00", "75.0"):
        assert number not in text, number
    data = response.json()
    assert not {"assignments", "total", "score", "rank", "judges", "panel"} & set(data)
    listed = api_a.get("/applications").content.decode()
    assert "评委" not in listed and "75.00" not in listed
    # nor through the unit's or the judges' endpoints
    assert api_a.get(f"/units/{unit_x.pk}/applications/{a_id}").status_code == 404
    assert api_a.get(f"/units/{unit_x.pk}/ranking").status_code == 404
    assert api_a.get("/judge/sheets").json() == []


# --- personas --------------------------------------------------------------------------------


def _unit_endpoints(unit_id: int, ids: dict[str, int]) -> list[tuple[str, str, Any]]:
    a, sheet, judge, rec = ids["application"], ids["sheet"], ids["judge"], ids["rec"]
    u = f"/units/{unit_id}"
    return [
        ("get", f"{u}/applications", None),
        ("get", f"{u}/applications/{a}", None),
        ("post", f"{u}/applications/{a}/return", {"reason": "请补充材料"}),
        ("put", f"{u}/applications/{a}/on-site", {"on_site_review": False}),
        ("post", f"{u}/applications/{a}/assignments", {"judge_id": judge}),
        ("delete", f"{u}/assignments/{sheet}", None),
        ("post", f"{u}/assign-evenly", {"per_application": 1}),
        ("get", f"{u}/judges", None),
        ("post", f"{u}/judges", {"name": "王五"}),
        ("delete", f"{u}/judges/{judge}", None),
        ("post", f"{u}/invitations", {"email": "new@example.com", "role": "member"}),
        ("get", f"{u}/ranking", None),
        ("post", f"{u}/recommendations", {"application_id": a, "opinion": "同意"}),
        ("delete", f"{u}/recommendations/{rec}", None),
        ("put", f"{u}/recommendations/order", {"ids": [rec]}),
        ("get", f"{u}/report", None),
        ("put", f"{u}/report", REPORT_FIELDS),
        ("post", f"{u}/report/submit", None),
        ("post", f"{u}/report/void", {"reason": "收取费用"}),
        ("put", f"{u}/quota", {"per_organisation": 5, "reason": "申报较多"}),
        ("get", f"{u}/report.xlsx", None),
        ("get", f"{u}/report.docx", None),
    ]


def _call(api: Api, method: str, path: str, body: Any) -> Any:
    if method == "get":
        return api.get(path)
    if method == "delete":
        return api.delete(path)
    return getattr(api, method)(path, body if body is not None else {})


@pytest.fixture
def recommended_a(
    api_unit_x: Api,
    judge_1: Judge,
    unit_x: RecommendingUnit,
    submitted_a: dict[str, Any],
) -> dict[str, int]:
    """A's application with judge 1 assigned and on unit X's list; the ids involved."""
    a_id = submitted_a["id"]
    sheet = api_unit_x.post(
        f"/units/{unit_x.pk}/applications/{a_id}/assignments", {"judge_id": judge_1.pk}
    )
    assert sheet.status_code == 201, sheet.json()
    _reviewed(a_id)
    rec = api_unit_x.post(
        f"/units/{unit_x.pk}/recommendations", {"application_id": a_id, "opinion": "同意推荐"}
    )
    assert rec.status_code == 201, rec.json()
    return {
        "application": a_id,
        "sheet": sheet.json()["id"],
        "judge": judge_1.pk,
        "rec": rec.json()["id"],
    }


def _snapshot() -> tuple[Any, ...]:
    return (
        list(Application.objects.values_list("pk", "state", "version")),
        list(ScoreSheet.objects.values_list("pk", "judge_id")),
        list(UnitRecommendationReport.objects.values_list("status", "filler_name")),
        Invitation.objects.count(),
    )


def test_unit_y_gets_404_on_unit_x(
    api_unit_y: Api, unit_x: RecommendingUnit, recommended_a: dict[str, int]
) -> None:
    before = _snapshot()
    for method, path, body in _unit_endpoints(unit_x.pk, recommended_a):
        response = _call(api_unit_y, method, path, body)
        assert response.status_code == 404, (method, path, response.content)
        assert response.json()["code"] == "not_found"
    assert _snapshot() == before
    assert api_unit_y.get("/units").json()[0]["name"] == "黄浦区"


def test_unit_y_cannot_reach_x_objects_through_its_own_unit(
    api_unit_y: Api,
    unit_y: RecommendingUnit,
    recommended_a: dict[str, int],
) -> None:
    ids = recommended_a
    u = f"/units/{unit_y.pk}"
    application = f"{u}/applications/{ids['application']}"
    for method, path, body in [
        ("get", application, None),
        ("post", f"{application}/return", {"reason": "请补充材料"}),
        ("put", f"{application}/on-site", {"on_site_review": False}),
        ("post", f"{application}/assignments", {"judge_id": ids["judge"]}),
        ("delete", f"{u}/assignments/{ids['sheet']}", None),
        ("delete", f"{u}/judges/{ids['judge']}", None),
        ("delete", f"{u}/recommendations/{ids['rec']}", None),
    ]:
        response = _call(api_unit_y, method, path, body)
        assert response.status_code == 404, (method, path, response.content)
    assert api_unit_y.get(f"{u}/applications").json() == []
    assert api_unit_y.get(f"{u}/ranking").json()["rows"] == []
    recommend = api_unit_y.post(
        f"{u}/recommendations", {"application_id": ids["application"], "opinion": "同意"}
    )
    assert recommend.status_code == 422
    assert "application_id" in recommend.json()["errors"]
    spread = api_unit_y.post(f"{u}/assign-evenly", {"per_application": 1})
    assert spread.status_code == 400  # Y has no judges, and X's are not Y's
    assert spread.json()["code"] == "no_judges"


ADMIN_ACTIONS = {
    "post:return",
    "put:on-site",
    "post:assignments",
    "delete:assignments",
    "post:assign-evenly",
    "post:judges",
    "delete:judges",
    "post:invitations",
    "post:recommendations",
    "delete:recommendations",
    "put:order",
    "put:report",
    "post:submit",
}
STAFF_ACTIONS = {"post:void", "put:quota"}


def _action(method: str, path: str) -> str:
    parts = [p for p in path.split("/") if p and not p.isdigit()]
    return f"{method}:{parts[-1]}"


def test_unit_member_without_admin_role_may_look_but_not_act(
    api_unit_x_member: Api, unit_x: RecommendingUnit, recommended_a: dict[str, int]
) -> None:
    before = _snapshot()
    me = api_unit_x_member.get("/units").json()
    assert [(u["role"], u["is_admin"]) for u in me] == [("member", False)]
    for method, path, body in _unit_endpoints(unit_x.pk, recommended_a):
        response = _call(api_unit_x_member, method, path, body)
        action = _action(method, path)
        if action in ADMIN_ACTIONS or action in STAFF_ACTIONS:
            assert response.status_code == 403, (method, path, response.content)
            assert response.json()["code"] in {"not_unit_admin", "not_staff"}
        else:
            assert response.status_code == 200, (method, path, response.content)
    assert _snapshot() == before
    scan = api_unit_x_member.upload(f"/units/{unit_x.pk}/report/scan", file=pdf_upload())
    assert scan.status_code == 403


def test_staff_look_at_every_unit_void_and_raise_quota_but_do_not_act_for_it(
    api_staff: Api, api_unit_x: Api, unit_x: RecommendingUnit, recommended_a: dict[str, int]
) -> None:
    units = api_staff.get("/units").json()
    # Every unit, the special one of the reference data (organisations 0003) last.
    special = RecommendingUnit.objects.get(kind="association")
    assert [(u["id"], u["role"], u["is_admin"]) for u in units] == [
        (unit_x.pk, None, False),
        (special.pk, None, False),
    ]
    for method, path, body in _unit_endpoints(unit_x.pk, recommended_a):
        action = _action(method, path)
        if action in STAFF_ACTIONS or action == "post:invitations":
            continue
        response = _call(api_staff, method, path, body)
        expected = 403 if action in ADMIN_ACTIONS else 200
        if action == "post:return":
            # Staff may return a submitted application too (return_refusal, docs/rules.md).
            expected = 200
        assert response.status_code == expected, (method, path, response.content)
    # staff may invite a unit's first admin
    invited = api_staff.post(
        f"/units/{unit_x.pk}/invitations", {"email": "Boss@Example.com", "role": "admin"}
    )
    assert invited.status_code == 201, invited.json()
    assert invited.json()["email"] == "boss@example.com"
    # the unit admin may not void nor change the quota
    for path, body in (
        ("/report/void", {"reason": "收取费用"}),
        ("/quota", {"per_organisation": 5, "reason": "x"}),
    ):
        method = "post" if path.endswith("void") else "put"
        refused = _call(api_unit_x, method, f"/units/{unit_x.pk}{path}", body)
        assert refused.status_code == 403
        assert refused.json()["code"] == "not_staff"
    quota = api_staff.put(f"/units/{unit_x.pk}/quota", {"per_organisation": 5, "reason": "较多"})
    assert quota.status_code == 200, quota.json()
    assert quota.json() == {"per_organisation": 5, "reason": "较多"}
    assert api_unit_x.get(f"/units/{unit_x.pk}/ranking").json()["quota"] == 5
    bad = api_staff.put(f"/units/{unit_x.pk}/quota", {"per_organisation": 0})
    assert bad.status_code == 422
    assert {"per_organisation", "reason"} <= set(bad.json()["errors"])
    # void is only for a submitted report
    early = api_staff.post(f"/units/{unit_x.pk}/report/void", {"reason": "收取费用"})
    assert early.status_code == 409
    assert early.json()["code"] == "wrong_state"


def test_staff_void_a_submitted_recommendation(
    django_capture_on_commit_callbacks: Any,
    api_staff: Api,
    api_unit_x: Api,
    api_a: Api,
    unit_x: RecommendingUnit,
    recommended_a: dict[str, int],
) -> None:
    assert api_unit_x.put(f"/units/{unit_x.pk}/report", REPORT_FIELDS).status_code == 200
    assert (
        api_unit_x.upload(f"/units/{unit_x.pk}/report/scan", file=pdf_upload()).status_code == 200
    )
    assert api_unit_x.post(f"/units/{unit_x.pk}/report/submit").status_code == 200
    a_id = recommended_a["application"]
    assert api_a.get(f"/applications/{a_id}").json()["state"] == "recommended"
    missing = api_staff.post(f"/units/{unit_x.pk}/report/void", {})
    assert missing.status_code == 422
    assert "reason" in missing.json()["errors"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        voided = api_staff.post(f"/units/{unit_x.pk}/report/void", {"reason": "向申报单位收取费用"})
    assert voided.status_code == 200, voided.json()
    assert voided.json()["status"] == "voided"
    assert voided.json()["void_reason"] == "向申报单位收取费用"
    assert api_a.get(f"/applications/{a_id}").json()["state"] == "not_recommended"
    assert ["a@example.com"] in [m.to for m in mail.outbox]  # the applicant; the unit too
    assert AuditEntry.objects.filter(action="unit.report_void").exists()


ANONYMOUS_ENDPOINTS = [
    ("get", "/units"),
    ("get", "/units/1/applications"),
    ("get", "/units/1/applications/1"),
    ("post", "/units/1/applications/1/return"),
    ("put", "/units/1/applications/1/on-site"),
    ("post", "/units/1/applications/1/assignments"),
    ("delete", "/units/1/assignments/1"),
    ("post", "/units/1/assign-evenly"),
    ("get", "/units/1/judges"),
    ("post", "/units/1/judges"),
    ("delete", "/units/1/judges/1"),
    ("post", "/units/1/invitations"),
    ("get", "/units/1/ranking"),
    ("post", "/units/1/recommendations"),
    ("delete", "/units/1/recommendations/1"),
    ("put", "/units/1/recommendations/order"),
    ("get", "/units/1/report"),
    ("put", "/units/1/report"),
    ("post", "/units/1/report/scan"),
    ("post", "/units/1/report/submit"),
    ("post", "/units/1/report/void"),
    ("put", "/units/1/quota"),
    ("get", "/units/1/report.xlsx"),
    ("get", "/units/1/report.docx"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), ANONYMOUS_ENDPOINTS)
def test_anonymous_gets_401(method: str, path: str) -> None:
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(f"/api{path}", content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_unit_actions_need_the_csrf_token(
    api_unit_x: Api, unit_x: RecommendingUnit, submitted_a: dict[str, Any]
) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(User.objects.get(email="x@example.com"))
    path = f"/api/units/{unit_x.pk}/recommendations"
    body = {"application_id": submitted_a["id"], "opinion": "同意"}
    _reviewed(submitted_a["id"])
    refused = strict.post(path, data=body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    secret = get_random_string(32, allowed_chars=CSRF_ALLOWED_CHARS)
    strict.cookies[settings.CSRF_COOKIE_NAME] = secret
    accepted = strict.post(
        path, data=body, content_type="application/json", HTTP_X_CSRFTOKEN=secret
    )
    assert accepted.status_code == 201, accepted.content


@pytest.mark.parametrize("unit_id", ["abc", "0", "-1", str(10**30)])
def test_odd_unit_ids_are_404(api_unit_x: Api, unit_id: str) -> None:
    assert api_unit_x.get(f"/units/{unit_id}/applications").status_code == 404
    assert api_unit_x.get(f"/units/{unit_id}/report.xlsx").status_code == 404


# --- rules -----------------------------------------------------------------------------------


def test_quota_refusal_is_400_quota_reached(
    api_a: Api, api_staff: Api, api_unit_x: Api, unit_x: RecommendingUnit
) -> None:
    first = submit_application(api_a, unit_x)
    second = submit_application(
        api_a, unit_x, team_name="客服二组", team_type=team_type_id("服务型")
    )
    _reviewed(first["id"], second["id"])
    quota = api_staff.put(f"/units/{unit_x.pk}/quota", {"per_organisation": 1, "reason": "试点"})
    assert quota.status_code == 200
    ok = api_unit_x.post(
        f"/units/{unit_x.pk}/recommendations", {"application_id": first["id"], "opinion": "同意"}
    )
    assert ok.status_code == 201, ok.json()
    refused = api_unit_x.post(
        f"/units/{unit_x.pk}/recommendations", {"application_id": second["id"], "opinion": "同意"}
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "quota_reached"
    assert "1" in refused.json()["detail"]
    twice = api_unit_x.post(
        f"/units/{unit_x.pk}/recommendations", {"application_id": first["id"], "opinion": "同意"}
    )
    assert twice.status_code == 400
    assert twice.json()["code"] == "already_recommended"


def test_recommendation_list_order_and_removal(
    api_unit_x: Api,
    unit_x: RecommendingUnit,
    submitted_a: dict[str, Any],
    submitted_b: dict[str, Any],
) -> None:
    u = f"/units/{unit_x.pk}"
    _reviewed(submitted_a["id"], submitted_b["id"])
    first = api_unit_x.post(
        f"{u}/recommendations", {"application_id": submitted_a["id"], "opinion": "甲"}
    ).json()
    second = api_unit_x.post(
        f"{u}/recommendations", {"application_id": submitted_b["id"], "opinion": "乙"}
    ).json()
    assert [first["position"], second["position"]] == [1, 2]
    reordered = api_unit_x.put(f"{u}/recommendations/order", {"ids": [second["id"], first["id"]]})
    assert reordered.status_code == 200, reordered.json()
    assert [(r["id"], r["position"]) for r in reordered.json()] == [
        (second["id"], 1),
        (first["id"], 2),
    ]
    report = api_unit_x.get(f"{u}/report").json()
    assert [r["opinion"] for r in report["recommendations"]] == ["乙", "甲"]
    assert report["total_team_size"] == 24
    mismatch = api_unit_x.put(f"{u}/recommendations/order", {"ids": [first["id"]]})
    assert mismatch.status_code == 400
    assert mismatch.json()["code"] == "order_mismatch"
    for bad in ("x", [True], [1, "2"], None):
        response = api_unit_x.put(f"{u}/recommendations/order", {"ids": bad})
        assert response.status_code == 422, bad
        assert "ids" in response.json()["errors"]
    assert api_unit_x.delete(f"{u}/recommendations/{second['id']}").status_code == 204
    assert api_unit_x.delete(f"{u}/recommendations/{second['id']}").status_code == 404
    remaining = api_unit_x.get(f"{u}/report").json()["recommendations"]
    assert [(r["id"], r["position"]) for r in remaining] == [(first["id"], 1)]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"opinion": "同意"}, "application_id"),
        ({"application_id": "7", "opinion": "同意"}, "application_id"),
        ({"application_id": True, "opinion": "同意"}, "application_id"),
        ({"application_id": 10**30, "opinion": "同意"}, "application_id"),
        ({"application_id": 424242, "opinion": "同意"}, "application_id"),
        ({"opinion": ""}, "opinion"),
        ({"opinion": ["同意"]}, "opinion"),
    ],
)
def test_recommend_bad_input_is_422(
    api_unit_x: Api, unit_x: RecommendingUnit, body: dict[str, Any], field: str
) -> None:
    response = api_unit_x.post(f"/units/{unit_x.pk}/recommendations", body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]


def test_report_submission_needs_every_part(
    api_unit_x: Api, unit_x: RecommendingUnit, submitted_a: dict[str, Any]
) -> None:
    refused = api_unit_x.post(f"/units/{unit_x.pk}/report/submit")
    assert refused.status_code == 400
    assert refused.json()["code"] == "incomplete"
    assert {"recommendations", "stamped_scan", "filler_name"} <= set(refused.json()["errors"])
    bad = api_unit_x.put(
        f"/units/{unit_x.pk}/report", {**REPORT_FIELDS, "fill_date": "soon", "no_fee_declared": 1}
    )
    assert bad.status_code == 422
    assert {"fill_date", "no_fee_declared"} <= set(bad.json()["errors"])
    fake = io.BytesIO(b"MZ not a scan")
    fake.name = "scan.pdf"
    upload = api_unit_x.upload(f"/units/{unit_x.pk}/report/scan", file=fake)
    assert upload.status_code == 422
    assert upload.json()["errors"]["file"]
    missing = api_unit_x.upload(f"/units/{unit_x.pk}/report/scan")
    assert missing.status_code == 422
    assert "file" in missing.json()["errors"]
    assert Application.objects.get(pk=submitted_a["id"]).state == ApplicationState.SUBMITTED


def test_return_for_correction_and_resubmission(
    django_capture_on_commit_callbacks: Any,
    api_a: Api,
    api_unit_x: Api,
    unit_x: RecommendingUnit,
    submitted_a: dict[str, Any],
) -> None:
    pk = submitted_a["id"]
    path = f"/units/{unit_x.pk}/applications/{pk}"
    assert api_unit_x.post(f"{path}/return", {"reason": "  "}).status_code == 422
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        returned = api_unit_x.post(f"{path}/return", {"reason": "请补充QC成果数据"})
    assert returned.status_code == 200, returned.json()
    assert returned.json()["state"] == "returned"
    assert returned.json()["return_reason"] == "请补充QC成果数据"
    assert [m.to for m in mail.outbox] == [["a@example.com"]]
    again = api_unit_x.post(f"{path}/return", {"reason": "再退"})
    assert again.status_code == 409

    mine = api_a.get(f"/applications/{pk}").json()
    assert mine["editable"] is True
    body = {
        **application_body(unit_x, material_honours="2024年获评先进班组。", team_size=13),
        "version": mine["version"],
    }
    assert api_a.put(f"/applications/{pk}", body).status_code == 200
    # The form prints the team's size: the old scan is stale until stamped again (rule 4).
    stale = api_a.post(f"/applications/{pk}/submit")
    assert stale.status_code == 409
    assert stale.json()["code"] == "stamped_form_stale"
    scanned = api_a.upload(f"/applications/{pk}/stamped-form", file=pdf_upload("盖章.pdf"))
    assert scanned.status_code == 200
    assert api_a.post(f"/applications/{pk}/submit").status_code == 200
    detail = api_unit_x.get(path).json()
    assert detail["state"] == "submitted"
    assert detail["team_size"] == 13
    assert [r["number"] for r in detail["revisions"]] == [1, 2]


def test_on_site_review(
    api_unit_x: Api, unit_x: RecommendingUnit, submitted_a: dict[str, Any]
) -> None:
    path = f"/units/{unit_x.pk}/applications/{submitted_a['id']}/on-site"
    no_date = api_unit_x.put(path, {"on_site_review": True})
    assert no_date.status_code == 400
    assert no_date.json()["field"] == "on_site_date"
    bad = api_unit_x.put(path, {"on_site_review": "yes", "on_site_date": "next week"})
    assert bad.status_code == 422
    assert {"on_site_review", "on_site_date"} <= set(bad.json()["errors"])
    saved = api_unit_x.put(
        path, {"on_site_review": True, "on_site_date": "2026-07-01", "notes": "车间走访"}
    )
    assert saved.status_code == 200, saved.json()
    assert saved.json()["on_site_date"] == "2026-07-01"
    assert saved.json()["on_site_notes"] == "车间走访"
    inbox = api_unit_x.get(f"/units/{unit_x.pk}/applications").json()
    assert inbox[0]["on_site_review"] is True
    detail = api_unit_x.get(f"/units/{unit_x.pk}/applications/{submitted_a['id']}").json()
    assert detail["on_site"]["on_site_notes"] == "车间走访"


def test_assignment_by_hand_and_its_rules(
    api_unit_x: Api,
    api_judge_1: Api,
    unit_x: RecommendingUnit,
    judge_1: Judge,
    judge_2: Judge,
    submitted_a: dict[str, Any],
) -> None:
    path = f"/units/{unit_x.pk}/applications/{submitted_a['id']}/assignments"
    outsider = Judge.objects.create(name="外单位", employer="某单位", email="o@example.com")
    for body in ({}, {"judge_id": outsider.pk}, {"judge_id": "x"}, {"judge_id": True}):
        response = api_unit_x.post(path, body)
        assert response.status_code == 422, body
        assert list(response.json()["errors"]) == ["judge_id"], response.json()
    made = api_unit_x.post(path, {"judge_id": judge_1.pk})
    assert made.status_code == 201, made.json()
    assert made.json()["judge_name"] == "评委一"
    assert made.json()["status"] == "assigned"
    twice = api_unit_x.post(path, {"judge_id": judge_1.pk})
    assert twice.status_code == 400
    assert (twice.json()["code"], twice.json()["field"]) == ("already_assigned", "judge_id")

    # the judge declares a conflict: the sheet is withdrawn, and cannot be assigned again
    declared = api_judge_1.post(f"/judge/sheets/{made.json()['id']}/conflict", {"reason": "亲属"})
    assert declared.status_code == 200, declared.json()
    assert declared.json()["withdrawn"] is True
    refused = api_unit_x.post(path, {"judge_id": judge_1.pk})
    assert refused.status_code == 400
    assert (refused.json()["code"], refused.json()["field"]) == ("conflict", "judge_id")
    detail = api_unit_x.get(f"/units/{unit_x.pk}/applications/{submitted_a['id']}").json()
    conflicts = {p["name"]: p["conflict"] for p in detail["panel"]}
    assert conflicts == {"评委一": "评委已声明回避", "评委二": None}

    second = api_unit_x.post(path, {"judge_id": judge_2.pk}).json()
    assert api_unit_x.delete(f"/units/{unit_x.pk}/assignments/{second['id']}").status_code == 204
    assert api_unit_x.delete(f"/units/{unit_x.pk}/assignments/{second['id']}").status_code == 404
    bad_k = api_unit_x.post(f"/units/{unit_x.pk}/assign-evenly", {"per_application": 0})
    assert bad_k.status_code == 422
    assert "per_application" in bad_k.json()["errors"]


def test_judge_panel_and_invitations(
    django_capture_on_commit_callbacks: Any,
    api_unit_x: Api,
    unit_x: RecommendingUnit,
    judge_1: Judge,
    client: Client,
    submitted_a: dict[str, Any],
) -> None:
    u = f"/units/{unit_x.pk}"
    bad = api_unit_x.post(f"{u}/judges", {"name": "王五", "mobile": "123", "email": "x"})
    assert bad.status_code == 422
    assert {"mobile", "email", "employer"} <= set(bad.json()["errors"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        added = api_unit_x.post(
            f"{u}/judges",
            {
                "name": "王五",
                "employer": "上海质量研究院",
                "tgq_number": "TGQ-2024-009",
                "address": "上海市长宁区泰安路74号",
                "email": "wangwu@example.com",
                "mobile": "13900001111",
            },
        )
    assert added.status_code == 201, added.json()
    assert added.json()["has_account"] is False
    assert added.json()["tgq_number"] == "TGQ-2024-009"
    assert [m.to for m in mail.outbox] == [["wangwu@example.com"]]  # invited to score
    names = {j["name"] for j in api_unit_x.get(f"{u}/judges").json()}
    assert names == {"王五", "评委一"}
    assert api_unit_x.delete(f"{u}/judges/{added.json()['id']}").status_code == 204
    assert api_unit_x.delete(f"{u}/judges/{added.json()['id']}").status_code == 404

    api_unit_x.post(f"{u}/applications/{submitted_a['id']}/assignments", {"judge_id": judge_1.pk})
    busy = api_unit_x.delete(f"{u}/judges/{judge_1.pk}")
    assert busy.status_code == 400
    assert busy.json()["code"] == "judge_has_sheets"

    # invite a member; only admin and member roles may be invited here
    wrong_role = api_unit_x.post(f"{u}/invitations", {"email": "m@example.com", "role": "judge"})
    assert wrong_role.status_code == 422
    assert "role" in wrong_role.json()["errors"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invited = api_unit_x.post(f"{u}/invitations", {"email": "m@example.com", "role": "member"})
    assert invited.status_code == 201, invited.json()
    assert "token" not in json.dumps(invited.json())
    token = Invitation.objects.get(pk=invited.json()["id"]).token
    assert token in mail.outbox[0].body

    stranger = api_for(
        User.objects.create_user(email="s@example.com", password="pw-123456-l", name="丙")
    )
    other = stranger.post(f"/invitations/{token}/accept")
    assert other.status_code == 403
    assert other.json()["code"] == "invitation_other_email"
    member = api_for(
        User.objects.create_user(email="m@example.com", password="pw-123456-l", name="丁")
    )
    assert member.get(f"{u}/applications").status_code == 404
    accepted = member.post(f"/invitations/{token}/accept")
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["unit"]["id"] == unit_x.pk
    assert accepted.json()["role"] == "member"
    assert [(x["id"], x["role"]) for x in member.get("/units").json()] == [(unit_x.pk, "member")]
    assert member.get(f"{u}/applications").status_code == 200
    reused = member.post(f"/invitations/{token}/accept")
    assert reused.status_code == 400
    assert reused.json()["code"] == "invitation_invalid"


def test_query_parameters_are_checked(
    api_unit_x: Api, unit_x: RecommendingUnit, campaign: Campaign
) -> None:
    u = f"/units/{unit_x.pk}"
    bad_state = api_unit_x.get(f"{u}/applications", state="draft")  # never shown to a unit
    assert bad_state.status_code == 422
    assert "state" in bad_state.json()["errors"]
    bad_sort = api_unit_x.get(f"{u}/applications", sort="secret")
    assert bad_sort.status_code == 422
    assert "sort" in bad_sort.json()["errors"]
    bad_flag = api_unit_x.get(f"{u}/ranking", normalise="maybe")
    assert bad_flag.status_code == 422
    assert "normalise" in bad_flag.json()["errors"]


# --- the OpenAPI document --------------------------------------------------------------------

UNIT_PATHS = {
    "/api/units": {"get"},
    "/api/units/{unit_id}/applications": {"get"},
    "/api/units/{unit_id}/applications/{application_id}": {"get"},
    "/api/units/{unit_id}/applications/{application_id}/return": {"post"},
    "/api/units/{unit_id}/applications/{application_id}/on-site": {"put"},
    "/api/units/{unit_id}/applications/{application_id}/assignments": {"post"},
    "/api/units/{unit_id}/assignments/{sheet_id}": {"delete"},
    "/api/units/{unit_id}/assign-evenly": {"post"},
    "/api/units/{unit_id}/judges": {"get", "post"},
    "/api/units/{unit_id}/judges/{judge_id}": {"delete"},
    "/api/units/{unit_id}/invitations": {"post"},
    "/api/units/{unit_id}/ranking": {"get"},
    "/api/units/{unit_id}/recommendations": {"post"},
    "/api/units/{unit_id}/recommendations/{recommendation_id}": {"delete"},
    "/api/units/{unit_id}/recommendations/order": {"put"},
    "/api/units/{unit_id}/report": {"get", "put"},
    "/api/units/{unit_id}/report/scan": {"post"},
    "/api/units/{unit_id}/report/submit": {"post"},
    "/api/units/{unit_id}/report/void": {"post"},
    "/api/units/{unit_id}/quota": {"put"},
    "/api/units/{unit_id}/report.xlsx": {"get"},
    "/api/units/{unit_id}/report.docx": {"get"},
}


@pytest.mark.django_db
def test_openapi_lists_the_unit_paths_with_chinese_titles(client: Client) -> None:
    document = client.get("/api/openapi.json", HTTP_ACCEPT_LANGUAGE="en").json()
    for path, methods in UNIT_PATHS.items():
        assert path in document["paths"], path
        assert methods <= set(document["paths"][path]), path
    schemas = document["components"]["schemas"]

    def titles(name: str) -> dict[str, str]:
        return {k: v.get("title", "") for k, v in schemas[name]["properties"].items()}

    assert titles("RankingRowOut") == {
        "rank": "排名",
        "score": "得分",
        "raw_mean": "原始平均分",
        "judges": "评委数",
        "flagged": "分歧较大",
        "application": "申报",
        "recommendation": "推荐",
        "review_refusal": "不能推荐的原因",
    }
    assert titles("ReportOut")["warnings"] == "提示"
    assert titles("RecommendationOut")["opinion"] == "推荐意见"
    assert titles("RecommendationOut")["position"] == "排序"
    assert titles("RecommendIn")["opinion"] == "推荐意见"
    assert titles("JudgeIn") == {
        "name": "姓名",
        "employer": "工作单位",
        "tgq_number": "TGQ评委证书号",
        "address": "通讯地址",
        "email": "E-mail",
        "mobile": "手机",
    }
    assert titles("ReportIn")["filler_name"] == "填表人"
    assert titles("ReportIn")["no_fee_declared"].startswith("未以任何形式")
    assert titles("ReportOut")["total_team_size"] == "班组人数总计"
    assert titles("InboxItemOut")["sheets_done"] == "已提交评审数"
    assert titles("OnSiteIn")["on_site_date"] == "现场评审日期"
    assert titles("SpreadIn")["per_application"] == "每份申报的评委人数"
    assert titles("QuotaIn")["per_organisation"] == "每家申报单位推荐名额"
    assert titles("AssignIn")["judge_id"] == "评委"
    assert schemas["AssignIn"]["required"] == ["judge_id"]
    assert set(schemas["RecommendIn"]["required"]) == {"application_id", "opinion"}
    parameters = document["paths"]["/api/units/{unit_id}/applications"]["get"]["parameters"]
    assert {p["name"]: p["schema"]["title"] for p in parameters} == {
        "unit_id": "推荐单位 id",
        "q": "搜索",
        "state": "状态",
        "sort": "排序方式",
    }
    scan = document["paths"]["/api/units/{unit_id}/report/scan"]["post"]["requestBody"]
    assert "multipart/form-data" in scan["content"]


def test_lists_run_a_constant_number_of_queries(
    api_a: Api, api_unit_x: Api, judge_1: Judge, unit_x: RecommendingUnit
) -> None:
    u = f"/units/{unit_x.pk}"
    paths = [f"{u}/applications", f"{u}/ranking", f"{u}/report", f"{u}/judges"]

    def counts() -> list[int]:
        from xinban.recommendation import selectors

        selectors._RANKINGS.clear()  # measure the ranking as computed, not as cached
        result = []
        for path in paths:
            with CaptureQueriesContext(connection) as queries:
                assert api_unit_x.get(path).status_code == 200
            result.append(len(queries))
        return result

    first = submit_application(api_a, unit_x)
    _reviewed(first["id"])
    api_unit_x.post(f"{u}/recommendations", {"application_id": first["id"], "opinion": "同意"})
    api_unit_x.get(f"{u}/ranking")  # the rubric is created on first use
    one = counts()
    for name, team_type in (("客服二组", "服务型"), ("计划工段", "管理型")):
        more = submit_application(api_a, unit_x, team_name=name, team_type=team_type_id(team_type))
        _reviewed(more["id"])
        api_unit_x.post(f"{u}/recommendations", {"application_id": more["id"], "opinion": "同意"})
    assert api_unit_x.post(f"{u}/assign-evenly", {"per_application": 1}).status_code == 200
    assert counts() == one


def test_looking_at_the_report_creates_nothing(
    api_unit_x_member: Api, api_staff: Api, unit_x: RecommendingUnit, campaign: Campaign
) -> None:
    for api in (api_unit_x_member, api_staff):
        report = api.get(f"/units/{unit_x.pk}/report")
        assert report.status_code == 200, report.json()
        assert report.json()["id"] is None
        assert report.json()["status"] == "draft"
        assert report.json()["recommendations"] == []
        assert "recommendations" in report.json()["problems"]
        assert api.get(f"/units/{unit_x.pk}/report.xlsx").status_code == 200
    assert not UnitRecommendationReport.objects.exists()


def test_without_a_campaign_year_nothing_is_written(
    api_unit_x: Api, unit_x: RecommendingUnit
) -> None:
    response = api_unit_x.post(
        f"/units/{unit_x.pk}/judges",
        {"name": "王五", "employer": "某单位", "email": "w@example.com", "mobile": "13900001111"},
    )
    assert response.status_code == 404
    assert response.json()["code"] == "no_campaign"
    assert not Judge.objects.exists()
    assert api_unit_x.get(f"/units/{unit_x.pk}/applications").json()["code"] == "no_campaign"
