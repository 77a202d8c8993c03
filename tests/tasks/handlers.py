"""Task handlers for the tests (loaded through XINBAN_TASK_MODULES or by import). They
write to a directory given in their kwargs so that separate processes can be checked."""

from __future__ import annotations

import os
import time
from pathlib import Path

from xinban.tasks.api import TaskContext, task

FLAKY_FAILURES: dict[str, int] = {}


@task("tests.record")
def record(ctx: TaskContext, *, directory: str, label: str) -> None:
    """Append this task's id to a shared log (one line per execution)."""
    with open(Path(directory) / "runs.log", "a") as log:
        log.write(f"{ctx.task.pk} {label} {os.getpid()}\n")
    time.sleep(0.02)


@task("tests.batch")
def batch(ctx: TaskContext, *, directory: str, items: int, pause: float = 0.0) -> None:
    """A resumable batch: item files are written once (skipped when present), progress
    is kept after every item, a re-run continues from there."""
    out = Path(directory)
    ctx.set_total(items)
    for i in range(ctx.done, items):
        with open(out / "executions.log", "a") as log:
            log.write(f"{i}\n")
        target = out / f"item-{i:04d}"
        if not target.exists():
            target.write_text(str(i))
        time.sleep(pause)
        ctx.set_progress(i + 1)
    ctx.save_result_file("批量结果.txt", f"{items} items".encode())


@task("tests.flaky")
def flaky(ctx: TaskContext, *, key: str, failures: int) -> None:
    """Fails ``failures`` times, then succeeds."""
    seen = FLAKY_FAILURES.get(key, 0)
    if seen < failures:
        FLAKY_FAILURES[key] = seen + 1
        raise RuntimeError(f"attempt {seen + 1} fails")
    ctx.set_result({"succeeded_after": seen})


def executions(directory: str | Path) -> list[str]:
    path = Path(directory) / "executions.log"
    return path.read_text().split() if path.exists() else []


@task("tests.long_step")
def long_step(ctx: TaskContext, *, directory: str, seconds: float) -> None:
    """One long step without any progress report (only the heartbeat keeps the lease)."""
    with open(Path(directory) / "runs.log", "a") as log:
        log.write(f"{ctx.task.pk} start {os.getpid()} {time.time()}\n")
    time.sleep(seconds)
    ctx.set_result({"slept": seconds})
