"""附件6 成果统计表: the platform's figures, drafts, the rules at submission, the lock,
the window, and the audit log."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import close_phase
from tests.recommendation.conftest import make_judge
from tests.reports.conftest import complete_statistics, stamped_submit
from xinban.campaigns.models import PhaseKind
from xinban.core.errors import NotAllowed, WindowClosed, WrongState
from xinban.core.models import AuditEntry
from xinban.reports import selectors, services
from xinban.reports.models import FilingStatus

pytestmark = pytest.mark.django_db


def test_platform_figures_count_the_period_year_of_the_unit(
    campaign: Any, unit_x: Any, unit_y: Any, history: dict[str, Any]
) -> None:
    make_judge("j1@example.com", "评委一", unit_x)
    make_judge("j2@example.com", "评委二", unit_x, tgq_number="")
    figures = selectors.platform_figures(unit=unit_x, campaign=campaign)
    assert figures.period_year == campaign.year - 1 and figures.has_period
    assert figures.enterprises == 2  # org A and org B
    assert figures.teams == 3  # the withdrawn one and the draft do not count
    assert figures.recommended == 2  # selected + not selected (both were recommended)
    assert figures.cumulative_teams == 4  # 质检一班 of org A counted once over two years
    assert figures.certified_judges == 1  # the judge without a TGQ number does not count
    other = selectors.platform_figures(unit=unit_y, campaign=campaign)
    assert (other.teams, other.recommended, other.cumulative_teams) == (1, 1, 1)


def test_without_the_period_year_only_the_cumulative_figure_is_known(
    campaign: Any, unit_x: Any
) -> None:
    figures = selectors.platform_figures(unit=unit_x, campaign=campaign)
    assert not figures.has_period
    assert figures.get("teams") is None and figures.get("cumulative_teams") == 0


def test_draft_saves_anything_and_submission_lists_what_is_missing(
    campaign: Any, unit_x: Any, unit_x_admin: Any
) -> None:
    report = services.statistics_report_for(unit=unit_x, campaign=campaign)
    services.statistics_save(actor=unit_x_admin, report=report, data={"teams": 3})
    with pytest.raises(services.Incomplete) as refused:
        services.statistics_submit(actor=unit_x_admin, report=report)
    problems = refused.value.problems
    assert "teams" not in problems
    for name in ("enterprises", "funding", "has_certified_judges", "review_forms", "fill_date"):
        assert name in problems
    report.refresh_from_db()
    assert report.status == FilingStatus.DRAFT and report.teams == 3


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"enterprises": 4, "teams": 3}, "enterprises"),
        ({"recommended": 5}, "recommended"),
        ({"cumulative_teams": 2}, "cumulative_teams"),
        ({"session_presented_teams": 25}, "session_presented_teams"),
        ({"has_certified_judges": True, "certified_judges": None}, "certified_judges"),
        ({"has_certified_judges": False, "certified_judges": 3}, "certified_judges"),
        ({"session_held": True, "session_place": ""}, "session_place"),
    ],
)
def test_figures_that_contradict_each_other_are_refused(
    campaign: Any, unit_x: Any, unit_x_admin: Any, overrides: dict[str, Any], field: str
) -> None:
    report = services.statistics_report_for(unit=unit_x, campaign=campaign)
    services.statistics_save(
        actor=unit_x_admin, report=report, data=complete_statistics(**overrides)
    )
    with pytest.raises(services.Incomplete) as refused:
        services.statistics_submit(actor=unit_x_admin, report=report)
    assert field in refused.value.problems


def test_no_session_needs_no_session_details(campaign: Any, unit_x: Any, unit_x_admin: Any) -> None:
    report = services.statistics_report_for(unit=unit_x, campaign=campaign)
    data = complete_statistics(session_held=False)
    for name in services.SESSION_FIELDS:
        data[name] = None if "teams" in name or "attendees" in name else ""
    services.statistics_save(actor=unit_x_admin, report=report, data=data)
    assert stamped_submit(unit_x_admin, report).is_locked


def test_submission_locks_numbers_and_audits(
    campaign: Any, unit_x: Any, unit_y: Any, unit_x_admin: Any, unit_y_admin: Any
) -> None:
    report = services.statistics_report_for(unit=unit_x, campaign=campaign)
    services.statistics_save(actor=unit_x_admin, report=report, data=complete_statistics())
    submitted = stamped_submit(unit_x_admin, report)
    assert submitted.status == FilingStatus.SUBMITTED
    assert submitted.number == f"{campaign.year}-TJ-001"
    assert submitted.submitted_by == unit_x_admin
    with pytest.raises(WrongState):
        services.statistics_save(actor=unit_x_admin, report=report, data={"teams": 9})
    with pytest.raises(WrongState):
        services.statistics_submit(actor=unit_x_admin, report=report)
    other = services.statistics_report_for(unit=unit_y, campaign=campaign)
    services.statistics_save(actor=unit_y_admin, report=other, data=complete_statistics())
    assert stamped_submit(unit_y_admin, other).number.endswith("-002")
    actions = list(
        AuditEntry.objects.filter(object_type="reports.statisticsreport", object_id=str(report.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "reports.statistics_save",
        "reports.statistics_scan",
        "reports.statistics_submit",
    ]


def test_only_the_units_admin_writes(
    campaign: Any, unit_x: Any, unit_y_admin: Any, unit_x_member: Any, staff: Any
) -> None:
    report = services.statistics_report_for(unit=unit_x, campaign=campaign)
    for actor in (unit_y_admin, unit_x_member, staff):
        with pytest.raises(NotAllowed):
            services.statistics_save(actor=actor, report=report, data={"teams": 1})


def test_window_closed_refuses_saving(campaign: Any, unit_x: Any, unit_x_admin: Any) -> None:
    close_phase(campaign, PhaseKind.RECOMMENDATION)
    report = services.statistics_report_for(unit=unit_x, campaign=campaign)
    with pytest.raises(WindowClosed):
        services.statistics_save(actor=unit_x_admin, report=report, data={"teams": 1})


def test_differences_with_the_platform_and_filling_the_blanks(
    campaign: Any, unit_x: Any, unit_x_admin: Any, history: dict[str, Any]
) -> None:
    report = services.statistics_report_for(unit=unit_x, campaign=campaign)
    services.statistics_save(actor=unit_x_admin, report=report, data={"teams": 7})
    report = services.statistics_fill_from_platform(actor=unit_x_admin, report=report)
    assert report.teams == 7  # declared values stay
    assert (report.enterprises, report.recommended, report.cumulative_teams) == (2, 2, 4)
    assert report.has_certified_judges is False and report.certified_judges is None
    figures = selectors.platform_figures(unit=unit_x, campaign=campaign)
    assert selectors.differences(report, figures) == ["teams"]
