"""附件7 推进工作总结: the character count, refusal below 3,000 characters with the count,
the table of events, the lock after submission."""

from __future__ import annotations

from typing import Any

import pytest

from tests.reports.conftest import EVENT, long_text, summary_data
from xinban.core.errors import NotAllowed, ServiceError, WrongState
from xinban.core.models import AuditEntry
from xinban.reports import selectors, services
from xinban.reports.models import FilingStatus

pytestmark = pytest.mark.django_db


def test_count_ignores_white_space_and_counts_every_other_character() -> None:
    assert selectors.count_characters("质量 信得过\n班组\u3000QC 2025", "　") == 13
    assert selectors.count_characters("", "abc") == 3


def test_drafts_keep_texts_and_events_in_order(
    campaign: Any, unit_x: Any, unit_x_admin: Any
) -> None:
    summary = services.work_summary_for(unit=unit_x, campaign=campaign)
    second = {**EVENT, "name": "班组长培训班", "participants": None}
    services.summary_save(
        actor=unit_x_admin, summary=summary, data={"overview": "概况"}, events=[EVENT, second]
    )
    summary.refresh_from_db()
    events = selectors.summary_events(summary)
    assert summary.overview == "概况"
    assert [e.name for e in events] == [EVENT["name"], "班组长培训班"]
    assert events[1].participants is None
    # Saving the table again replaces it (a removed row is gone).
    services.summary_save(actor=unit_x_admin, summary=summary, data={}, events=[second])
    summary.refresh_from_db()
    assert [e.name for e in selectors.summary_events(summary)] == ["班组长培训班"]
    assert selectors.summary_length(summary) == selectors.count_characters(
        "概况", *(second[k] for k in ("held_on", "place", "name", "content"))
    )


def test_submission_below_3000_characters_is_refused_with_the_count(
    campaign: Any, unit_x: Any, unit_x_admin: Any
) -> None:
    summary = services.work_summary_for(unit=unit_x, campaign=campaign)
    data = summary_data(per_section=400)  # 6 × 400 = 2,400 + the event row
    services.summary_save(actor=unit_x_admin, summary=summary, data=data, events=[EVENT])
    summary.refresh_from_db()
    count = selectors.summary_length(summary)
    assert count < 3000
    with pytest.raises(ServiceError) as refused:
        services.summary_submit(actor=unit_x_admin, summary=summary)
    assert f"{count:,}" in refused.value.message and "3,000" in refused.value.message
    assert f"{3000 - count:,}" in refused.value.message
    summary.refresh_from_db()
    assert summary.status == FilingStatus.DRAFT


def test_exactly_3000_characters_is_enough_and_locks(
    campaign: Any, unit_x: Any, unit_x_admin: Any
) -> None:
    summary = services.work_summary_for(unit=unit_x, campaign=campaign)
    event_chars = selectors.count_characters(
        *(EVENT[k] for k in ("held_on", "place", "name", "content"))
    )
    data = summary_data(per_section=400)
    data["suggestions"] = long_text(3000 - 5 * 400 - event_chars)
    services.summary_save(actor=unit_x_admin, summary=summary, data=data, events=[EVENT])
    summary.refresh_from_db()
    assert selectors.summary_length(summary) == 3000
    submitted = services.summary_submit(actor=unit_x_admin, summary=summary)
    assert submitted.status == FilingStatus.SUBMITTED and submitted.submitted_by == unit_x_admin
    with pytest.raises(WrongState):
        services.summary_save(actor=unit_x_admin, summary=summary, data={"overview": "改"})
    assert AuditEntry.objects.filter(
        action="reports.summary_submit", object_id=str(summary.pk), changes__characters=3000
    ).exists()


def test_sections_and_the_table_are_required_whatever_the_length(
    campaign: Any, unit_x: Any, unit_x_admin: Any
) -> None:
    summary = services.work_summary_for(unit=unit_x, campaign=campaign)
    services.summary_save(
        actor=unit_x_admin, summary=summary, data={"overview": long_text(4000)}, events=[]
    )
    with pytest.raises(services.Incomplete) as refused:
        services.summary_submit(actor=unit_x_admin, summary=summary)
    assert {"methods", "highlights", "problems", "directions", "events"} <= set(
        refused.value.problems
    )
    assert "length" not in refused.value.problems


def test_only_the_units_admin_writes(
    campaign: Any, unit_x: Any, unit_y_admin: Any, staff: Any
) -> None:
    summary = services.work_summary_for(unit=unit_x, campaign=campaign)
    for actor in (unit_y_admin, staff):
        with pytest.raises(NotAllowed):
            services.summary_save(actor=actor, summary=summary, data={"overview": "x"})
