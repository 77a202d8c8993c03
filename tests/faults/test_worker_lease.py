"""The lease of a running task is renewed by the worker's heartbeat, not only by progress:
a handler busy with one long step (longer than the lease) is not taken over by a second
worker, and runs once. Real ``run_worker`` processes on the fault tests' own database."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.faults.conftest import FaultSite, wait_for
from tests.faults.test_worker_killed import enqueue, task_rows, worker

pytestmark = pytest.mark.faults


def test_a_long_step_keeps_its_lease_through_the_heartbeat(site: FaultSite, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    # The step lasts four leases; without the heartbeat the second worker would claim it.
    (task_id,) = enqueue(site, "tests.tasks.handlers.long_step", 1, directory=str(out), seconds=4.0)
    first = worker(site, tmp_path / "w1.log", lease=1)
    wait_for(lambda: (out / "runs.log").exists(), "the task to start", timeout=60)
    second = worker(site, tmp_path / "w2.log", lease=1)
    try:
        wait_for(lambda: task_rows(site)[0]["state"] == "done", "the task to finish", timeout=60)
        time.sleep(1.5)  # give the second worker every chance to (wrongly) claim it again
    finally:
        for process in (first, second):
            process.terminate()
            process.wait(timeout=20)
    (row,) = task_rows(site)
    assert row["pk"] == task_id and row["attempts"] == 1
    starts = (out / "runs.log").read_text().splitlines()
    assert len(starts) == 1, starts


def test_concurrency_option_runs_tasks_side_by_side(site: FaultSite, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    ids = enqueue(site, "tests.tasks.handlers.long_step", 4, directory=str(out), seconds=2.0)
    process = worker(site, tmp_path / "w.log", "--until-empty", "--concurrency", "4")
    assert process.wait(timeout=120) == 0
    runs = [line.split() for line in (out / "runs.log").read_text().splitlines()]
    assert sorted(int(r[0]) for r in runs) == sorted(ids)  # each once
    assert all(row["state"] == "done" for row in task_rows(site))
    # One after another, the starts would be two seconds apart; side by side they are not.
    starts = sorted(float(r[3]) for r in runs)
    assert starts[-1] - starts[0] < 1.5, starts
