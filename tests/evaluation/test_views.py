"""The evaluation pages, persona by persona: staff run the flow, experts see only what is
assigned to them (never the unit's scores), guiding units only candidates, applicants
never the experts' names or scores. Outsiders 404, read-only roles 403."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.evaluation.conftest import expert_sheets_of, make_org_app, mp4_bytes
from tests.recommendation.factories import points_for
from xinban.applications.models import Application, ApplicationState
from xinban.core.models import AuditEntry
from xinban.evaluation import services
from xinban.evaluation.models import Decision, GuidingReview, PresentationVideo
from xinban.scoring.models import ScoreSheet, SheetStatus, Stage

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_pages_are_staff_only(
    staff: Any, applicant_a: Any, unit_x_admin: Any, recommended_a: Application
) -> None:
    urls = [
        reverse("evaluation:staff_home"),
        reverse("evaluation:formal_list"),
        reverse("evaluation:formal_review", args=[recommended_a.pk]),
        reverse("evaluation:panel"),
        reverse("evaluation:rounds"),
        reverse("evaluation:assignments"),
        reverse("evaluation:application", args=[recommended_a.pk]),
        reverse("evaluation:ranking"),
        reverse("evaluation:candidates"),
    ]
    for url in urls:
        assert client_for(staff).get(url).status_code == 200, url
        assert client_for(applicant_a).get(url).status_code == 403, url
        assert client_for(unit_x_admin).get(url).status_code == 403, url
        assert Client().get(url).status_code == 302, url


def test_formal_review_fail_needs_a_reason_and_changes_nothing_without_one(
    staff: Any, recommended_a: Application
) -> None:
    url = reverse("evaluation:formal_review", args=[recommended_a.pk])
    response = client_for(staff).post(url, {"outcome": "failed", "reason": ""})
    assert response.status_code == 200
    assert "不通过或退回时请填写原因" in response.content.decode()
    recommended_a.refresh_from_db()
    assert recommended_a.state == ApplicationState.RECOMMENDED
    response = client_for(staff).post(url, {"outcome": "failed", "reason": "缺少盖章页"})
    assert response.status_code == 302
    recommended_a.refresh_from_db()
    assert recommended_a.state == ApplicationState.FORMAL_FAILED


def test_bulk_pass_passes_only_complete_applications(
    staff: Any, campaign: Any, unit_x: Any, recommended_a: Application
) -> None:
    incomplete = make_org_app(campaign, unit_x, "上海缺章有限公司", stamped_form="")
    client = client_for(staff)
    page = client.get(reverse("evaluation:formal_list")).content.decode()
    assert recommended_a.team_name in page and incomplete.team_name in page
    assert 'name="applications"' in page and "checked" not in page  # nothing pre-ticked
    hand = [i.pk for i in services.hand_items(services.checklist_for(campaign))]
    assert f'name="hand_{recommended_a.pk}"' in page
    response = client.post(
        reverse("evaluation:formal_bulk"),
        {
            "applications": [recommended_a.pk, incomplete.pk],
            f"hand_{recommended_a.pk}": hand,
            f"hand_{incomplete.pk}": hand,
        },
        follow=True,
    )
    assert "已批量通过 1 份；1 份需逐份审查" in response.content.decode()
    recommended_a.refresh_from_db()
    incomplete.refresh_from_db()
    assert recommended_a.state == ApplicationState.FORMAL_PASSED
    assert incomplete.state == ApplicationState.RECOMMENDED


def test_rounds_auto_assignment_and_expert_scoring(
    staff: Any, passed_a: Application, experts: list[Any]
) -> None:
    client = client_for(staff)
    response = client.post(reverse("evaluation:rounds"), {"deadline": "2099-01-01T12:00"})
    assert response.status_code == 302
    response = client.post(reverse("evaluation:assign_auto"), {"k": "3", "round": "1"})
    assert response.status_code == 302
    sheets = expert_sheets_of(passed_a)
    assert len(sheets) == 3
    page = client.get(response["Location"]).content.decode()
    assert "每份申报均已分配足够的专家" in page

    sheet = sheets[0]
    expert = client_for(sheet.judge.user)
    home = expert.get(reverse("evaluation:expert_home")).content.decode()
    assert passed_a.team_name in home
    url = reverse("evaluation:expert_sheet", args=[sheet.pk])
    data = {f"points_{pk}": str(v) for pk, v in points_for(sheet, Decimal("0.8")).items()}
    data.update(conformity="符合", features="有特色", shortcomings="无", submit="1")
    assert expert.post(url, data).status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED and sheet.total is not None

    # Another expert's sheet, and the unit-stage judge page, are not theirs: 404.
    other = expert_sheets_of(passed_a)[1]
    assert expert.get(reverse("evaluation:expert_sheet", args=[other.pk])).status_code == 404
    assert expert.get(reverse("recommendation:judge_sheet", args=[sheet.pk])).status_code == 404


def test_auto_assignment_reports_uncovered_applications(
    staff: Any, passed_a: Application, round_1: Any, org_a: Any, campaign: Any
) -> None:
    from tests.evaluation.conftest import make_expert
    from xinban.scoring.models import JudgeEmployment

    # The only expert once worked for A's organisation: A cannot be covered, and the
    # page says so rather than breaking the rule.
    expert = make_expert(campaign, "only@example.com", "唯一专家")
    JudgeEmployment.objects.create(
        judge=expert, organisation=org_a, organisation_name=org_a.name, start_year=2010
    )
    response = client_for(staff).post(
        reverse("evaluation:assign_auto"), {"k": "3", "round": "1"}, follow=True
    )
    html = response.content.decode()
    assert "未能分配足够的专家" in html and passed_a.number in html
    assert not ScoreSheet.objects.filter(stage=Stage.EXPERT).exists()


def test_expert_never_sees_the_units_scores(
    reviewing_a: Application, unit_x: Any, unit_x_admin: Any
) -> None:
    from tests.recommendation.conftest import make_judge
    from xinban.scoring.services import sheet_save

    # The recommending unit's judge scored it, with texts and a total one could recognise.
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
    sheet = expert_sheets_of(reviewing_a)[0]
    client = client_for(sheet.judge.user)
    html = (
        client.get(reverse("evaluation:expert_sheet", args=[sheet.pk])).content.decode()
        + client.get(reverse("evaluation:expert_home")).content.decode()
    )
    assert "单位评委丙" not in html and "推荐单位评委意见" not in html
    assert f"{unit_sheet.total:.2f}" not in html and str(unit_sheet.total) not in html
    # Nor can the expert open the unit's sheet in the experts' pages.
    assert client.get(reverse("evaluation:expert_sheet", args=[unit_sheet.pk])).status_code == 404


def test_manual_assignment_explains_exclusions(
    staff: Any, passed_a: Application, experts: list[Any], round_1: Any, org_a: Any
) -> None:
    from xinban.scoring.models import JudgeEmployment

    JudgeEmployment.objects.create(
        judge=experts[0], organisation=org_a, organisation_name=org_a.name, start_year=2015
    )
    client = client_for(staff)
    html = client.get(reverse("evaluation:application", args=[passed_a.pk])).content.decode()
    assert "专家曾在申报单位工作" in html
    response = client.post(
        reverse("evaluation:assign_manual", args=[passed_a.pk]),
        {"judge": experts[0].pk, "round": "1"},
        follow=True,
    )
    assert not ScoreSheet.objects.filter(judge=experts[0], stage=Stage.EXPERT).exists()
    assert "专家曾在申报单位工作" in response.content.decode()
    client.post(
        reverse("evaluation:assign_manual", args=[passed_a.pk]),
        {"judge": experts[1].pk, "round": "1"},
    )
    assert ScoreSheet.objects.filter(judge=experts[1], stage=Stage.EXPERT).count() == 1


def test_decision_revision_needs_a_reason(staff: Any, scored_a: Application) -> None:
    client = client_for(staff)
    url = reverse("evaluation:decide", args=[scored_a.pk])
    client.post(url, {"level": "selected", "consensus_notes": "合议：入选"})
    assert Decision.objects.get(application=scored_a).level == "selected"
    response = client.post(url, {"level": "not_selected", "reason": ""}, follow=True)
    assert Decision.objects.get(application=scored_a).level == "selected"
    assert "原因" in response.content.decode()
    client.post(url, {"level": "not_selected", "reason": "复核后调整"})
    assert Decision.objects.get(application=scored_a).level == "not_selected"
    assert AuditEntry.objects.filter(action__startswith="evaluation.decision").count() >= 2


def _upload(client: Client, application: Application, data: bytes) -> str:
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
    url = start["Location"]
    done = client.patch(
        url,
        data=data,
        content_type="application/offset+octet-stream",
        headers={"Upload-Offset": "0"},
    )
    assert done.status_code == 200, done.content
    return str(start.json()["id"])


def test_candidate_uploads_video_guide_approves_staff_confirm(
    settings: Any,
    staff: Any,
    guide: Any,
    applicant_a: Any,
    applicant_b: Any,
    candidate_a: Application,
) -> None:
    settings.XINBAN_UPLOAD_CHUNK_BYTES = 1024 * 1024
    owner = client_for(applicant_a)
    page = owner.get(reverse("evaluation:video_upload", args=[candidate_a.pk]))
    assert page.status_code == 200 and "data-chunked-upload" in page.content.decode()
    # Someone else cannot even start an upload for it.
    other = client_for(applicant_b)
    refused = other.post(
        "/uploads/",
        data=json.dumps(
            {
                "purpose": "presentation_video",
                "target": f"application:{candidate_a.pk}",
                "filename": "x.mp4",
                "size": 100,
            }
        ),
        content_type="application/json",
    )
    assert refused.status_code == 404
    assert other.get(reverse("evaluation:video_upload", args=[candidate_a.pk])).status_code == 404

    upload_id = _upload(owner, candidate_a, mp4_bytes(200 * 1024))
    response = owner.post(
        reverse("evaluation:video_upload", args=[candidate_a.pk]), {"upload_id": upload_id}
    )
    assert response.status_code == 302
    video = PresentationVideo.objects.get(application=candidate_a)
    assert video.size == 200 * 1024

    guiding = client_for(guide)
    assert candidate_a.team_name in guiding.get(reverse("evaluation:guiding_home")).content.decode()
    detail = guiding.get(reverse("evaluation:guiding_candidate", args=[candidate_a.pk]))
    assert detail.status_code == 200
    download = guiding.get(reverse("evaluation:video", args=[candidate_a.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content)[:32] == mp4_bytes(200 * 1024)[:32]
    guiding.post(
        reverse("evaluation:guiding_candidate", args=[candidate_a.pk]),
        {"verdict": "approve", "comment": "同意"},
    )
    assert GuidingReview.objects.get(application=candidate_a).verdict == "approve"

    staff_client = client_for(staff)
    staff_client.post(reverse("evaluation:confirm", args=[candidate_a.pk]))
    candidate_a.refresh_from_db()
    assert candidate_a.state == ApplicationState.TYPICAL
    staff_client.post(
        reverse("evaluation:national", args=[candidate_a.pk]),
        {"value": "1", "reason": "事迹突出"},
    )
    assert Decision.objects.get(application=candidate_a).national is True


def test_guiding_unit_sees_only_candidates(
    guide: Any, scored_a: Application, applicant_a: Any
) -> None:
    client = client_for(guide)
    assert scored_a.team_name not in client.get(reverse("evaluation:guiding_home")).content.decode()
    assert (
        client.get(reverse("evaluation:guiding_candidate", args=[scored_a.pk])).status_code == 404
    )
    # Non-guiding users: the guiding pages do not exist for them.
    assert client_for(applicant_a).get(reverse("evaluation:guiding_home")).status_code == 404


def test_applicant_sees_outcome_never_experts_names_or_scores(
    applicant_a: Any, selected_a: Application
) -> None:
    html = client_for(applicant_a).get(reverse("evaluation:outcomes")).content.decode()
    assert selected_a.team_name in html and "建设经验" in html
    for sheet in expert_sheets_of(selected_a):
        assert sheet.judge.name not in html
        assert str(sheet.total) not in html


def test_video_download_is_permission_checked(
    candidate_with_video: Application, applicant_b: Any, unit_y_admin: Any, applicant_a: Any
) -> None:
    url = reverse("evaluation:video", args=[candidate_with_video.pk])
    assert client_for(applicant_a).get(url).status_code == 200
    assert client_for(applicant_b).get(url).status_code == 404
    assert client_for(unit_y_admin).get(url).status_code == 404


def test_ranking_page_shows_one_domain_a_page_at_a_time(
    staff: Any, scored_a: Application, campaign: Any, unit_x: Any
) -> None:
    client = client_for(staff)
    html = client.get(reverse("evaluation:ranking")).content.decode()
    assert "制造" in html and scored_a.team_name in html and 'aria-current="page"' in html
    # An unknown domain falls back to the first one; the round filter keeps the page.
    other = client.get(reverse("evaluation:ranking"), {"domain": "不存在", "round": "1"})
    assert other.status_code == 200 and scored_a.team_name in other.content.decode()
    assert client.get(reverse("evaluation:ranking"), {"round": "9" * 30}).status_code == 200


def test_video_streams_inline_with_byte_ranges_behind_the_same_permission(
    candidate_with_video: Application, guide: Any, staff: Any, applicant_b: Any
) -> None:
    url = reverse("evaluation:video_stream", args=[candidate_with_video.pk])
    original = mp4_bytes()
    guiding = client_for(guide)
    page = guiding.get(reverse("evaluation:guiding_candidate", args=[candidate_with_video.pk]))
    assert f'src="{url}"' in page.content.decode()
    whole = guiding.get(url)
    assert whole.status_code == 200 and whole["Content-Disposition"] == "inline"
    assert whole["Content-Type"] == "video/mp4" and whole["X-Content-Type-Options"] == "nosniff"
    assert whole["Accept-Ranges"] == "bytes"
    assert b"".join(whole.streaming_content) == original
    part = guiding.get(url, headers={"Range": "bytes=100-1123"})
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-1123/{len(original)}"
    assert b"".join(part.streaming_content) == original[100:1124]
    tail = client_for(staff).get(url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and b"".join(tail.streaming_content) == original[-10:]
    beyond = guiding.get(url, headers={"Range": f"bytes={len(original) + 5}-"})
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(original)}"
    assert client_for(applicant_b).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_the_panel_member_page_saves_load_and_expertise_in_one_call(
    staff: Any, experts: list[Any]
) -> None:
    from xinban.campaigns.models import Domain, Industry
    from xinban.evaluation.models import ExpertPanelMember

    member = ExpertPanelMember.objects.get(judge=experts[0])
    industry = Industry.objects.filter(active=True).first()
    assert industry is not None
    service = Domain.objects.exclude(name="制造").filter(active=True).first()
    assert service is not None
    url = reverse("evaluation:panel_member", args=[member.pk])
    response = client_for(staff).post(
        url,
        {"capacity": "4", "is_chair": "on", "domains": [service.pk], "industries": [industry.pk]},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.capacity, member.is_chair) == (4, True)
    assert list(experts[0].domains.all()) == [service]
    assert list(experts[0].industries.all()) == [industry]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"evaluation.panel_update", "evaluation.expert_profile"} <= actions
    # Too long an employer's name is a field error on the page, not a database error.
    too_long = client_for(staff).post(
        reverse("evaluation:employment_add", args=[member.pk]),
        {"organisation_name": "厂" * 121, "start_year": "2001"},
    )
    assert too_long.status_code == 302 and experts[0].employments.count() == 0
