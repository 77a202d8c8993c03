"""Task handlers for the tests (loaded through XINBAN_TASK_MODULES or by import). They
write to a directory given in their kwargs so that separate processes can be checked."""

from __future__ import annotations

import os
import time
from pathlib import Path

from xinban.tasks.api import TaskContext, background

FLAKY_FAILURES: dict[str, int] = {}


@background
def record(context: TaskContext, *, directory: str, label: str) -> None:
    """Append this task's id to a shared log (one line per execution)."""
    with open(Path(directory) / "runs.log", "a") as log:
        log.write(f"{context.task.pk} {label} {os.getpid()}\n")
    time.sleep(0.02)


@background
def batch(context: TaskContext, *, directory: str, items: int, pause: float = 0.0) -> None:
    """A resumable batch: item files are written once (skipped when present), progress
    is kept after every item, a re-run continues from there."""
    out = Path(directory)
    context.set_total(items)
    for i in range(context.done, items):
        with open(out / "executions.log", "a") as log:
            log.write(f"{i}\n")
        target = out / f"item-{i:04d}"
        if not target.exists():
            target.write_text(str(i))
        time.sleep(pause)
        context.set_progress(i + 1)
    context.save_result_file("批量结果.txt", f"{items} items".encode())


@background
def flaky(context: TaskContext, *, key: str, failures: int) -> None:
    """Fails ``failures`` times, then succeeds."""
    seen = FLAKY_FAILURES.get(key, 0)
    if seen < failures:
        FLAKY_FAILURES[key] = seen + 1
        raise RuntimeError(f"attempt {seen + 1} fails")
    context.set_result({"succeeded_after": seen})


def executions(directory: str | Path) -> list[str]:
    path = Path(directory) / "executions.log"
    return path.read_text().split() if path.exists() else []


@background
def long_step(context: TaskContext, *, directory: str, seconds: float) -> None:
    """One long step without any progress report (only the heartbeat keeps the lease)."""
    with open(Path(directory) / "runs.log", "a") as log:
        log.write(f"{context.task.pk} start {os.getpid()} {time.time()}\n")
    time.sleep(seconds)
    context.set_result({"slept": seconds})


@background
def audit_channel(context: TaskContext, *, actor_id: int, application_owner_id: int) -> None:
    """Writes one audit entry (tests/core/test_audit_actions.py: its channel names the task)."""
    from xinban.accounts.models import User
    from xinban.core.audit import audit_record

    audit_record(
        actor=User.objects.get(pk=actor_id),
        action="application.update",
        obj=User.objects.get(pk=application_owner_id),
    )
