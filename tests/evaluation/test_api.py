"""The association's evaluation through the JSON API (xinban/api/routers/evaluation.py):
the same services and rights as the pages. Staff run formal review, rounds, automatic and
manual assignment, the ranking and decisions; an expert reads and scores only their own
sheets and never the recommending unit's scores; guiding units see only candidates;
applicants see outcomes without experts' names or scores and attach the video uploaded
with the resumable protocol. Errors: 401 anonymous, 403 not theirs to do, 404 not theirs
to see, 409 wrong state, 422 field errors with Chinese messages."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
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
from xinban.evaluation import services
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

    ids = [recommended_a.pk, recommended_b.pk]
    unticked = api.post("/evaluation/formal/bulk", {"application_ids": ids})
    assert unticked.status_code == 200 and unticked.json()["passed"] == []  # rule 6
    assert "人工核对项未由审查人勾选" in unticked.json()["refused"][str(recommended_a.pk)]
    hand = [i.pk for i in services.hand_items(services.checklist_for(recommended_a.campaign))]
    bulk = api.post(
        "/evaluation/formal/bulk",
        {"application_ids": ids, "hand_checks": {str(pk): hand for pk in ids}},
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

    # The third expert has not submitted: the decision waits (naming them) until the
    # assignment is withdrawn (rule 7 of docs/rules.md).
    third = expert_sheets_of(recommended_a)[2]
    waiting = api.put(
        f"/evaluation/applications/{recommended_a.pk}/decision",
        {"level": "selected", "consensus_notes": "评审组长合议：入选建设经验"},
    )
    assert waiting.status_code == 409 and third.judge.name in waiting.json()["detail"]
    withdrawn = api.delete(
        f"/evaluation/applications/{recommended_a.pk}/experts/{third.pk}?reason=未按时评分"
    )
    assert withdrawn.status_code == 200, withdrawn.json()
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


# --------------------------------------------------------------------------- the panel


def _actions(**filters: Any) -> list[str]:
    return list(AuditEntry.objects.filter(**filters).values_list("action", flat=True))


def test_staff_manage_the_expert_panel_through_the_api(
    staff: Any, campaign: Any, unit_x_admin: Any, experts: list[Any]
) -> None:
    from xinban.campaigns.models import Domain, Industry
    from xinban.evaluation.models import ExpertPanelMember

    api = api_for(staff)
    newcomer = make_judge("newcomer@example.com", "新专家", tgq_number="TGQ-N-1")
    candidates = api.get("/evaluation/panel/candidates")
    assert candidates.status_code == 200
    assert newcomer.pk in [c["id"] for c in candidates.json()]
    assert experts[0].pk not in [c["id"] for c in candidates.json()]

    # Only staff; a unit admin sees no panel and changes nothing (403).
    unit_api = api_for(unit_x_admin)
    assert unit_api.get("/evaluation/panel").status_code == 403
    assert unit_api.post("/evaluation/panel", {"judge_id": newcomer.pk}).status_code == 403
    assert not ExpertPanelMember.objects.filter(judge=newcomer).exists()

    missing = api.post("/evaluation/panel", {"capacity": 0})
    assert missing.status_code == 422
    assert set(missing.json()["errors"]) == {"judge_id", "capacity"}
    already = api.post("/evaluation/panel", {"judge_id": experts[0].pk})
    assert already.status_code == 422 and "judge_id" in already.json()["errors"]

    added = api.post(
        "/evaluation/panel", {"judge_id": newcomer.pk, "capacity": 5, "is_chair": True}
    )
    assert added.status_code == 201, added.json()
    member = ExpertPanelMember.objects.get(campaign=campaign, judge=newcomer)
    assert (member.capacity, member.is_chair) == (5, True)
    assert added.json()["id"] == member.pk and added.json()["employments"] == []
    assert "evaluation.panel_add" in _actions(object_id=str(member.pk))
    listed = {row["id"]: row for row in api.get("/evaluation/panel").json()}
    assert listed[member.pk]["name"] == "新专家" and listed[member.pk]["is_chair"] is True

    manufacturing = Domain.objects.get(name="制造")
    industry = Industry.objects.filter(active=True).first()
    assert industry is not None
    bad = api.put(f"/evaluation/panel/{member.pk}", {"domains": "制造", "capacity": 2000})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"domains", "capacity"}
    edited = api.put(
        f"/evaluation/panel/{member.pk}",
        {
            "capacity": 3,
            "is_chair": False,
            "domains": [manufacturing.pk],
            "industries": [industry.pk],
        },
    )
    assert edited.status_code == 200, edited.json()
    member.refresh_from_db()
    assert (member.capacity, member.is_chair) == (3, False)
    assert list(newcomer.domains.all()) == [manufacturing]
    assert list(newcomer.industries.all()) == [industry]
    assert [d["name"] for d in edited.json()["domains"]] == ["制造"]
    assert "evaluation.panel_update" in _actions(object_id=str(member.pk))
    assert "evaluation.expert_profile" in _actions(object_id=str(newcomer.pk))

    # Employment history: field errors, then a row added and removed (both audited).
    empty = api.post(f"/evaluation/panel/{member.pk}/employments", {})
    assert empty.status_code == 422
    assert set(empty.json()["errors"]) == {"organisation_name", "start_year"}
    backwards = api.post(
        f"/evaluation/panel/{member.pk}/employments",
        {"organisation_name": "上海某机械厂", "start_year": 2010, "end_year": 2001},
    )
    assert backwards.status_code == 422 and "end_year" in backwards.json()["errors"]
    too_long = api.post(
        f"/evaluation/panel/{member.pk}/employments",
        {"organisation_name": "厂" * 121, "start_year": 2001},
    )
    assert too_long.status_code == 422 and "organisation_name" in too_long.json()["errors"]
    created = api.post(
        f"/evaluation/panel/{member.pk}/employments",
        {"organisation_name": "上海某机械厂", "start_year": 2001, "end_year": 2010},
    )
    assert created.status_code == 201, created.json()
    [employment] = created.json()["employments"]
    assert employment["organisation_name"] == "上海某机械厂" and employment["end_year"] == 2010
    assert newcomer.employments.count() == 1
    other_member = ExpertPanelMember.objects.get(campaign=campaign, judge=experts[0])
    # Another expert's row through this one: 404, nothing removed.
    assert (
        api.delete(
            f"/evaluation/panel/{other_member.pk}/employments/{employment['id']}"
        ).status_code
        == 404
    )
    assert (
        unit_api.delete(f"/evaluation/panel/{member.pk}/employments/{employment['id']}").status_code
        == 403
    )
    removed = api.delete(f"/evaluation/panel/{member.pk}/employments/{employment['id']}")
    assert removed.status_code == 204
    assert newcomer.employments.count() == 0
    assert {"evaluation.employment_add", "evaluation.employment_remove"} <= set(
        _actions(object_id=str(newcomer.pk))
    )

    assert api.get("/evaluation/panel/999999").status_code == 404
    assert unit_api.delete(f"/evaluation/panel/{member.pk}").status_code == 403
    assert api.delete(f"/evaluation/panel/{member.pk}").status_code == 204
    assert not ExpertPanelMember.objects.filter(pk=member.pk).exists()
    assert "evaluation.panel_remove" in _actions(action="evaluation.panel_remove")
    assert api.get(f"/evaluation/panel/{member.pk}").status_code == 404


def test_an_expert_with_unscored_work_stays_on_the_panel(
    staff: Any, reviewing_a: Application
) -> None:
    from xinban.evaluation.models import ExpertPanelMember

    api = api_for(staff)
    busy = ExpertPanelMember.objects.get(judge=expert_sheets_of(reviewing_a)[0].judge)
    refused = api.delete(f"/evaluation/panel/{busy.pk}")
    assert refused.status_code == 400 and refused.json()["code"] == "judge_has_sheets"
    assert ExpertPanelMember.objects.filter(pk=busy.pk).exists()


def test_staff_move_a_round_deadline_with_a_reason(
    staff: Any, campaign: Any, round_1: Any, applicant_a: Any
) -> None:
    api = api_for(staff)
    empty = api.put("/evaluation/rounds/1/deadline", {})
    assert empty.status_code == 422 and set(empty.json()["errors"]) == {"deadline", "reason"}
    garbled = api.put("/evaluation/rounds/1/deadline", {"deadline": "下周一", "reason": "延长"})
    assert garbled.status_code == 422 and "deadline" in garbled.json()["errors"]
    assert (
        api.put(
            "/evaluation/rounds/9/deadline",
            {"deadline": "2030-01-01T17:00:00+08:00", "reason": "x"},
        ).status_code
        == 404
    )
    body = {"deadline": "2030-06-30T17:00:00+08:00", "reason": "专家申请延期"}
    assert api_for(applicant_a).put("/evaluation/rounds/1/deadline", body).status_code == 403

    moved = api.put("/evaluation/rounds/1/deadline", body)
    assert moved.status_code == 200, moved.json()
    round_1.refresh_from_db()
    assert round_1.deadline == datetime(2030, 6, 30, 9, 0, tzinfo=UTC)
    entry = AuditEntry.objects.get(action="evaluation.round_deadline")
    assert entry.changes["reason"] == "专家申请延期"

    campaign.results_published = True
    campaign.save(update_fields=["results_published"])
    late = api.put("/evaluation/rounds/1/deadline", {**body, "reason": "再次调整"})
    assert late.status_code == 409 and late.json()["code"] == "results_published"


def test_staff_withdraw_an_unscored_expert_assignment(
    staff: Any, reviewing_a: Application, recommended_b: Application, unit_x_admin: Any
) -> None:
    from tests.evaluation.conftest import expert_score

    api = api_for(staff)
    first, second, third = expert_sheets_of(reviewing_a)
    url = f"/evaluation/applications/{reviewing_a.pk}/experts"
    assert api_for(unit_x_admin).delete(f"{url}/{first.pk}").status_code == 403
    # The sheet must be this application's (B's path: 404 — B is not even under review).
    assert (
        api.delete(f"/evaluation/applications/{recommended_b.pk}/experts/{first.pk}").status_code
        == 404
    )
    assert api.delete(f"{url}/999999").status_code == 404
    too_long = api.client.delete(f"/api{url}/{first.pk}?reason={'长' * 1001}")
    assert too_long.status_code == 422 and "reason" in too_long.json()["errors"]

    expert_score(third)
    scored = api.delete(f"{url}/{third.pk}")
    assert scored.status_code == 409 and scored.json()["code"] == "sheet_submitted"

    withdrawn = api.client.delete(f"/api{url}/{first.pk}?reason=临时回避")
    assert withdrawn.status_code == 200, withdrawn.json()
    assert sorted(s["id"] for s in withdrawn.json()) == sorted([second.pk, third.pk])
    assert not ScoreSheet.objects.filter(pk=first.pk).exists()
    entry = AuditEntry.objects.get(action="evaluation.unassign")
    assert entry.changes["reason"] == "临时回避" and entry.changes["expert"] == first.judge.name
    reviewing_a.refresh_from_db()
    assert reviewing_a.state == ApplicationState.EXPERT_REVIEW
