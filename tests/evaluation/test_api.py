"""The association's evaluation through the JSON API (xinban/api/routers/evaluation.py):
the same services and rights as the pages. Staff run formal review, rounds, automatic and
manual assignment, the ranking and decisions; an expert reads and scores only their own
sheets and never the recommending unit's scores; guiding units see only candidates;
applicants see outcomes without experts' names or scores and attach the video uploaded
with the resumable protocol. Errors: 401 anonymous, 403 not theirs to do, 404 not theirs
to see, 409 wrong state, 422 field errors with Chinese messages."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.api.conftest import Api, api_for
from tests.evaluation.conftest import TEXTS, expert_sheets_of, make_expert, mp4_bytes
from tests.recommendation.conftest import make_judge
from tests.recommendation.factories import points_for
from xinban.applications.models import Application, ApplicationState
from xinban.core.models import AuditEntry
from xinban.evaluation.models import Decision, GuidingReview, PresentationVideo
from xinban.scoring.models import ScoreSheet, SheetStatus, Stage
from xinban.scoring.services import sheet_save

pytestmark = pytest.mark.django_db


def _points(sheet_json: dict[str, Any], share: Decimal) -> dict[str, str]:
    return {
        str(c["id"]): str((Decimal(c["max_points"]) * share).quantize(Decimal("0.1")))
        for c in sheet_json["criteria"]
    }


# --------------------------------------------------------------------------- staff


def test_staff_flow_formal_review_round_auto_assign_scores_ranking_decision(
    staff: Any, recommended_a: Application, recommended_b: Application, experts: list[Any]
) -> None:
    api = api_for(staff)
    queue = api.get("/evaluation/formal")
    assert queue.status_code == 200
    rows = {row["application"]["id"]: row for row in queue.json()}
    assert set(rows) == {recommended_a.pk, recommended_b.pk}
    assert rows[recommended_a.pk]["automatic_ok"] is True

    bulk = api.post(
        "/evaluation/formal/bulk", {"application_ids": [recommended_a.pk, recommended_b.pk]}
    )
    assert bulk.status_code == 200, bulk.json()
    assert sorted(bulk.json()["passed"]) == sorted([recommended_a.pk, recommended_b.pk])

    no_deadline = api.post("/evaluation/rounds", {})
    assert no_deadline.status_code == 422
    assert no_deadline.json()["errors"]["deadline"] == ["请填写评分截止时间。"]
    deadline = (timezone.now() + timedelta(days=7)).isoformat()
    created = api.post("/evaluation/rounds", {"deadline": deadline})
    assert created.status_code == 201 and created.json()["number"] == 1
    assert [r["number"] for r in api.get("/evaluation/rounds").json()] == [1]

    assigned = api.post("/evaluation/rounds/1/auto-assign", {"k": 3})
    assert assigned.status_code == 200, assigned.json()
    assert assigned.json() == {"created": 6, "uncovered": {}}
    experts_of_a = api.get(f"/evaluation/applications/{recommended_a.pk}/experts").json()
    assert len(experts_of_a) == 3 and all(s["status"] == "assigned" for s in experts_of_a)
    assert api.post("/evaluation/rounds/9/auto-assign", {"k": 3}).status_code == 422

    # Two experts of A score (through the expert API), a third stays a draft.
    for n, sheet in enumerate(expert_sheets_of(recommended_a)[:2]):
        expert_api = api_for(sheet.judge.user)
        body = expert_api.get(f"/expert/sheets/{sheet.pk}").json()
        share = Decimal("0.8") + Decimal("0.05") * n
        saved = expert_api.put(
            f"/expert/sheets/{sheet.pk}",
            {"points": _points(body, share), **TEXTS, "submit": True},
        )
        assert saved.status_code == 200, saved.json()
        assert saved.json()["status"] == SheetStatus.SUBMITTED

    ranking = api.get("/evaluation/ranking")
    assert ranking.status_code == 200
    (row,) = [r for r in ranking.json() if r["application"]["id"] == recommended_a.pk]
    assert row["domain"] == "制造" and row["judges"] == 2 and row["rank"] == 1
    assert Decimal(row["score"]) > 0
    assert api.get("/evaluation/ranking", normalise="true").status_code == 200

    decided = api.put(
        f"/evaluation/applications/{recommended_a.pk}/decision",
        {"level": "selected", "consensus_notes": "评审组长合议：入选建设经验"},
    )
    assert decided.status_code == 200, decided.json()
    assert decided.json()["consensus_notes"] == "评审组长合议：入选建设经验"
    # A revision without a reason is refused and changes nothing.
    unreasoned = api.put(
        f"/evaluation/applications/{recommended_a.pk}/decision", {"level": "not_selected"}
    )
    assert unreasoned.status_code in (400, 422)
    assert "原因" in json.dumps(unreasoned.json(), ensure_ascii=False)
    assert Decision.objects.get(application=recommended_a).level == "selected"
    revised = api.put(
        f"/evaluation/applications/{recommended_a.pk}/decision",
        {"level": "typical_candidate", "reason": "制造领域推选为典型经验候选"},
    )
    assert revised.status_code == 200, revised.json()
    recommended_a.refresh_from_db()
    assert recommended_a.state == ApplicationState.TYPICAL_CANDIDATE
    assert AuditEntry.objects.filter(action__startswith="evaluation.decision").count() >= 2


def test_formal_review_needs_a_reason_to_fail_and_keeps_the_state(
    staff: Any, recommended_a: Application
) -> None:
    api = api_for(staff)
    url = f"/evaluation/applications/{recommended_a.pk}/formal-review"
    refused = api.post(url, {"outcome": "failed", "reason": ""})
    assert refused.status_code == 422
    assert "不通过或退回时请填写原因" in json.dumps(refused.json(), ensure_ascii=False)
    recommended_a.refresh_from_db()
    assert recommended_a.state == ApplicationState.RECOMMENDED
    returned = api.post(url, {"outcome": "returned", "reason": "盖章申报表不清晰，请重新上传"})
    assert returned.status_code == 200, returned.json()
    assert returned.json()["state"] == ApplicationState.RETURNED


def test_auto_assign_reports_uncovered_applications_instead_of_breaking_a_rule(
    staff: Any, passed_a: Application, round_1: Any, campaign: Any
) -> None:
    make_expert(campaign, "lonely@example.com", "唯一专家")
    answer = api_for(staff).post("/evaluation/rounds/1/auto-assign", {"k": 3})
    assert answer.status_code == 200, answer.json()
    # What can be covered is assigned; the rest is reported with the reason.
    assert answer.json()["created"] == 1
    assert "专家" in answer.json()["uncovered"][str(passed_a.pk)]
    assert ScoreSheet.objects.filter(stage=Stage.EXPERT).count() == 1


def test_manual_assignment_of_a_conflicting_expert_is_refused_with_the_reason(
    staff: Any, passed_a: Application, experts: list[Any], round_1: Any, org_a: Any
) -> None:
    from xinban.scoring.models import JudgeEmployment

    JudgeEmployment.objects.create(
        judge=experts[0], organisation=org_a, organisation_name=org_a.name, start_year=2015
    )
    api = api_for(staff)
    url = f"/evaluation/applications/{passed_a.pk}/experts"
    refused = api.post(url, {"judge_id": experts[0].pk, "round": 1})
    assert refused.status_code in (400, 409)
    assert "专家曾在申报单位工作" in refused.json()["detail"]
    assert api.post(url, {"judge_id": experts[1].pk}).status_code == 422  # no round
    assert api.post(url, {"judge_id": 10**12, "round": 1}).status_code == 422
    added = api.post(url, {"judge_id": experts[1].pk, "round": 1})
    assert added.status_code == 201, added.json()
    assert added.json()["expert"] == experts[1].name


def test_staff_operations_refuse_other_users_and_anonymous(
    applicant_a: Any, unit_x_admin: Any, guide: Any, recommended_a: Application
) -> None:
    reads = ["/evaluation/formal", "/evaluation/rounds", "/evaluation/ranking"]
    for user in (applicant_a, unit_x_admin, guide):
        api = api_for(user)
        for path in reads:
            assert api.get(path).status_code == 403, (user, path)
        assert api.post("/evaluation/formal/bulk", {"application_ids": []}).status_code == 403
        assert (
            api.put(
                f"/evaluation/applications/{recommended_a.pk}/decision", {"level": "selected"}
            ).status_code
            == 403
        )
    anonymous = Api(Client())
    for path in reads:
        assert anonymous.get(path).status_code == 401
    recommended_a.refresh_from_db()
    assert recommended_a.state == ApplicationState.RECOMMENDED


def test_staff_cannot_reach_applications_that_never_reached_the_association(
    staff: Any, draft_a: Application
) -> None:
    api = api_for(staff)
    assert api.get(f"/evaluation/applications/{draft_a.pk}/experts").status_code == 404
    answer = api.post(f"/evaluation/applications/{draft_a.pk}/formal-review", {"outcome": "passed"})
    assert answer.status_code == 404


# --------------------------------------------------------------------------- experts


def test_expert_sees_only_own_sheets_and_never_the_units_scores(
    reviewing_a: Application, unit_x: Any, campaign: Any
) -> None:
    # The recommending unit's judge scored the application with a recognisable total.
    unit_judge = make_judge("unitjudge@example.com", "单位评委丙", unit_x, tgq_number="TGQ-U-9")
    unit_sheet = ScoreSheet.objects.create(
        application=reviewing_a, judge=unit_judge, stage=Stage.UNIT
    )
    unit_sheet = sheet_save(
        actor=unit_judge.user,
        sheet=unit_sheet,
        points=points_for(unit_sheet, Decimal("0.63")),
        submit=True,
        conformity="推荐单位评委意见：基本符合",
        features="单位评语特色",
        shortcomings="单位评语不足",
    )
    assert unit_sheet.total is not None
    sheets = expert_sheets_of(reviewing_a)
    mine, other = sheets[0], sheets[1]
    expert_sheet_save = sheet_save(
        actor=other.judge.user,
        sheet=other,
        points=points_for(other, Decimal("0.91")),
        submit=True,
        **TEXTS,
    )
    api = api_for(mine.judge.user)
    listed = api.get("/expert/sheets")
    assert listed.status_code == 200
    assert [s["id"] for s in listed.json()] == [mine.pk]
    text = json.dumps(listed.json(), ensure_ascii=False) + json.dumps(
        api.get(f"/expert/sheets/{mine.pk}").json(), ensure_ascii=False
    )
    assert "单位评委丙" not in text and "推荐单位评委意见" not in text
    assert str(unit_sheet.total) not in text
    assert other.judge.name not in text and str(expert_sheet_save.total) not in text
    # Another expert's sheet, a unit sheet: not found.
    assert api.get(f"/expert/sheets/{other.pk}").status_code == 404
    assert api.get(f"/expert/sheets/{unit_sheet.pk}").status_code == 404
    assert api.put(f"/expert/sheets/{other.pk}", {"points": {}}).status_code == 404
    # Someone with no sheets at all sees an empty list.
    stranger = make_expert(campaign, "stranger@example.com", "无任务专家")
    assert api_for(stranger.user).get("/expert/sheets").json() == []


def test_expert_draft_then_submit_with_field_errors_named_after_the_criterion(
    reviewing_a: Application,
) -> None:
    sheet = expert_sheets_of(reviewing_a)[0]
    api = api_for(sheet.judge.user)
    body = api.get(f"/expert/sheets/{sheet.pk}").json()
    criteria = body["criteria"]
    assert len(criteria) == 6
    first = str(criteria[0]["id"])
    too_many = api.put(
        f"/expert/sheets/{sheet.pk}",
        {"points": {first: str(Decimal(criteria[0]["max_points"]) + 1)}, **TEXTS},
    )
    assert too_many.status_code == 422
    assert f"points_{first}" in too_many.json()["errors"]
    draft = api.put(f"/expert/sheets/{sheet.pk}", {"points": {first: "5"}, **TEXTS})
    assert draft.status_code == 200 and draft.json()["status"] == SheetStatus.DRAFT
    assert Decimal(draft.json()["points"][first]) == 5
    # Submitting with criteria missing is refused; the draft is kept.
    incomplete = api.put(
        f"/expert/sheets/{sheet.pk}", {"points": {first: "5"}, **TEXTS, "submit": True}
    )
    assert incomplete.status_code in (400, 422)
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT
    done = api.put(
        f"/expert/sheets/{sheet.pk}",
        {"points": _points(body, Decimal("0.8")), **TEXTS, "submit": True},
    )
    assert done.status_code == 200 and done.json()["status"] == SheetStatus.SUBMITTED
    assert done.json()["total"] is not None


# --------------------------------------------------------------------------- guiding units


def test_guiding_unit_sees_only_candidates_and_reviews_after_the_video(
    guide: Any, candidate_a: Application, recommended_b: Application, applicant_a: Any
) -> None:
    api = api_for(guide)
    listed = api.get("/guiding/candidates")
    assert listed.status_code == 200
    assert [c["application"]["id"] for c in listed.json()] == [candidate_a.pk]
    assert api.get("/guiding/candidates").json()[0]["video"] is None
    url = f"/guiding/candidates/{candidate_a.pk}/review"
    # No video yet: nothing to review (the candidate is visible, the action is not).
    assert api.post(url, {"verdict": "approve"}).status_code == 403
    assert api.post(f"/guiding/candidates/{recommended_b.pk}/review", {}).status_code == 404
    # Other users: the guiding operations do not exist for them.
    assert api_for(applicant_a).get("/guiding/candidates").status_code == 404
    assert api_for(applicant_a).post(url, {"verdict": "approve"}).status_code == 404
    assert not GuidingReview.objects.exists()


def test_guiding_rejection_needs_a_comment(guide: Any, candidate_with_video: Application) -> None:
    api = api_for(guide)
    url = f"/guiding/candidates/{candidate_with_video.pk}/review"
    refused = api.post(url, {"verdict": "reject", "comment": ""})
    assert refused.status_code in (400, 422)
    assert "说明" in json.dumps(refused.json(), ensure_ascii=False)
    assert api.post(url, {"verdict": "maybe"}).status_code == 422
    approved = api.post(url, {"verdict": "approve", "comment": "同意推荐"})
    assert approved.status_code == 200, approved.json()
    assert approved.json()["reviews"][0]["verdict"] == "approve"
    assert approved.json()["video"] == "发表视频.mp4"


# --------------------------------------------------------------------------- applicants


def test_applicant_outcomes_never_carry_experts_names_or_scores(
    applicant_a: Any, applicant_b: Any, selected_a: Application
) -> None:
    answer = api_for(applicant_a).get("/my/outcomes")
    assert answer.status_code == 200
    (row,) = answer.json()
    assert row["application"]["id"] == selected_a.pk
    assert row["decision"] and row["video_required"] is False
    text = json.dumps(answer.json(), ensure_ascii=False)
    for sheet in expert_sheets_of(selected_a):
        assert sheet.judge.name not in text
        assert sheet.total is not None and str(sheet.total) not in text
    assert "合议" not in text  # the chair's notes stay internal
    assert api_for(applicant_b).get("/my/outcomes").json() == []
    assert Api(Client()).get("/my/outcomes").status_code == 401


def _resumable_upload(client: Client, application: Application, data: bytes) -> str:
    start = client.post(
        "/uploads/",
        data=json.dumps(
            {
                "purpose": "presentation_video",
                "target": f"application:{application.pk}",
                "filename": "发表视频.mp4",
                "size": len(data),
            }
        ),
        content_type="application/json",
    )
    assert start.status_code == 201, start.content
    half = len(data) // 2
    location = start["Location"]
    first = client.patch(
        location,
        data=data[:half],
        content_type="application/offset+octet-stream",
        headers={"Upload-Offset": "0"},
    )
    assert first.status_code == 204, first.content
    # The connection "dropped": ask where to resume, then send the rest.
    offset = int(client.head(location)["Upload-Offset"])
    assert offset == half
    rest = client.patch(
        location,
        data=data[offset:],
        content_type="application/offset+octet-stream",
        headers={"Upload-Offset": str(offset)},
    )
    assert rest.status_code == 200, rest.content
    return str(start.json()["id"])


def test_applicant_attaches_the_resumed_upload_through_the_api(
    settings: Any, applicant_a: Any, applicant_b: Any, candidate_a: Application
) -> None:
    import hashlib

    settings.XINBAN_UPLOAD_CHUNK_BYTES = 1024 * 1024
    api = api_for(applicant_a)
    video_url = f"/my/applications/{candidate_a.pk}/video"
    unknown = api.post(video_url, {"upload_id": "not-an-upload"})
    assert unknown.status_code == 400
    assert unknown.json()["field"] == "upload_id" and "重新上传" in unknown.json()["detail"]
    data = mp4_bytes(300 * 1024, fill=b"\x07")
    upload_id = _resumable_upload(api.client, candidate_a, data)
    # Another applicant cannot claim it (the application is not theirs to see).
    assert api_for(applicant_b).post(video_url, {"upload_id": upload_id}).status_code == 404
    attached = api.post(video_url, {"upload_id": upload_id})
    assert attached.status_code == 200, attached.json()
    assert attached.json()["size"] == len(data)
    assert attached.json()["sha256"] == hashlib.sha256(data).hexdigest()
    video = PresentationVideo.objects.get(application=candidate_a)
    with video.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == hashlib.sha256(data).hexdigest()
    assert api.get("/my/outcomes").json()[0]["video_required"] is False


def test_applicant_of_a_non_candidate_may_not_attach_a_video(
    applicant_a: Any, selected_a: Application
) -> None:
    answer = api_for(applicant_a).post(
        f"/my/applications/{selected_a.pk}/video", {"upload_id": "x"}
    )
    assert answer.status_code == 403
    assert not PresentationVideo.objects.exists()


def test_an_unfinished_upload_cannot_be_attached_then_resumes(
    settings: Any, applicant_a: Any, candidate_a: Application
) -> None:
    settings.XINBAN_UPLOAD_CHUNK_BYTES = 1024 * 1024
    api = api_for(applicant_a)
    data = mp4_bytes(128 * 1024)
    start = api.client.post(
        "/uploads/",
        data=json.dumps(
            {
                "purpose": "presentation_video",
                "target": f"application:{candidate_a.pk}",
                "filename": "发表视频.mp4",
                "size": len(data),
            }
        ),
        content_type="application/json",
    )
    assert start.status_code == 201, start.content
    api.client.patch(
        start["Location"],
        data=data[:1000],
        content_type="application/offset+octet-stream",
        headers={"Upload-Offset": "0"},
    )
    video_url = f"/my/applications/{candidate_a.pk}/video"
    early = api.post(video_url, {"upload_id": start.json()["id"]})
    assert early.status_code == 400 and early.json()["code"] == "upload_incomplete"
    assert not PresentationVideo.objects.exists()
    api.client.patch(
        start["Location"],
        data=data[1000:],
        content_type="application/offset+octet-stream",
        headers={"Upload-Offset": "1000"},
    )
    assert api.post(video_url, {"upload_id": start.json()["id"]}).status_code == 200
    assert PresentationVideo.objects.get(application=candidate_a).size == len(data)


def test_a_wrong_type_cannot_even_start_as_a_video(
    applicant_a: Any, candidate_a: Application
) -> None:
    client = api_for(applicant_a).client
    start = client.post(
        "/uploads/",
        data=json.dumps(
            {
                "purpose": "presentation_video",
                "target": f"application:{candidate_a.pk}",
                "filename": "发表视频.mp4",
                "size": 4096,
            }
        ),
        content_type="application/json",
    )
    assert start.status_code == 201
    refused = client.patch(
        start["Location"],
        data=b"%PDF-1.7\n" + b"x" * 4087,
        content_type="application/offset+octet-stream",
        headers={"Upload-Offset": "0"},
    )
    assert refused.status_code == 415
    assert not PresentationVideo.objects.exists()


def test_a_deadline_with_any_valid_offset_is_stored_as_the_same_instant(
    staff: Any, campaign: Any
) -> None:
    """Python accepts UTC offsets up to ±23:59, PostgreSQL only ±15:59 (found by the
    schema fuzzing: a 500); the API stores the instant in UTC."""
    from xinban.evaluation.models import EvaluationRound

    api = api_for(staff)
    created = api.post("/evaluation/rounds", {"deadline": "2099-03-31T06:53:16-20:28"})
    assert created.status_code == 201, created.json()
    stored = EvaluationRound.objects.get(number=created.json()["number"]).deadline
    assert stored.isoformat() == "2099-04-01T03:21:16+00:00"
    overflow = api.post("/evaluation/rounds", {"deadline": "9999-12-31T23:00:00-05:00"})
    assert overflow.status_code == 422 and "deadline" in overflow.json()["errors"]
