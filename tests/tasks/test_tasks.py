"""The task API, the worker's claim and retry rules, the progress and download views."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user
from tests.tasks import handlers
from xinban.core.models import AuditEntry
from xinban.tasks import services
from xinban.tasks.api import enqueue
from xinban.tasks.models import Task, TaskState
from xinban.tasks.testing import drain
from xinban.tasks.worker import claim, run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_backoff(settings: Any) -> None:
    settings.XINBAN_TASK_RETRY_SECONDS = 0


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_task_queued_in_a_rolled_back_transaction_never_exists(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue("tests.tasks.handlers.record", directory=str(tmp_path), label="x")
        raise RuntimeError
    assert not Task.objects.exists()
    assert drain() == 0


def test_tasks_go_through_the_standard_tasks_api(tmp_path: Path, applicant_a: Any) -> None:
    """django-tasks (Django 6's django.tasks API): ``.enqueue()`` writes the platform's
    row, the creator comes from ``user_id``, ``get_result`` reads the row back."""
    from django_tasks import TaskResultStatus, task_backends
    from django_tasks.exceptions import InvalidTaskError, TaskResultDoesNotExist

    from xinban.tasks.backend import LeasedDatabaseBackend

    backend = task_backends["default"]
    assert isinstance(backend, LeasedDatabaseBackend)
    result = handlers.record.enqueue(directory=str(tmp_path), label="std")
    row = Task.objects.get(pk=int(result.id))
    assert row.name == "tests.tasks.handlers.record" and row.created_by is None
    assert result.status == TaskResultStatus.READY and result.kwargs["label"] == "std"
    assert drain() == 1
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL and result.is_finished
    assert result.attempts == 1 and result.return_value == {}
    assert (tmp_path / "runs.log").read_text().startswith(f"{row.pk} std")
    # An area's task is stored under "<area>.<function>"; the creator from user_id.
    from xinban.exports.tasks import xlsx

    queued = xlsx.enqueue(kind="courses", params={}, user_id=applicant_a.pk)
    row = Task.objects.get(pk=int(queued.id))
    assert (row.name, row.created_by) == ("exports.xlsx", applicant_a)
    assert backend.get_result(queued.id).status == TaskResultStatus.READY
    with pytest.raises(TaskResultDoesNotExist):
        backend.get_result("999999")
    # Keyword arguments only; a declared task takes the context.
    with pytest.raises(InvalidTaskError):
        handlers.record.enqueue(str(tmp_path), "x")  # type: ignore[call-arg]
    from django_tasks import task

    with pytest.raises(InvalidTaskError):
        task()(handlers.executions)


def test_unknown_task_name_is_refused() -> None:
    with pytest.raises(KeyError):
        enqueue("tests.no_such_task")


def test_batch_runs_with_progress_and_a_result_file(tmp_path: Path, applicant_a: Any) -> None:
    queued = enqueue(
        "tests.tasks.handlers.batch", actor=applicant_a, directory=str(tmp_path), items=5
    )
    assert queued.state == TaskState.QUEUED and queued.percent == 0
    assert drain() == 1
    done = Task.objects.get(pk=queued.pk)
    assert done.state == TaskState.DONE and done.percent == 100
    assert (done.progress_done, done.progress_total) == (5, 5)
    assert sorted(p.name for p in tmp_path.glob("item-*")) == [f"item-{i:04d}" for i in range(5)]
    client = client_for(applicant_a)
    status = client.get(reverse("tasks:status", args=[done.pk]), HTTP_ACCEPT="application/json")
    assert status.json()["state"] == "done" and status.json()["percent"] == 100
    html = client.get(reverse("tasks:status", args=[done.pk])).content.decode()
    assert "批量结果.txt" in html and "hx-trigger" not in html
    download = client.get(reverse("tasks:download", args=[done.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"5 items"


def test_progress_fragment_polls_until_done(tmp_path: Path, applicant_a: Any) -> None:
    queued = enqueue(
        "tests.tasks.handlers.batch", actor=applicant_a, directory=str(tmp_path), items=2
    )
    html = client_for(applicant_a).get(reverse("tasks:status", args=[queued.pk])).content
    assert b'hx-trigger="every 1s"' in html and b"<progress" in html


def test_only_the_creator_and_staff_see_a_task(
    tmp_path: Path, applicant_a: Any, applicant_b: Any, staff: Any
) -> None:
    queued = enqueue(
        "tests.tasks.handlers.batch", actor=applicant_a, directory=str(tmp_path), items=1
    )
    drain()
    for user, expected in ((applicant_b, 404), (staff, 200), (applicant_a, 200)):
        assert client_for(user).get(reverse("tasks:download", args=[queued.pk])).status_code == (
            expected
        )
    assert Client().get(reverse("tasks:status", args=[queued.pk])).status_code == 302


def test_failing_task_is_retried_then_succeeds() -> None:
    handlers.FLAKY_FAILURES.clear()
    queued = enqueue("tests.tasks.handlers.flaky", key="a", failures=2, max_attempts=3)
    assert drain() == 3
    done = Task.objects.get(pk=queued.pk)
    assert done.state == TaskState.DONE and done.attempts == 3
    assert done.result == {"succeeded_after": 2}


def test_task_failing_every_attempt_fails_and_staff_can_retry(staff: Any) -> None:
    handlers.FLAKY_FAILURES.clear()
    queued = enqueue("tests.tasks.handlers.flaky", key="b", failures=5, max_attempts=2)
    drain()
    failed = Task.objects.get(pk=queued.pk)
    assert failed.state == TaskState.FAILED and failed.attempts == 2
    assert "attempt 2 fails" in failed.last_error
    html = client_for(staff).get(reverse("tasks:list"), {"state": "failed"}).content.decode()
    assert "tests.tasks.handlers.flaky" in html
    response = client_for(staff).post(reverse("tasks:retry", args=[queued.pk]))
    assert response.status_code == 302
    assert Task.objects.get(pk=queued.pk).state == TaskState.QUEUED
    assert AuditEntry.objects.filter(action="task.retry").count() == 1
    handlers.FLAKY_FAILURES["b"] = 5  # whatever was wrong has been fixed
    drain()
    assert Task.objects.get(pk=queued.pk).state == TaskState.DONE


def test_retry_refused_for_a_task_that_did_not_fail(staff: Any, tmp_path: Path) -> None:
    from xinban.core.errors import WrongState

    queued = enqueue("tests.tasks.handlers.record", directory=str(tmp_path), label="x")
    with pytest.raises(WrongState):
        services.task_retry(actor=staff, task=queued)


def test_non_staff_cannot_list_or_retry(applicant_a: Any, tmp_path: Path) -> None:
    queued = enqueue("tests.tasks.handlers.record", directory=str(tmp_path), label="x")
    client = client_for(applicant_a)
    assert client.get(reverse("tasks:list")).status_code == 403
    assert client.post(reverse("tasks:retry", args=[queued.pk])).status_code == 403


def test_a_task_whose_worker_died_is_claimed_again_and_resumes(tmp_path: Path) -> None:
    queued = enqueue("tests.tasks.handlers.batch", directory=str(tmp_path), items=4)
    first = claim("worker-a")
    assert first is not None and first.pk == queued.pk
    # Worker A did two items, then died (its lease runs out).
    Task.objects.filter(pk=queued.pk).update(
        progress_done=2, progress_total=4, lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert claim("worker-c") is not None
    task = Task.objects.get(pk=queued.pk)
    assert task.worker == "worker-c" and task.attempts == 2
    run(task, "worker-c")
    assert Task.objects.get(pk=queued.pk).state == TaskState.DONE
    assert handlers.executions(tmp_path) == ["2", "3"]  # resumed, not restarted


def test_a_live_lease_is_not_taken_over(tmp_path: Path) -> None:
    enqueue("tests.tasks.handlers.record", directory=str(tmp_path), label="x")
    assert claim("worker-a") is not None
    assert claim("worker-b") is None


def test_a_worker_that_lost_its_lease_stops_writing(tmp_path: Path) -> None:
    queued = enqueue("tests.tasks.handlers.batch", directory=str(tmp_path), items=3)
    task = claim("worker-a")
    assert task is not None
    Task.objects.filter(pk=queued.pk).update(worker="worker-b")  # taken over meanwhile
    run(task, "worker-a")
    after = Task.objects.get(pk=queued.pk)
    assert after.worker == "worker-b" and after.state == TaskState.RUNNING
    assert after.progress_total == 0  # worker A's first write was refused


def test_dedupe_key_gives_back_the_same_task(tmp_path: Path) -> None:
    one = enqueue(
        "tests.tasks.handlers.record", dedupe_key="k1", directory=str(tmp_path), label="x"
    )
    two = enqueue(
        "tests.tasks.handlers.record", dedupe_key="k1", directory=str(tmp_path), label="y"
    )
    assert one.pk == two.pk and Task.objects.count() == 1


def test_user_with_no_rights_gets_404_on_someone_elses_status(tmp_path: Path) -> None:
    owner = make_user("owner@example.com", "任务创建人")
    other = make_user("other@example.com", "其他人")
    queued = enqueue("tests.tasks.handlers.record", actor=owner, directory=str(tmp_path), label="x")
    assert client_for(other).get(reverse("tasks:status", args=[queued.pk])).status_code == 404


def test_progress_of_a_running_task_is_visible_through_the_status_view(
    tmp_path: Path, applicant_a: Any
) -> None:
    from xinban.tasks.api import TaskContext

    queued = enqueue(
        "tests.tasks.handlers.batch", actor=applicant_a, directory=str(tmp_path), items=4
    )
    claimed = claim("worker-a")
    assert claimed is not None
    ctx = TaskContext(claimed, "worker-a")
    ctx.set_total(4)
    ctx.advance(1)
    client = client_for(applicant_a)
    url = reverse("tasks:status", args=[queued.pk])
    data = client.get(url, HTTP_ACCEPT="application/json").json()
    assert (data["state"], data["done"], data["total"], data["percent"]) == ("running", 1, 4, 25)
    html = client.get(url).content.decode()
    assert "1 / 4" in html and 'value="25"' in html and 'hx-trigger="every 1s"' in html
    ctx.set_progress(3)
    assert client.get(url, HTTP_ACCEPT="application/json").json()["percent"] == 75


def test_a_handler_told_its_lease_is_lost_stops_at_its_next_step(tmp_path: Path) -> None:
    from xinban.tasks.api import LeaseLost, TaskContext

    enqueue("tests.tasks.handlers.batch", directory=str(tmp_path), items=3)
    claimed = claim("worker-a")
    assert claimed is not None
    ctx = TaskContext(claimed, "worker-a")
    ctx.lease_lost = True  # what the heartbeat sets when the row is no longer ours
    with pytest.raises(LeaseLost):
        ctx.advance(1)
    assert Task.objects.get(pk=claimed.pk).progress_done == 0
