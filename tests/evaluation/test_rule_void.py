"""Rule 1 of docs/rules.md (推荐无效, notice 二.1): voiding a unit's recommendations takes
every application it recommended out of the association's evaluation, whatever it has
reached before publication; refused after publication. Through the service and the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from tests.api.conftest import api_for
from tests.evaluation.conftest import expert_score, expert_sheets_of
from xinban.applications.models import Application, ApplicationState
from xinban.core.errors import WrongState
from xinban.core.models import AuditEntry
from xinban.evaluation.models import Decision
from xinban.recommendation import services
from xinban.recommendation.models import Recommendation, ReportStatus, UnitRecommendationReport
from xinban.scoring.models import ScoreSheet, Stage

pytestmark = pytest.mark.django_db


def filed_report(application: Application, staff: Any) -> UnitRecommendationReport:
    report = UnitRecommendationReport.objects.create(
        unit=application.recommending_unit,
        campaign=application.campaign,
        status=ReportStatus.SUBMITTED,
    )
    Recommendation.objects.create(
        report=report, application=application, opinion="推荐", position=1, created_by=staff
    )
    return report


def test_void_withdraws_assignments_and_tells_applicant_and_unit(
    reviewing_a: Application,
    staff: Any,
    applicant_a: Any,
    unit_x_admin: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first, *pending = expert_sheets_of(reviewing_a)
    expert_score(first)
    report = filed_report(reviewing_a, staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_void(actor=staff, report=report, reason="违规收取费用")
    reviewing_a.refresh_from_db()
    assert reviewing_a.state == ApplicationState.NOT_RECOMMENDED
    remaining = ScoreSheet.objects.filter(application=reviewing_a, stage=Stage.EXPERT)
    assert list(remaining) == [first]  # the scored sheet stays on record
    entry = AuditEntry.objects.get(action="application.recommendation_voided")
    assert entry.changes["state"] == ["expert_review", "not_recommended"]
    assert sorted(entry.changes["assignments_withdrawn"]) == sorted(s.judge.name for s in pending)
    recipients = [m.to for m in mail.outbox]
    assert [applicant_a.email] in recipients and [unit_x_admin.email] in recipients
    to_unit = next(m for m in mail.outbox if m.to == [unit_x_admin.email])
    assert reviewing_a.team_name in to_unit.body and "违规收取费用" in to_unit.body


def test_void_undoes_a_decision(selected_a: Application, staff: Any) -> None:
    report = filed_report(selected_a, staff)
    services.report_void(actor=staff, report=report, reason="违规收取费用")
    selected_a.refresh_from_db()
    assert selected_a.state == ApplicationState.NOT_RECOMMENDED
    assert not Decision.objects.filter(application=selected_a).exists()
    entry = AuditEntry.objects.get(action="application.recommendation_voided")
    assert entry.changes["decision_undone"]["level"] == "selected"


def test_void_after_formal_review_passed(passed_a: Application, staff: Any) -> None:
    services.report_void(actor=staff, report=filed_report(passed_a, staff), reason="收费")
    passed_a.refresh_from_db()
    assert passed_a.state == ApplicationState.NOT_RECOMMENDED


def test_refused_after_publication_with_the_reason(
    selected_a: Application, staff: Any, unit_x: Any
) -> None:
    report = filed_report(selected_a, staff)
    selected_a.campaign.results_published = True
    selected_a.campaign.save(update_fields=["results_published"])
    with pytest.raises(WrongState) as refused:
        services.report_void(actor=staff, report=report, reason="收费")
    assert refused.value.code == "results_published" and "已发布" in refused.value.message
    answer = api_for(staff).post(f"/units/{unit_x.pk}/report/void", {"reason": "收费"})
    assert answer.status_code == 409 and answer.json()["code"] == "results_published"
    selected_a.refresh_from_db()
    report.refresh_from_db()
    assert selected_a.state == ApplicationState.SELECTED and report.status == ReportStatus.SUBMITTED
    assert Decision.objects.filter(application=selected_a).exists()


def test_api_void_takes_a_decided_application_out(
    selected_a: Application, staff: Any, unit_x: Any
) -> None:
    filed_report(selected_a, staff)
    answer = api_for(staff).post(f"/units/{unit_x.pk}/report/void", {"reason": "违规收取费用"})
    assert answer.status_code == 200, answer.json()
    selected_a.refresh_from_db()
    assert selected_a.state == ApplicationState.NOT_RECOMMENDED


def test_unit_notice_reads_in_english(unit_x: Any) -> None:
    from xinban.notifications.rendering import render_email

    context = {"unit": unit_x, "year": 2026, "count": 2, "teams": "甲组、乙组", "reason": "收费"}
    subject, body = render_email("unit_recommendation_voided", context, "en")
    assert subject == f"Notice of void recommendations: {unit_x.name}"
    assert "The 2 application(s) your unit recommended (甲组、乙组)" in body and "收费" in body
