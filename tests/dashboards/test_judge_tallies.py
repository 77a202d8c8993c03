"""The judges' summary rows (xinban/dashboards/judge_tallies.py) equal a count from
scratch after any sequence of changes to sheets and applications — one at a time, in
bulk, by cascade — and the dashboards' judges' progress reads them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.recommendation.conftest import make_judge
from xinban.applications.models import Application
from xinban.dashboards import judge_tallies
from xinban.dashboards.models import JudgeTally
from xinban.dashboards.selectors.progress import _judges
from xinban.dashboards.selectors.shared import _options
from xinban.scoring.models import ScoreSheet, SheetStatus, Stage

OPERATIONS = [
    "assign",
    "status",
    "delete_sheet",
    "bulk_assign",
    "bulk_status",
    "move_application",
    "delete_application",
]
STATUSES = list(SheetStatus.values)
STAGES = [Stage.UNIT, Stage.EXPERT]


def _judges_of() -> list[Any]:
    judges = [
        make_judge(f"jt{i}@example.com", f"评委{i}")
        for i in range(2)
        if not ScoreSheet.objects.filter(judge__email=f"jt{i}@example.com").exists()
    ]
    from xinban.scoring.models import Judge

    return judges or list(Judge.objects.filter(email__startswith="jt").order_by("pk"))


def _apply(op: str, i: int, j: int, units: list[Any], judges: list[Any]) -> None:
    apps = list(Application.objects.order_by("pk"))
    sheets = list(ScoreSheet.objects.order_by("pk"))
    app = apps[i % len(apps)]
    judge = judges[j % len(judges)]
    if op == "assign":
        ScoreSheet.objects.create(
            application=app, judge=judge, stage=STAGES[j % 2], status=STATUSES[i % 3]
        )
    elif op == "status" and sheets:
        sheet = sheets[i % len(sheets)]
        sheet.status = STATUSES[j % 3]
        sheet.save()
    elif op == "delete_sheet" and sheets:
        ScoreSheet.objects.filter(pk=sheets[i % len(sheets)].pk).delete()
    elif op == "bulk_assign":
        ScoreSheet.objects.bulk_create(
            [
                ScoreSheet(application=a, judge=judge, stage=STAGES[i % 2], status=STATUSES[j % 3])
                for a in apps[i % 3 :: 3]
            ],
            ignore_conflicts=False,
        )
    elif op == "bulk_status":
        ScoreSheet.objects.filter(judge=judge).update(status=STATUSES[i % 3])
    elif op == "move_application":
        app.recommending_unit = units[j % len(units)]
        app.save()
    elif op == "delete_application":
        app.delete()


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 1000), st.integers(0, 1000)),
        min_size=1,
        max_size=10,
    )
)
def test_judge_tallies_equal_a_count_from_scratch_after_any_changes(
    world: Any, unit_x: Any, unit_y: Any, steps: list[tuple[str, int, int]]
) -> None:
    with transaction.atomic():
        judges = _judges_of()
        for op, i, j in steps:
            try:
                with transaction.atomic():
                    _apply(op, i, j, [unit_x, unit_y], judges)
            except (IntegrityError, ProtectedError):
                pass  # a change the data refuses (a second sheet of the same round)
        assert judge_tallies.stored() == judge_tallies.count()
        transaction.set_rollback(True)


def test_the_world_judge_has_a_row_per_stage_and_unit(world: Any, unit_x: Any) -> None:
    rows = list(
        JudgeTally.objects.filter(campaign_id=world.campaign.pk).values_list(
            "judge__name", "stage", "unit_id", "total", "done", "drafts"
        )
    )
    # tests/dashboards/conftest.py: unit X's judge has 3 sheets: submitted, draft, assigned.
    assert rows == [("评委丁", Stage.UNIT, unit_x.pk, 3, 1, 1)]


def test_the_progress_reads_the_rows(world: Any, unit_x: Any) -> None:
    opts = _options()
    campaign = opts.campaign_of_year[world.campaign.year]
    before = _judges(campaign, {}, opts, lambda stage, unit: None)
    sheet = ScoreSheet.objects.filter(judge__name="评委丁").exclude(status=SheetStatus.SUBMITTED)[0]
    sheet.status = SheetStatus.SUBMITTED
    sheet.save()
    after = _judges(campaign, {}, opts, lambda stage, unit: None)
    assert [(r["judge"], r["unit_id"]) for r in before] == [("评委丁", unit_x.pk)]
    assert after[0]["done"] == before[0]["done"] + 1
    assert after[0]["total"] == before[0]["total"]
    mine = _judges(campaign, {}, opts, lambda stage, unit: None, only_unit=unit_x.pk)
    assert [r["done"] for r in mine] == [after[0]["done"]]


def test_the_command_checks_and_rebuilds_the_judge_tallies(world: Any) -> None:
    call_command("dashboard_tallies", "--check")
    JudgeTally.objects.update(done=0)
    with pytest.raises(CommandError):
        call_command("dashboard_tallies", "--check")
    call_command("dashboard_tallies")
    call_command("dashboard_tallies", "--check")
    assert judge_tallies.stored() == judge_tallies.count()
