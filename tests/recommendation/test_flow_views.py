"""The unit's whole flow through its pages, as unit X's admin and two judges."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import pdf_bytes
from xinban.applications.models import Application, ApplicationState
from xinban.scoring.models import ScoreSheet, SheetStatus

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def score_payload(sheet: ScoreSheet, points: int, submit: bool = True) -> dict[str, Any]:
    from xinban.scoring.services import rubric_for

    rubric = rubric_for(campaign=sheet.application.campaign, stage=sheet.stage)
    data: dict[str, Any] = {
        f"points_{c.pk}": str(min(points, int(c.max_points))) for c in rubric.criteria.all()
    }
    data.update(conformity="符合标准", features="特色鲜明", shortcomings="数据分析略弱")
    if submit:
        data["submit"] = "1"
    return data


def test_unit_flow_through_pages(
    submitted_a: Application,
    unit_x: Any,
    unit_x_admin: Any,
    judge_1: Any,
    judge_2: Any,
    applicant_a: Any,
) -> None:
    admin = client_for(unit_x_admin)
    inbox = admin.get(reverse("recommendation:inbox", args=[unit_x.pk]))
    assert inbox.status_code == 200
    assert submitted_a.team_name in inbox.content.decode()
    assert (
        admin.get(
            reverse("recommendation:application", args=[unit_x.pk, submitted_a.pk])
        ).status_code
        == 200
    )
    assert admin.get(reverse("recommendation:judges", args=[unit_x.pk])).status_code == 200

    response = admin.post(
        reverse("recommendation:spread", args=[unit_x.pk]), {"per_application": "2"}
    )
    assert response.status_code == 302
    sheets = list(ScoreSheet.objects.filter(application=submitted_a))
    assert {s.judge_id for s in sheets} == {judge_1.pk, judge_2.pk}

    for sheet, points in zip(sheets, (18, 12), strict=True):
        judge_client = client_for(sheet.judge.user)
        assert judge_client.get(reverse("recommendation:judge_home")).status_code == 200
        page = judge_client.get(reverse("recommendation:judge_sheet", args=[sheet.pk]))
        assert page.status_code == 200
        saved = judge_client.post(
            reverse("recommendation:judge_sheet", args=[sheet.pk]), score_payload(sheet, points)
        )
        assert saved.status_code == 302, saved.content.decode()[:2000]
        sheet.refresh_from_db()
        assert sheet.status == SheetStatus.SUBMITTED
        assert sheet.total is not None

    ranking = admin.get(reverse("recommendation:ranking", args=[unit_x.pk]))
    assert ranking.status_code == 200
    assert ranking.context["rows"][0].judges == 2
    # This unit reviews with two judges: the year's minimum (rule 2) is set to match.
    submitted_a.campaign.min_unit_judge_sheets = 2
    submitted_a.campaign.save(update_fields=["min_unit_judge_sheets"])

    recommended = admin.post(
        reverse("recommendation:recommend", args=[unit_x.pk, submitted_a.pk]),
        {"opinion": "同意推荐"},
    )
    assert recommended.status_code == 302
    report_page = admin.get(reverse("recommendation:report", args=[unit_x.pk]))
    assert report_page.status_code == 200
    assert "同意推荐" in report_page.content.decode()

    saved = admin.post(
        reverse("recommendation:report", args=[unit_x.pk]),
        {
            "filler_name": "张三",
            "filler_phone": "021-12345678",
            "fill_date": "2026-06-01",
            "no_fee_declared": "on",
            "declaration_accepted": "on",
        },
    )
    assert saved.status_code == 302
    scan = admin.post(
        reverse("recommendation:report_scan", args=[unit_x.pk]),
        {"file": SimpleUploadedFile("盖章.pdf", pdf_bytes(), content_type="application/pdf")},
    )
    assert scan.status_code == 302
    xlsx = admin.get(reverse("recommendation:report_download", args=[unit_x.pk, "xlsx"]))
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    values = [c.value for row in workbook.active.iter_rows() for c in row if c.value is not None]
    assert submitted_a.team_name in values
    assert "张三" in " ".join(str(v) for v in values)
    docx = admin.get(reverse("recommendation:report_download", args=[unit_x.pk, "docx"]))
    assert docx.status_code == 200

    submitted = admin.post(reverse("recommendation:report_submit", args=[unit_x.pk]), follow=True)
    assert submitted.status_code == 200
    submitted_a.refresh_from_db()
    assert submitted_a.state == ApplicationState.RECOMMENDED

    # The applicant never sees the judges' names or scores.
    html = (
        client_for(applicant_a)
        .get(reverse("applications:detail", args=[submitted_a.pk]))
        .content.decode()
    )
    assert judge_1.name not in html and judge_2.name not in html
    assert "数据分析略弱" not in html


def test_unit_y_and_outsiders_get_404(
    submitted_a: Application, unit_x: Any, unit_y_admin: Any, applicant_b: Any
) -> None:
    for user in (unit_y_admin, applicant_b):
        client = client_for(user)
        for url in (
            reverse("recommendation:inbox", args=[unit_x.pk]),
            reverse("recommendation:application", args=[unit_x.pk, submitted_a.pk]),
            reverse("recommendation:ranking", args=[unit_x.pk]),
            reverse("recommendation:report", args=[unit_x.pk]),
            reverse("recommendation:report_download", args=[unit_x.pk, "xlsx"]),
        ):
            assert client.get(url).status_code == 404, (user, url)


def test_staff_read_only_on_unit_pages(submitted_a: Application, unit_x: Any, staff: Any) -> None:
    client = client_for(staff)
    assert client.get(reverse("recommendation:inbox", args=[unit_x.pk])).status_code == 200
    assert client.get(reverse("recommendation:staff_units")).status_code == 200
    assert (
        client.post(
            reverse("recommendation:recommend", args=[unit_x.pk, submitted_a.pk]), {"opinion": "x"}
        ).status_code
        == 403
    )


def test_judge_sees_only_assigned(
    submitted_a: Application, judge_1: Any, judge_2: Any, unit_x_admin: Any
) -> None:
    from xinban.recommendation.services import assignment_add

    sheet = assignment_add(actor=unit_x_admin, application=submitted_a, judge=judge_1)
    other = client_for(judge_2.user)
    assert other.get(reverse("recommendation:judge_sheet", args=[sheet.pk])).status_code == 404
    assert other.get(reverse("applications:detail", args=[submitted_a.pk])).status_code == 404
    mine = client_for(judge_1.user)
    assert mine.get(reverse("recommendation:judge_sheet", args=[sheet.pk])).status_code == 200
    assert (
        mine.get(
            reverse("recommendation:inbox", args=[submitted_a.recommending_unit_id])
        ).status_code
        == 404
    )


def test_the_report_page_lists_the_units_judges_as_part_two(
    campaign: Any,
    unit_x: Any,
    unit_x_admin: Any,
    judge_1: Any,
    judge_2: Any,
    unit_y: Any,
    staff: Any,
) -> None:
    from tests.recommendation.conftest import make_judge

    make_judge("judge-y@example.com", "评委丙", unit_y, tgq_number="TGQ-2024-999")
    for user in (unit_x_admin, staff):
        page = client_for(user).get(reverse("recommendation:report", args=[unit_x.pk]))
        html = page.content.decode()
        assert "二、评委名单" in html
        assert [j.name for j in page.context["judges"]] == ["评委一", "评委二"]
        assert "TGQ-2024-002" in html and "judge1@example.com" in html
        assert "评委丙" not in html and "TGQ-2024-999" not in html  # unit Y's own


def test_the_report_page_says_when_the_unit_has_no_judges(
    campaign: Any, unit_x: Any, unit_x_admin: Any
) -> None:
    page = client_for(unit_x_admin).get(reverse("recommendation:report", args=[unit_x.pk]))
    assert page.context["judges"] == []
    assert "评委库为空" in page.content.decode()
