"""For tests: run every runnable task in this process until none is left."""

from __future__ import annotations

from xinban.tasks.worker import claim, load_handlers, run, worker_id


def drain(limit: int = 1000) -> int:
    load_handlers()
    me = worker_id()
    ran = 0
    while ran < limit:
        task = claim(me)
        if task is None:
            break
        run(task, me)
        ran += 1
    return ran
