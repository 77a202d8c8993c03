"""Exports of the rest of the evaluation's lists: 专家分配 and 评审轮次 (staff), an
expert's own sheets (专家评审), a guiding unit's list (典型经验审核) and an applicant's
outcomes (评价结果). The same selectors and rights as the pages (the same 403/404); every
file read back with openpyxl and compared with what the page shows that user."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests.conftest import make_user
from tests.evaluation.conftest import expert_score, expert_sheets_of, make_org_app
from tests.exports.kit import client_for, download, rows_of
from tests.recommendation.conftest import make_judge
from tests.recommendation.factories import make_application
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign
from xinban.evaluation.models import Decision, EvaluationRound, GuidingReview
from xinban.organisations.models import GuidingUnit
from xinban.scoring.models import Judge, ScoreSheet, Stage
from xinban.tasks.models import Task
from xinban.tasks.testing import drain

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _chinese() -> Any:
    with translation.override("zh-hans"):
        yield


def local(value: datetime) -> datetime:
    return timezone.localtime(value).replace(tzinfo=None)


def same_time(cell: Any, value: datetime) -> bool:
    return isinstance(cell, datetime) and abs(cell - local(value)) < timedelta(seconds=1)


# Each list: its page and its export kind.
LISTS = {
    "evaluation_assignments": "evaluation:assignments",
    "evaluation_rounds": "evaluation:rounds",
    "expert_sheets": "evaluation:expert_home",
    "guiding_candidates": "evaluation:guiding_home",
    "my_outcomes": "evaluation:outcomes",
}


def test_each_export_answers_whoever_asks_exactly_as_its_page(
    reviewing_a: Application,
    experts: list[Judge],
    applicant_a: Any,
    applicant_b: Any,
    unit_x_admin: Any,
    unit_x: Any,
    staff: Any,
    guide: Any,
) -> None:
    unit_judge = make_judge("unitjudge@example.com", "单位评委", unit_x)  # no expert sheet
    expert = expert_sheets_of(reviewing_a)[0].judge.user
    expected = {
        "evaluation_assignments": {"staff": 200},
        "evaluation_rounds": {"staff": 200},
        "expert_sheets": {"expert": 200, "unit_judge": 200},  # the judge: an empty list
        "guiding_candidates": {"guide": 200},
        "my_outcomes": {"applicant_a": 200, "applicant_b": 200},
    }
    refused = {  # the staff pages are there for everyone (403); the others are not (404)
        "evaluation_assignments": 403,
        "evaluation_rounds": 403,
        "expert_sheets": 404,
        "guiding_candidates": 404,
        "my_outcomes": 404,
    }
    users = {
        "applicant_a": applicant_a,
        "applicant_b": applicant_b,
        "unit_x_admin": unit_x_admin,
        "staff": staff,
        "guide": guide,
        "expert": expert,
        "unit_judge": unit_judge.user,
    }
    for kind, page in LISTS.items():
        for name, user in users.items():
            client = client_for(user)
            status = expected[kind].get(name, refused[kind])
            assert client.get(reverse(page)).status_code == status, (kind, name)
            assert client.get(download(kind)).status_code == status, (kind, name)
            assert client.get(f"/api/exports/{kind}.xlsx").status_code == status, (kind, name)
        anonymous = Client().get(download(kind))
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
        assert Client().get(f"/api/exports/{kind}.xlsx").status_code == 401


def test_the_assignments_export_holds_the_pages_rows_and_its_round(
    reviewing_a: Application, campaign: Any, unit_y: Any, staff: Any, round_1: Any
) -> None:
    sheets = expert_sheets_of(reviewing_a)
    expert_score(sheets[0])
    evil = make_org_app(
        campaign, unit_y, "上海公式有限公司", state=ApplicationState.FORMAL_PASSED, team_name="=1+1"
    )
    make_org_app(campaign, unit_y, "上海未审有限公司", team_name="未审班")  # not passed yet
    client = client_for(staff)
    page = client.get(reverse("evaluation:assignments"))
    assert download("evaluation_assignments") in page.content.decode()
    listed = [row.application.number for row in page.context["rows"]]
    rows = rows_of(client.get(download("evaluation_assignments")))
    assert rows[0] == ("编号", "申报单位", "班组名称", "领域", "专家", "已提交")
    assert [r[0] for r in rows[1:]] == listed == sorted([reviewing_a.number, evil.number])
    by_number = {r[0]: r for r in rows[1:]}
    a = by_number[reviewing_a.number]
    assert a[3] == "制造"
    assert a[4] == "、".join(s.judge.name for s in sheets)
    assert a[5] == sheets[0].judge.name
    assert by_number[evil.number][2] == "'=1+1"  # neutralised
    assert by_number[evil.number][4] is None  # no expert yet
    # Another round: the page's round is kept in the link and in the file.
    EvaluationRound.objects.create(
        campaign=campaign, number=2, deadline=timezone.now() + timedelta(days=14)
    )
    page = client.get(reverse("evaluation:assignments"), {"round": "1"})
    assert f"{download('evaluation_assignments')}?round=1" in page.content.decode()
    rows = rows_of(client.get(download("evaluation_assignments"), {"round": "1"}))
    assert {r[0]: r[4] for r in rows[1:]}[reviewing_a.number] == a[4]
    latest = rows_of(client.get(download("evaluation_assignments")))  # round 2: nobody yet
    assert [r[4] for r in latest[1:]] == [None, None]
    # An unknown round: as the page, every round's experts.
    unknown = rows_of(client.get(download("evaluation_assignments"), {"round": "99"}))
    assert {r[0]: r[4] for r in unknown[1:]}[reviewing_a.number] == a[4]


def test_the_rounds_export(campaign: Any, round_1: Any, staff: Any) -> None:
    second = EvaluationRound.objects.create(
        campaign=campaign, number=2, deadline=timezone.now() + timedelta(days=14)
    )
    past = Campaign.objects.create(year=campaign.year - 1, title="去年")
    EvaluationRound.objects.create(campaign=past, number=3, deadline=timezone.now())
    client = client_for(staff)
    page = client.get(reverse("evaluation:rounds"))
    assert download("evaluation_rounds") in page.content.decode()
    rows = rows_of(client.get(download("evaluation_rounds")))
    assert rows[0] == ("轮次", "评分截止时间")
    assert [r[0] for r in rows[1:]] == [r.number for r in page.context["rounds"]] == [1, 2]
    assert same_time(rows[1][1], round_1.deadline) and same_time(rows[2][1], second.deadline)


def test_an_expert_exports_only_their_own_expert_sheets(
    reviewing_a: Application,
    campaign: Any,
    unit_x: Any,
    unit_y: Any,
    round_1: Any,
    experts: list[Judge],
) -> None:
    sheets = expert_sheets_of(reviewing_a)
    judge = sheets[0].judge
    expert_score(sheets[0])
    evil = make_org_app(
        campaign, unit_y, "上海公式有限公司", state=ApplicationState.EXPERT_REVIEW, team_name="=1+1"
    )
    ScoreSheet.objects.create(application=evil, judge=judge, stage=Stage.EXPERT, round=1)
    theirs = make_org_app(
        campaign,
        unit_y,
        "上海他人有限公司",
        state=ApplicationState.EXPERT_REVIEW,
        team_name="他人班",
    )
    other = next(e for e in experts if e.pk != judge.pk)
    ScoreSheet.objects.create(application=theirs, judge=other, stage=Stage.EXPERT, round=1)
    # The same person's unit-stage sheet is not on the expert's list either.
    unit_stage = make_org_app(
        campaign, unit_x, "上海单位评审有限公司", state=ApplicationState.SUBMITTED
    )
    ScoreSheet.objects.create(application=unit_stage, judge=judge, stage=Stage.UNIT)
    client = client_for(judge.user)
    page = client.get(reverse("evaluation:expert_home"))
    assert download("expert_sheets") in page.content.decode()
    listed = [s.application.number for s in page.context["sheets"]]
    rows = rows_of(client.get(download("expert_sheets")))
    assert rows[0] == ("编号", "申报单位", "班组名称", "年度", "轮次", "评分截止时间", "状态")
    assert [r[0] for r in rows[1:]] == listed
    assert set(listed) == {reviewing_a.number, evil.number}
    by_number = {r[0]: r for r in rows[1:]}
    assert by_number[evil.number][2] == "'=1+1"
    assert by_number[evil.number][6] == "待评分"
    assert by_number[reviewing_a.number][6] == "已提交"
    assert by_number[reviewing_a.number][3:5] == (campaign.year, 1)
    assert same_time(by_number[reviewing_a.number][5], round_1.deadline)
    # The other expert: their own sheets only.
    rows = rows_of(client_for(other.user).get(download("expert_sheets")))
    assert theirs.number in [r[0] for r in rows[1:]]
    assert evil.number not in [r[0] for r in rows[1:]]


def test_a_guiding_unit_exports_the_candidates_with_its_own_verdict(
    candidate_with_video: Application,
    campaign: Any,
    unit_y: Any,
    staff: Any,
    guide: Any,
) -> None:
    evil = make_org_app(
        campaign,
        unit_y,
        "上海公式有限公司",
        state=ApplicationState.TYPICAL_CANDIDATE,
        team_name="=1+1",
    )
    Decision.objects.create(application=evil, level="typical_candidate", decided_by=staff)
    mine = GuidingUnit.objects.get(members=guide)
    other_unit = GuidingUnit.objects.create(name="上海市科学技术协会")
    other_unit.members.add(make_user("guide2@example.com", "另一指导单位用户"))
    GuidingReview.objects.create(
        application=candidate_with_video, guiding_unit=mine, verdict="approve"
    )
    GuidingReview.objects.create(application=evil, guiding_unit=other_unit, verdict="reject")
    # Last year's candidate is not on this year's list; a selected one is no candidate.
    past = Campaign.objects.create(year=campaign.year - 1, title="去年")
    make_org_app(past, unit_y, "上海往年有限公司", state=ApplicationState.TYPICAL_CANDIDATE)
    make_org_app(campaign, unit_y, "上海入选有限公司", state=ApplicationState.SELECTED)
    client = client_for(guide)
    page = client.get(reverse("evaluation:guiding_home"))
    assert download("guiding_candidates") in page.content.decode()
    listed = [row["application"].number for row in page.context["rows"]]
    rows = rows_of(client.get(download("guiding_candidates")))
    assert rows[0] == ("编号", "申报单位", "班组名称", "发表视频", "审核意见")
    assert [r[0] for r in rows[1:]] == listed == sorted([candidate_with_video.number, evil.number])
    by_number = {r[0]: r for r in rows[1:]}
    assert by_number[candidate_with_video.number][3:] == ("发表视频.mp4", "同意")
    # Another unit's verdict is not this unit's: still to review.
    assert by_number[evil.number][2:] == ("'=1+1", "未上传", "待审核")


def test_an_applicant_exports_their_outcomes(
    passed_a: Application,
    campaign: Any,
    org_a: Any,
    org_b: Any,
    unit_x: Any,
    staff: Any,
    applicant_a: Any,
) -> None:
    past = Campaign.objects.create(year=campaign.year - 1, title="去年", results_published=True)
    typical = make_application(
        organisation=org_a,
        unit=unit_x,
        campaign=past,
        state=ApplicationState.TYPICAL,
        team_name="=1+1",
    )
    Decision.objects.create(application=typical, level="typical", national=True, decided_by=staff)
    returned = make_application(
        organisation=org_a,
        unit=unit_x,
        campaign=campaign,
        state=ApplicationState.RETURNED,
        team_name="退回班",
        team_type="服务型",
        return_reason="缺少盖章页",
    )
    theirs = make_application(organisation=org_b, unit=unit_x, campaign=campaign)
    client = client_for(applicant_a)
    page = client.get(reverse("evaluation:outcomes"))
    assert download("my_outcomes") in page.content.decode()
    listed = [row.application.number for row in page.context["rows"]]
    rows = rows_of(client.get(download("my_outcomes")))
    assert rows[0] == (
        "年度",
        "编号",
        "班组名称",
        "状态",
        "形式审查",
        "退回原因",
        "评价结果",
        "推荐全国",
    )
    assert [r[1] for r in rows[1:]] == listed
    assert set(listed) == {passed_a.number, typical.number, returned.number}
    assert theirs.number not in listed
    by_number = {r[1]: r for r in rows[1:]}
    assert by_number[typical.number][0] == past.year
    assert by_number[typical.number][2] == "'=1+1"
    assert by_number[typical.number][6:] == ("典型经验", "是")
    assert by_number[returned.number][3:6] == (
        ApplicationState.RETURNED.label,
        None,
        "缺少盖章页",
    )
    assert by_number[passed_a.number][3:5] == ("形式审查通过", "通过")


def test_a_large_guiding_list_is_exported_in_the_background(
    settings: Any, candidate_with_video: Application, campaign: Any, unit_y: Any, guide: Any
) -> None:
    make_org_app(campaign, unit_y, "上海第二候选有限公司", state=ApplicationState.TYPICAL)
    settings.XINBAN_EXPORT_BACKGROUND_ROWS = 1
    client = client_for(guide)
    response = client.get(download("guiding_candidates"))
    assert response.status_code == 302
    task = Task.objects.get(name="exports.xlsx")
    drain()
    task.refresh_from_db()
    assert task.state == "done" and task.progress_total == 2
    assert len(rows_of(client.get(reverse("tasks:download", args=[task.pk])))) == 3
